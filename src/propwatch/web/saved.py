"""Permalinks: analyses kept in the store, and loaded back exactly as they were made.

The store keeps an analysis as one row of its own table (`kept_analyses`, apart from batch runs'
articles): its text, and the rest, spans included, as JSON (`details`); `load` puts the Analysis
together again, so that `render_json` of the loaded one is byte for byte `render_json` of the
original.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import re
from typing import Any

from sqlalchemy import Delete
from sqlalchemy import delete as sql_delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from propwatch.analysis import (
    SCHEMA_VERSION,
    Analysis,
    KeyWord,
    SectionResult,
    SentenceResult,
    SpanResult,
    Summary,
    section_index,
)
from propwatch.errors import StoreError
from propwatch.ingest import Decoding
from propwatch.store import Store, models
from propwatch.store.database import details_of, span_rows
from propwatch.structure.types import Attribution

KEY = re.compile(r"[A-Za-z0-9_-]{20}")


def key_of(analysis: Analysis) -> str:
    """The permalink key: the kept analysis' primary key."""
    # 120 bits of SHA-256 over model, URL and text: one link per analysis, unguessable without
    # the article itself.
    digest = hashlib.sha256()
    for part in (analysis.model, analysis.url or "", analysis.text):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)
    return base64.urlsafe_b64encode(digest.digest()[:15]).decode("ascii")


def save(store: Store, analysis: Analysis, title: str | None = None) -> str:
    """Keep `analysis` (once: saving it again is a no-op) and return its permalink key."""
    key = key_of(analysis)
    spans = [{k: v for k, v in row.items() if k != "analysis_id"} for row in span_rows(0, analysis)]
    row = models.KeptRow(
        key=key,
        model=analysis.model,
        url=analysis.url,
        title=title or analysis.title,
        text=analysis.text,
        details={**details_of(analysis), "spans": spans},
    )
    try:
        with store.session() as session, session.begin():
            if session.get(models.KeptRow, key) is None:
                session.add(row)
    except IntegrityError:
        pass  # kept by another request in the meantime
    except SQLAlchemyError as error:
        raise StoreError(f"could not store the analysis: {type(error).__name__}") from None
    return key


def load(store: Store, key: str) -> Analysis | None:
    """The analysis kept under permalink `key`, or None (one row, read in one statement: a
    deletion at the same time finds it whole or not at all)."""
    if not KEY.fullmatch(key):
        return None
    with store.session() as session:
        row = session.get(models.KeptRow, key)
    if row is None:
        return None
    spans = [models.SpanRow(**span) for span in row.details["spans"]]
    return rebuild(row.text, row.details, spans)


def delete(store: Store, key: str) -> bool:
    """Delete the analysis kept under `key`; False if there is none."""
    if not KEY.fullmatch(key):
        return False
    query = sql_delete(models.KeptRow).where(models.KeptRow.key == key)
    return _deleted(store, query) > 0


def forget_older(store: Store, days: int) -> int:
    """Delete the analyses kept more than `days` days ago; how many went. Only kept analyses
    live in their table: a batch run's articles are never touched."""
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    return _deleted(store, sql_delete(models.KeptRow).where(models.KeptRow.created_at < cutoff))


def _deleted(store: Store, query: Delete) -> int:
    try:
        with store.session() as session, session.begin():
            return int(session.execute(query).rowcount)  # type: ignore[attr-defined]
    except SQLAlchemyError as error:
        raise StoreError(f"could not delete the analysis: {type(error).__name__}") from None


def rebuild(text: str, details: dict[str, Any], spans: list[models.SpanRow]) -> Analysis:
    """The Analysis from what the store keeps of it: text, details JSON and span rows."""
    sections = tuple(SectionResult(**s) for s in details["sections"])
    return Analysis(
        # A 1.0 analysis showed every span the model found: threshold 0 makes it a 1.1 one.
        schema_version=SCHEMA_VERSION,
        model=details["model"],
        min_confidence=details.get("min_confidence", 0.0),
        text=text,
        title=details["title"],
        url=details["url"],
        spans=tuple(
            _span(row, sections, evidence)
            for row, evidence in zip(
                spans, details.get("span_evidence") or [{}] * len(spans), strict=True
            )
        ),
        sentences=tuple(
            SentenceResult(
                s["start"],
                s["end"],
                text[s["start"] : s["end"]],
                s["score"],
                tuple(s["techniques"]),
            )
            for s in details["sentences"]
        ),
        sections=sections,
        attributions=tuple(Attribution(**a) for a in details["attributions"]),
        summary=Summary(**details["summary"]),
        decoding=Decoding(**details["decoding"]) if details.get("decoding") else None,
        language=details.get("language"),  # None and no warnings: kept before schema 1.4
        warnings=tuple(details.get("warnings", ())),
    )


def _span(
    row: models.SpanRow, sections: tuple[SectionResult, ...], evidence: dict[str, Any]
) -> SpanResult:
    """A span from its row, the section's index found again, its evidence from the details."""
    fields = {
        f.name: getattr(row, f.name)
        for f in dataclasses.fields(SpanResult)
        if f.name not in ("section", "runner_up", "examples", "key_words")
    }
    index = section_index(sections, row.start)  # type: ignore[arg-type]  # has .start and .end
    return SpanResult(
        **fields,
        section=index,
        runner_up=evidence.get("runner_up"),
        examples=tuple(evidence.get("examples", ())),
        key_words=tuple(KeyWord(**word) for word in evidence.get("key_words", ())),
    )
