"""The server's settings (a light module: `propwatch --help` imports it, but not FastAPI)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from propwatch.pipeline import ModelChoice

# One worker per core, up to two: each holds a model (about 0.5 GB with spaCy).
DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))
DEFAULT_QUEUE = 16
DEFAULT_RATE_LIMIT = 60  # analyses a minute per client: one a second, far above a person's pace
HEAD_SECONDS = 10.0  # for a request's head: a person's browser sends it at once
BODY_SECONDS = 30.0  # for a body: a 10 MB upload at about 3 Mbit/s


@dataclass(frozen=True)
class Settings:
    db_url: str | None = None  # None: PROPWATCH_DB, else sqlite:///propwatch.db
    models: ModelChoice | None = None  # the model folders given; None: the shipped model
    allow_private: bool = False  # let URL analysis reach loopback and private networks
    workers: int = DEFAULT_WORKERS
    queue: int = DEFAULT_QUEUE  # analyses that may wait for a worker before 503s begin
    token: str | None = None  # the access token every API call must carry; None: no check
    keep_days: int | None = None  # delete kept analyses after this many days; None: keep them
    rate_limit: int = DEFAULT_RATE_LIMIT  # analyses a minute per client address; 0: no limit

    def model_folder(self, model: str) -> Path | None:
        """The folder of the model named `model`, whose typical figures its reports quote."""
        return self.models.folder_of(model) if self.models else None
