"""Errors meant for people: each message says what is wrong and what to do.

Each kind of failure has its class, so that the command line (`propwatch.cli.EXIT_CODES`) and the
HTTP API (`propwatch.web.errors.API_ERRORS`) answer by kind, never by the wording of a message.
"""

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class PropwatchError(Exception):
    """A problem with the user's input or setup, reported as one line without a traceback."""


class BadInput(PropwatchError):
    """An input or argument propwatch cannot use as given: a wrong path, option or file."""


class EmptyInput(BadInput):
    """There is no article text: the input is empty, blank, or only page boilerplate."""


class Unreadable(BadInput):
    """The bytes are not text propwatch can read: binary data, a PDF, an image."""


class BadUrl(BadInput):
    """The address is not an http(s) URL propwatch can fetch."""


class UnsafeUrl(BadInput):
    """The URL points to a loopback, private or link-local address, refused unless allowed."""


class TooLarge(BadInput):
    """The input is over a limit: the bytes of a file or page, or the characters of an article."""


class FetchFailed(PropwatchError):
    """A URL could not be fetched: no such host, no connection, a timeout, an error status."""


class StoreError(PropwatchError):
    """The store refused to keep something (PostgreSQL takes no NUL characters, say)."""


class StoreUnreachable(StoreError):
    """The store cannot be opened: the database server is down, or the URL is wrong."""


class ModelMissing(PropwatchError):
    """A model is missing or incomplete: the detector's folder, or spaCy's English pipeline."""


def by_kind(table: Mapping[type[E], T], error: E, default: T) -> T:
    """The entry of `error`'s nearest class in `table` (a table of answers by kind of error)."""
    return next((table[kind] for kind in type(error).__mro__ if kind in table), default)
