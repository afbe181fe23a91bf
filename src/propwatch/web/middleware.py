"""ASGI middleware: request body limits, and security headers on every response."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propwatch.web.errors import BodyTooLarge, error_response, too_large_message

# Responses that set no policy of their own (JSON, files) may load and run nothing.
DEFAULT_CSP = b"default-src 'none'; frame-ancestors 'none'"
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class BodyLimit:
    """Refuse request bodies over the path's limit: at once when the declared length is over
    it, else as soon as the bytes read go over it (a chunked body declares none). Refuse a body
    framed twice (Content-Length and Transfer-Encoding): servers and proxies may read it
    differently, which is how requests are smuggled past a proxy."""

    def __init__(self, app: ASGIApp, limits: Mapping[str, int], default: int) -> None:
        self.app = app
        self.limits = limits
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        headers = Headers(scope=scope)
        if "content-length" in headers and "transfer-encoding" in headers:
            response = error_response(
                "bad_http",
                "the request has both Content-Length and Transfer-Encoding; send one of the two",
                {"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            response = error_response("too_large", too_large_message(limit))
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)  # an HTTPException: the app answers it as JSON
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    """No sniffing, no referrer, no framing, and a default CSP where a response sets none."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", DEFAULT_CSP))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
