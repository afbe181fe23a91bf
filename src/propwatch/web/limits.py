"""Per-client rate limits: a token bucket per client address, in memory.

Each client may make `per_minute` requests a minute, in bursts of up to that many; one more is
refused with the seconds until a request is allowed again (429 with Retry-After). Only the most
recently seen `max_clients` addresses are remembered, so memory stays bounded whoever connects.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_CLIENTS = 10_000


class RateLimited(Exception):
    """A client made more requests than its rate allows."""

    def __init__(self, retry_after: int, per_minute: int) -> None:
        super().__init__(
            f"too many analyses from your address (the limit is {per_minute} a minute); "
            f"retry in {retry_after} s"
        )
        self.retry_after = retry_after


class RateLimit:
    def __init__(
        self,
        per_minute: int,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when
        self._lock = threading.Lock()

    def take(self, client: str) -> int:
        """Take one request from `client`'s allowance: 0 when allowed, else the whole seconds
        until it would be."""
        if self.per_minute <= 0:
            return 0
        rate = self.per_minute / 60.0  # tokens per second
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.pop(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            wait = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / rate))
            self._buckets[client] = (tokens - 1 if not wait else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)  # the client seen longest ago
        return wait

    def check(self, client: str) -> None:
        """`take`, raising RateLimited when the client must wait."""
        wait = self.take(client)
        if wait:
            raise RateLimited(wait, self.per_minute)
