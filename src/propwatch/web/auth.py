"""Access control: with a token set, every API call and report page needs it.

Programs send `Authorization: Bearer TOKEN`. The start page asks a person for the token once and
trades it for a session cookie (`POST /v1/session`): HttpOnly and SameSite=Strict, holding an
HMAC of the token rather than the token, so the browser sends it with every request from this
server's own pages and no other site can make it do so. The start page, its static files, the
API docs and /healthz stay open. A failed attempt counts against the client's rate limit.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from propwatch.render.templating import render_template
from propwatch.web.errors import error_response
from propwatch.web.limits import RateLimit

COOKIE = "propwatch_session"
COOKIE_SECONDS = 30 * 24 * 3600
OPEN_PATHS = frozenset({"/", "/healthz", "/openapi.json", "/docs", "/favicon.ico"})
OPEN_PREFIXES = ("/static/", "/docs/")
PAGE_PREFIXES = ("/a/", "/r/")  # pages a browser opens: refused with a page, not JSON


def session_value(token: str) -> str:
    """What the session cookie holds: the token's HMAC, so the cookie never reveals the token."""
    return hmac.new(token.encode(), b"propwatch session", hashlib.sha256).hexdigest()


def is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def authorised(request: Request, token: str) -> bool:
    """Whether the request carries the token (Bearer) or the session cookie made from it."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return hmac.compare_digest(given.strip().encode(), token.encode())
    cookie = request.cookies.get(COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token).encode())


def client_of(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class TokenAuth:
    """Refuse requests to anything but the open paths without the token (401), or with 429
    once a client has failed too often."""

    def __init__(self, app: ASGIApp, token: str | None, limit: RateLimit) -> None:
        self.app = app
        self.token = token
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or is_open(scope["path"]):
            await self.app(scope, receive, send)
            return
        if authorised(Request(scope), self.token):
            await self.app(scope, receive, send)
            return
        await self.refusal(scope)(scope, receive, send)

    def refusal(self, scope: Scope) -> Response:
        wait = self.limit.take(client_of(scope))
        if wait:
            return error_response(
                "rate_limited",
                f"too many requests without the access token; retry in {wait} s",
                {"Retry-After": str(wait)},
            )
        if scope["path"].startswith(PAGE_PREFIXES):
            return HTMLResponse(locked_page(), status_code=401)
        return error_response(
            "unauthorized",
            "this server needs its access token: send the header 'Authorization: Bearer TOKEN' "
            "(ask whoever runs the server for the token)",
            {"WWW-Authenticate": "Bearer"},
        )


@cache
def locked_page() -> str:
    """The page a browser gets for a page link without the token (`web/templates/`)."""
    return render_template("propwatch.web", "locked.html")
