"""The versioned JSON Schema of an Analysis (`analysis.schema.json`, draft 2020-12).

>>> from propwatch.schema import validate
>>> validate(analysis.to_dict())  # raises PropwatchError with a one-line message when invalid

Validation needs the `jsonschema` package; loading the schema does not.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from propwatch.errors import PropwatchError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["SCHEMA_FILE", "SCHEMA_VERSION", "load_schema", "validate"]

SCHEMA_FILE = "analysis.schema.json"
SCHEMA_VERSION = "1.4"  # the schema's `schema_version` const; a test keeps analysis.py in step
_MAX_MESSAGE = 200  # error messages quote the offending value, which may be a whole article


@cache
def _schema_text() -> str:
    return files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The schema as a fresh dict (callers may change it without affecting `validate`)."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@cache
def _validator() -> Validator:
    try:
        import jsonschema
    except ImportError as error:
        raise PropwatchError(
            "validating an analysis needs the jsonschema package: pip install 'jsonschema>=4.18'"
        ) from error
    cls = jsonschema.Draft202012Validator
    # Analysis.to_dict() keeps the dataclasses' tuples; JSON arrays are lists or tuples here.
    checker = cls.TYPE_CHECKER.redefine(
        "array", lambda _checker, value: isinstance(value, list | tuple)
    )
    return jsonschema.validators.extend(cls, type_checker=checker)(load_schema())


def validate(data: Any) -> None:
    """Check a decoded analysis document (or `Analysis.to_dict()`) against the schema.

    Raises `PropwatchError` naming the first problem and where it is, e.g.
    ``invalid analysis at $.spans[0].confidence: 1.5 is greater than the maximum of 1``.
    """
    validator = _validator()  # first: it explains a missing jsonschema
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(data))
    if error is not None:
        where = _json_path(error.absolute_path)
        raise PropwatchError(
            f"invalid analysis at {where}: {_one_line(error.message)} "
            f"(see propwatch/schema/{SCHEMA_FILE}, schema_version {SCHEMA_VERSION})"
        )


def _json_path(path: Any) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _one_line(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"
