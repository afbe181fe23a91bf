"""What the running app holds: its settings, the store and the inference pool."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from propwatch.store import Store
from propwatch.web.pool import InferencePool
from propwatch.web.settings import Settings


@dataclass
class Web:
    settings: Settings
    store: Store
    pool: InferencePool


def current(request: Request) -> Web:
    """The running app's state (set by the app's lifespan)."""
    web: Web = request.app.state.web
    return web
