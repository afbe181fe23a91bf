"""`propwatch serve` on a real socket: deadlines for slow clients, and framing it refuses.

The server runs as a subprocess with one-second deadlines; the clients are raw sockets, since an
HTTP library would not send a request slowly or framed twice.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from propwatch.web.local import local_server

DEADLINE = 1.0


@pytest.fixture(scope="module")
def address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    db = tmp_path_factory.mktemp("server") / "web.db"
    deadlines = ("--head-timeout", str(DEADLINE), "--body-timeout", str(DEADLINE))
    with local_server("--db", str(db), "--workers", "1", *deadlines) as base:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        yield host, int(port)


def exchange(address: tuple[str, int], *parts: bytes, pause: float = 0.0) -> tuple[bytes, float]:
    """Send `parts` (with `pause` seconds between them); all the server answers until it closes
    the connection, and how many seconds that took."""
    with socket.create_connection(address, timeout=10) as client:
        start = time.monotonic()
        for part in parts:
            client.sendall(part)
            time.sleep(pause)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        return answer, time.monotonic() - start


def error_of(answer: bytes) -> tuple[int, str, dict[str, str]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["content-type"] == "application/json", answer
    document = json.loads(body)
    assert set(document) == {"code", "message"} and "\n" not in document["message"]
    return int(lines[0].split()[1]), document["code"], headers


def test_a_request_head_sent_slowly_gets_408_and_the_connection_closes(address):
    answer, took = exchange(address, b"POST /v1/analyze HTTP/1.1\r\n", b"Host: x\r\n", pause=0.6)
    status, code, headers = error_of(answer)
    assert (status, code, headers["connection"]) == (408, "request_timeout", "close")
    assert took < DEADLINE + 3


def test_a_body_sent_slowly_gets_408_and_the_connection_closes(address):
    head = b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    parts = [head + b"Content-Length: 100\r\n\r\n", b'{"text": ', b'"slow', b" and slow"]
    answer, took = exchange(address, *parts, pause=0.5)
    assert error_of(answer)[:2] == (408, "request_timeout")
    assert took < DEADLINE + 3


def test_an_idle_connection_is_closed_without_an_answer(address):
    answer, took = exchange(address)
    assert answer == b"" and took < DEADLINE + 3


@pytest.mark.parametrize(
    "head",
    [
        b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    ],
    ids=["negative-length", "length-and-chunked"],
)
def test_malformed_or_ambiguous_framing_is_refused_in_json(address, head: bytes):
    answer, _ = exchange(address, head)
    status, code, headers = error_of(answer)
    assert (status, code, headers["connection"]) == (400, "bad_http", "close")
    assert headers["x-content-type-options"] == "nosniff"


def test_a_prompt_client_is_served_request_after_request(address):
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(address, timeout=10) as client:
        for _ in range(3):  # on one kept-alive connection, each within the deadline
            client.sendall(request)
            answer = b""
            while not answer.endswith(b"}"):  # the head, then the JSON body
                answer += client.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200 OK") and b'"status":"ok"' in answer
            time.sleep(DEADLINE * 0.6)
