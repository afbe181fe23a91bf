"""What the running app holds: settings, store, inference pool, rate limit, held reports."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from propwatch.store import Store
from propwatch.web.held import Held
from propwatch.web.limits import RateLimit
from propwatch.web.pool import InferencePool
from propwatch.web.settings import Settings


@dataclass
class Web:
    settings: Settings
    store: Store
    pool: InferencePool
    limit: RateLimit  # analyses per client, and failed token checks
    held: Held  # reports of analyses that were not kept, until opened


def current(request: Request) -> Web:
    """The running app's state (set by the app's lifespan)."""
    web: Web = request.app.state.web
    return web
