"""uvicorn as `propwatch serve` runs it: deadlines for slow clients, and JSON for requests that are
not HTTP.

A client that sends its request head or body slowly holds a connection (and memory) for as long
as it likes unless the server sets a deadline; uvicorn sets none. `Deadlines` gives the head
`head_seconds` (from the connection, or from the end of the previous response) and the body
`body_seconds` (from the end of the head); past one, the client gets 408 `request_timeout` and
the connection closes. A request h11 cannot parse (a negative Content-Length, say) gets the API's
JSON error instead of uvicorn's plain text.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from propwatch.web.errors import CODES
from propwatch.web.middleware import DEFAULT_CSP, HEADERS
from propwatch.web.settings import BODY_SECONDS, HEAD_SECONDS

_PHASES = {h11.IDLE: "head", h11.SEND_BODY: "body"}


class Deadlines(H11Protocol):
    head_seconds = HEAD_SECONDS
    body_seconds = BODY_SECONDS
    _phase: str | None = None
    _timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._refuse(
            "bad_http",
            "the request is not valid HTTP/1.1 (a malformed request line, header or "
            "Content-Length); send a well-formed request",
        )

    def _watch(self) -> None:
        """Start the deadline of the part of the request the client is sending now."""
        phase = _PHASES.get(self.conn.their_state)
        if phase == self._phase:
            return
        self._stop()
        self._phase = phase
        if phase is not None and not self.transport.is_closing():
            seconds = self.head_seconds if phase == "head" else self.body_seconds
            self._timer = self.loop.call_later(seconds, self._expired, phase, seconds)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expired(self, phase: str, seconds: float) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        begun = bool(self.conn.trailing_data[0]) if phase == "head" else True
        answered = self.cycle is not None and self.cycle.response_started and phase == "body"
        if not begun or answered:
            self.transport.close()  # nothing asked yet, or an answer already under way
            return
        self._refuse(
            "request_timeout",
            f"the request {phase} took longer than {seconds:g} s to arrive; send it again",
        )

    def _refuse(self, code: str, message: str) -> None:
        """Answer with the API's JSON error and close: the connection's framing is lost."""
        status = CODES[code][0]
        body = json.dumps({"code": code, "message": message}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *HEADERS,
            (b"content-security-policy", DEFAULT_CSP),
        ]
        head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode() + b"".join(
            name + b": " + value + b"\r\n" for name, value in headers
        )
        self.transport.write(head + b"\r\n" + body)
        self.transport.close()


def server_config(
    app: Any, head_seconds: float = HEAD_SECONDS, body_seconds: float = BODY_SECONDS
) -> uvicorn.Config:
    """uvicorn's configuration for `app`, with these deadlines for slow clients."""
    protocol = type(
        "Deadlines", (Deadlines,), {"head_seconds": head_seconds, "body_seconds": body_seconds}
    )
    return uvicorn.Config(app, http=protocol, log_level="info", timeout_graceful_shutdown=10)
