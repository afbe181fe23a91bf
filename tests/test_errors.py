"""Each kind of error answers by its class: an exit code on the command line, a code in the API."""

from __future__ import annotations

import inspect

import pytest

from propwatch import errors
from propwatch.cli import EXIT_CODES
from propwatch.errors import (
    BadInput,
    BadUrl,
    EmptyInput,
    FetchFailed,
    ModelMissing,
    PropwatchError,
    StoreError,
    StoreUnreachable,
    TooLarge,
    Unreadable,
    UnsafeUrl,
    by_kind,
)
from propwatch.web.errors import CODES, NotFound, code_of
from propwatch.web.pool import Busy, WorkerDied

KINDS = [
    # class, exit code, HTTP status, API code
    (PropwatchError, 2, 500, "internal_error"),
    (BadInput, 2, 422, "invalid_request"),
    (EmptyInput, 2, 422, "empty_text"),
    (Unreadable, 2, 422, "unreadable"),
    (BadUrl, 2, 422, "bad_url"),
    (UnsafeUrl, 2, 403, "private_address"),
    (TooLarge, 2, 413, "too_large"),
    (FetchFailed, 3, 502, "fetch_failed"),
    (StoreError, 4, 503, "store_failed"),
    (StoreUnreachable, 4, 503, "store_failed"),
    (ModelMissing, 5, 500, "internal_error"),
    (NotFound, 2, 404, "not_found"),
    (WorkerDied, 2, 500, "internal_error"),
]


@pytest.mark.parametrize(("kind", "exit_code", "status", "code"), KINDS)
def test_each_kind_has_its_exit_code_and_api_answer(
    kind: type[PropwatchError], exit_code: int, status: int, code: str
) -> None:
    error = kind("what is wrong; what to do")
    assert by_kind(EXIT_CODES, error, None) == exit_code
    assert code_of(error) == code
    assert CODES[code][0] == status


def test_every_kind_of_error_is_in_the_table_above() -> None:
    defined = {
        value
        for value in vars(errors).values()
        if inspect.isclass(value) and issubclass(value, PropwatchError)
    }
    assert defined <= {kind for kind, *_ in KINDS}


def test_a_busy_pool_is_503_and_anything_else_an_internal_error() -> None:
    assert code_of(Busy(3)) == "busy" and CODES["busy"][0] == 503
    assert code_of(KeyError("x")) == "internal_error"
