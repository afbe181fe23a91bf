"""The server's settings (a light module: `propwatch --help` imports it, but not FastAPI)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# One worker per core, up to two: each holds a model (about 0.5 GB with spaCy).
DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
DEFAULT_QUEUE = 16


@dataclass(frozen=True)
class Settings:
    db_url: str | None = None  # None: PROPWATCH_DB, else sqlite:///propwatch.db
    model: Path | None = None  # a model folder; None: the shipped model
    allow_private: bool = False  # let URL analysis reach loopback and private networks
    workers: int = DEFAULT_WORKERS
    queue: int = DEFAULT_QUEUE  # analyses that may wait for a worker before 503s begin
