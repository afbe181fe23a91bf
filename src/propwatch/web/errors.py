"""API errors: JSON `{"code", "message"}` with a stable code and a one-line message.

Messages from ingest, the store and the model (PropwatchError) are passed on as they are; the code
comes from the error's class (`API_ERRORS`), for programs to branch on.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from propwatch.errors import (
    BadInput,
    BadUrl,
    EmptyInput,
    FetchFailed,
    PropwatchError,
    StoreError,
    TooLarge,
    Unreadable,
    UnsafeUrl,
    by_kind,
)
from propwatch.web.limits import RateLimited
from propwatch.web.pool import Busy

log = logging.getLogger("propwatch.web")

# code -> (HTTP status, what it means); the table in docs/web.md follows this one.
CODES: dict[str, tuple[int, str]] = {
    "invalid_request": (422, "the request does not follow the API (see the message)"),
    "bad_http": (400, "the request is not valid HTTP/1.1, or its body's length is ambiguous"),
    "empty_text": (422, "there is no article text to analyse"),
    "unreadable": (422, "the file or page is not text propwatch can read"),
    "bad_url": (422, "the URL is not an http(s) URL propwatch can fetch"),
    "unauthorized": (401, "the server needs its access token: Authorization: Bearer TOKEN"),
    "private_address": (403, "the URL points to a loopback, private or link-local address"),
    "not_found": (404, "no such analysis or page"),
    "method_not_allowed": (405, "the path does not take this HTTP method"),
    "request_timeout": (408, "the request's head or body arrived too slowly"),
    "too_large": (413, "the request body, file or text is over the limit"),
    "rate_limited": (429, "too many requests from this client: retry after Retry-After seconds"),
    "fetch_failed": (502, "the URL could not be fetched"),
    "busy": (503, "every worker is busy and the queue is full: retry after Retry-After seconds"),
    "store_failed": (503, "the analysis could not be stored"),
    "internal_error": (500, "a bug in propwatch: please report it"),
}
_BY_STATUS = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


class NotFound(PropwatchError):
    """No stored analysis has the id asked for."""


# Each kind of error -> its code; an error takes the entry of its nearest class.
API_ERRORS: dict[type[Exception], str] = {
    BadInput: "invalid_request",
    EmptyInput: "empty_text",
    Unreadable: "unreadable",
    BadUrl: "bad_url",
    UnsafeUrl: "private_address",
    TooLarge: "too_large",
    NotFound: "not_found",
    FetchFailed: "fetch_failed",
    Busy: "busy",
    RateLimited: "rate_limited",
    StoreError: "store_failed",
    PropwatchError: "internal_error",
}


def code_of(error: Exception) -> str:
    """The API error code for `error`: its class's, or its nearest base class's."""
    return by_kind(API_ERRORS, error, "internal_error")


class ErrorBody(BaseModel):
    """What every error response holds."""

    code: str = Field(description="Stable machine-readable code.", examples=["empty_text"])
    message: str = Field(description="One line for people: what is wrong and what to do.")


class BodyTooLarge(HTTPException):
    """Raised while reading a request body that grows past its limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"the request body is over this endpoint's {limit:,}-byte limit; send one article"


def responses(*codes: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error codes a route can answer with."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        status = CODES[code][0]
        entry = out.setdefault(status, {"model": ErrorBody, "description": ""})
        entry["description"] += f"{'; ' if entry['description'] else ''}`{code}`: {CODES[code][1]}"
    retry = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
    for code in ("busy", "rate_limited"):
        if code in codes:
            out[CODES[code][0]]["headers"] = retry
    return out


def error_response(code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(code=code, message=message).model_dump()
    return JSONResponse(body, status_code=CODES[code][0], headers=headers)


def _validation_message(request: Request, error: RequestValidationError) -> str:
    first = error.errors()[0] if error.errors() else {}
    if first.get("type") == "json_invalid":
        return 'the request body is not valid JSON; send an object such as {"text": "..."}'
    if tuple(first.get("loc", ())) == ("body",) and not _is_json(request):
        kind = request.headers.get("content-type")
        sent = f"was sent as {kind[:60]}" if kind else "came without a Content-Type"
        return f"the request body {sent}; send JSON with the header Content-Type: application/json"
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = " ".join(str(first.get("msg", "invalid request")).split())
    message = message.removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


async def _known(request: Request, error: Exception) -> JSONResponse:
    code = code_of(error)
    if code == "internal_error":
        log.error("%s %s failed: %s", request.method, request.url.path, error)
    retry = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return error_response(code, str(error), headers)


def _is_json(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return error_response("invalid_request", _validation_message(request, error))


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = _BY_STATUS.get(error.status_code, "invalid_request")
    headers = dict(error.headers or {})
    if error.status_code == 405:
        headers["Allow"] = _allowed(request)
    return error_response(code, _http_message(request, error), headers)


def _allowed(request: Request) -> str:
    """The methods of every route at the path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if route.matches(request.scope)[0] is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def _http_message(request: Request, error: HTTPException) -> str:
    """Starlette's terse details ("Not Found") as messages that say what to do."""
    if error.status_code == 400:
        return _unparsed_body_message(error.__cause__)
    if error.status_code == 404:
        return f"there is nothing at {request.url.path}; see /docs for the API"
    if error.status_code == 405:
        return f"{request.url.path} does not take {request.method}; see /docs for the API"
    return error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase


def _unparsed_body_message(cause: BaseException | None) -> str:
    """Why FastAPI could not parse a body, from the exception it wrapped."""
    if isinstance(cause, RecursionError):
        return 'the JSON is nested too deeply to read; send a flat object such as {"text": "..."}'
    if isinstance(cause, UnicodeDecodeError):
        return "the request body is not UTF-8; send JSON encoded in UTF-8"
    return "the request body could not be read; send JSON in UTF-8"


async def _gone(request: Request, error: Exception) -> JSONResponse:
    """The client went (or was cut off for sending too slowly): no one reads an answer."""
    return error_response("request_timeout", "the client closed the connection")


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(
        "internal_error", f"internal error ({type(error).__name__}); please report it"
    )


def install(app: FastAPI) -> None:
    """Every error the app can raise becomes a JSON error response."""
    for kind in API_ERRORS:
        app.add_exception_handler(kind, _known)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(ClientDisconnect, _gone)
    app.add_exception_handler(Exception, _unexpected)
