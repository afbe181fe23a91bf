"""`propwatch serve` in a subprocess on a free loopback port: for tests and benchmarks.

>>> with local_server("--db", "web.db") as base:
...     httpx.get(f"{base}/healthz")
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO

import httpx

START = "from propwatch.cli import main; main()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_server(
    *args: str, timeout: float = 180.0, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start `propwatch serve *args` on 127.0.0.1 (with `env` added to the environment), wait
    until it is healthy, yield its base URL, and stop it (SIGTERM, then SIGKILL after 30 s) on
    the way out."""
    port = free_port()
    command = [sys.executable, "-c", START, "serve", "--port", str(port), *args]
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, process, log, timeout)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(
    base: str, process: subprocess.Popen[bytes], log: IO[str], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"propwatch serve exited with {process.returncode}: {_tail(log)}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"propwatch serve was not healthy within {timeout:g} s: {_tail(log)}")


def _tail(log: IO[str]) -> str:
    log.seek(0)
    lines = log.read().strip().splitlines()
    return " | ".join(lines[-5:]) or "no output"
