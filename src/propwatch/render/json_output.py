"""The analysis as JSON: `Analysis.to_dict()`, described by `schema/analysis.schema.json`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from propwatch.errors import PropwatchError

if TYPE_CHECKING:
    from propwatch.analysis import Analysis

__all__ = ["render_json"]


def render_json(analysis: Analysis, indent: int | None = 2) -> str:
    """Pretty JSON (UTF-8 text kept as is, not \\u-escaped), without a trailing newline.

    NaN and infinity are refused rather than written as the non-standard tokens `json` allows,
    which other JSON parsers reject.
    """
    try:
        return json.dumps(analysis.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError as error:
        raise PropwatchError(
            f"cannot write the analysis as JSON: {error}; a confidence or score is not a number "
            "(report this as a bug in propwatch)"
        ) from error
