"""Analyses that were not kept: held in memory for a few minutes, for their report page.

The page shows every analysis as a report; when the person did not ask to keep it, the report
is held here under a random ticket (144 bits), and `/r/{ticket}` shows it, as often as it is
reloaded, for `TTL_SECONDS` after the analysis. Nothing of it is written to disk, nothing is held
longer, and at most `SIZE` analyses are held at a time (the oldest go first), so memory stays
bounded.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from propwatch.analysis import Analysis

SIZE = 16
TTL_SECONDS = 600.0  # long enough to reload the page or come back to it, short for a draft


class Held:
    def __init__(
        self,
        size: int = SIZE,
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self.ttl = ttl
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, Analysis]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, analysis: Analysis) -> str:
        """Hold `analysis`; the ticket that opens its report."""
        ticket = secrets.token_urlsafe(18)
        with self._lock:
            self._expire()
            self._items[ticket] = (self.clock() + self.ttl, analysis)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return ticket

    def get(self, ticket: str) -> Analysis | None:
        """The analysis held under `ticket`; None when its time is up (or it never was)."""
        with self._lock:
            self._expire()
            item = self._items.get(ticket)
        return item[1] if item else None

    def _expire(self) -> None:
        now = self.clock()
        while self._items and next(iter(self._items.values()))[0] <= now:
            self._items.popitem(last=False)
