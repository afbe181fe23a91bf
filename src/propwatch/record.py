"""A record: one article as an input gave it, not yet decoded or fetched, and where it came from.

`propwatch batch` reads records from folders, JSONL and CSV files (`propwatch.batch.inputs`), the
pipeline turns one into an Analysis (`propwatch.pipeline`), and the store keeps its `ArticleMeta`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "html", "file", "url"]


@dataclass(frozen=True)
class ArticleMeta:
    """Where an article came from and what its input said about it."""

    content_hash: str
    record_id: str
    location: str
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Record:
    """One article to analyse: where it came from and its content, not yet decoded or fetched."""

    meta: ArticleMeta
    kind: Kind  # text: str as is; html: str of HTML; file: bytes of content_type; url: fetch it
    content: str | bytes
    content_type: str | None = None
