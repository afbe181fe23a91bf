"""Corpus statistics from the store: technique rates per outlet, per month, per technique.

Rates are pooled: spans per 1,000 words of an outlet is 1000 x (its spans) / (its words), so long
articles weigh more than short ones, as every word is equally likely to carry a technique. The
share of propagandistic sentences is (sentences holding a span) / (sentences). Only one model's
analyses are counted: the one named, else the one that analysed last.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import ColumnElement, Integer, cast, distinct, extract, func, select
from sqlalchemy.orm import Session

from propwatch.errors import BadInput
from propwatch.store.database import Store, display_url
from propwatch.store.models import Analysis, Article, Span
from propwatch.techniques import TECHNIQUES

GROUPINGS = ("outlet", "technique", "month")
NO_OUTLET = "(no outlet)"
NO_DATE = "(no date)"
TOP = 3  # techniques named in a group's top_techniques
TECHNIQUE_IDS = tuple(t.id for t in TECHNIQUES)
DISPLAY = {t.id: t.display_name for t in TECHNIQUES}


@dataclass(frozen=True)
class Group:
    """The totals of a set of analyses: an outlet, a month, or an outlet in a month."""

    key: tuple[str, ...]
    articles: int
    words: int
    spans: int
    sentences: int
    propaganda_sentences: int
    by_technique: dict[str, int] = field(default_factory=dict)

    @property
    def spans_per_1000_words(self) -> float:
        return per_1000(self.spans, self.words)

    @property
    def propaganda_sentence_share(self) -> float:
        return round(self.propaganda_sentences / self.sentences, 4) if self.sentences else 0.0

    def rate(self, technique_id: str) -> float:
        return per_1000(self.by_technique.get(technique_id, 0), self.words)

    def top_techniques(self) -> list[str]:
        ranked = sorted(self.by_technique.items(), key=lambda item: (-item[1], item[0]))
        return [technique for technique, count in ranked[:TOP] if count]


def per_1000(count: int, words: int) -> float:
    return round(1000 * count / words, 3) if words else 0.0


def latest_model(session: Session) -> str:
    model = session.scalar(select(Analysis.model).order_by(Analysis.id.desc()).limit(1))
    if model is None:
        raise BadInput("the store holds no analyses yet; run `propwatch batch` first")
    return model


def choose_model(store: Store, model: str | None) -> str:
    with store.session() as session:
        if model is None:
            return latest_model(session)
        if session.scalar(select(Analysis.id).where(Analysis.model == model).limit(1)) is None:
            raise BadInput(
                f"the store {display_url(store.url)} holds no analyses by model {model!r}; "
                f"its latest model is {latest_model(session)!r}"
            )
        return model


def _keys(grouping: str) -> list[ColumnElement[Any]]:
    year = cast(extract("year", Article.published), Integer).label("year")
    month = cast(extract("month", Article.published), Integer).label("month")
    return {
        "outlet": [Article.outlet],
        "month": [year, month],
        "outlet_month": [Article.outlet, year, month],
    }[grouping]


def _key(values: Sequence[Any], grouping: str) -> tuple[str, ...]:
    outlet = (values[0] or NO_OUTLET,) if grouping.startswith("outlet") else ()
    if grouping == "outlet":
        return outlet
    year, month = values[-2:]
    return (*outlet, f"{int(year):04d}-{int(month):02d}" if year is not None else NO_DATE)


def groups(store: Store, model: str, grouping: str) -> list[Group]:
    """Totals and per-technique span counts by outlet, month or outlet_month."""
    keys = _keys(grouping)
    totals = (
        select(
            *keys,
            func.count(Analysis.id),
            func.sum(Analysis.words),
            func.sum(Analysis.span_count),
            func.sum(Analysis.sentences),
            func.sum(Analysis.propaganda_sentences),
        )
        .join(Analysis.article)
        .where(Analysis.model == model)
        .group_by(*keys)
    )
    techniques = (
        select(*keys, Span.technique_id, func.count(Span.id))
        .join(Span.analysis)
        .join(Analysis.article)
        .where(Analysis.model == model)
        .group_by(*keys, Span.technique_id)
    )
    width = len(keys)
    with store.session() as session:
        counts: dict[tuple[str, ...], dict[str, int]] = {}
        for row in session.execute(techniques):
            counts.setdefault(_key(row[:width], grouping), {})[row[width]] = row[width + 1]
        found = [
            Group(key, *(int(v or 0) for v in row[width:]), by_technique=counts.get(key, {}))
            for row in session.execute(totals)
            for key in [_key(row[:width], grouping)]
        ]
    # by key, with the articles that lack an outlet or a date after the others
    return sorted(found, key=lambda group: [(k in (NO_OUTLET, NO_DATE), k) for k in group.key])


@dataclass(frozen=True)
class TechniqueTotal:
    technique_id: str
    spans: int
    articles: int


def technique_totals(store: Store, model: str) -> list[TechniqueTotal]:
    query = (
        select(Span.technique_id, func.count(Span.id), func.count(distinct(Span.analysis_id)))
        .join(Span.analysis)
        .where(Analysis.model == model)
        .group_by(Span.technique_id)
    )
    with store.session() as session:
        found = {row[0]: TechniqueTotal(row[0], row[1], row[2]) for row in session.execute(query)}
    return [found.get(t, TechniqueTotal(t, 0, 0)) for t in TECHNIQUE_IDS]


# --- rows: what every output format writes --------------------------------------------------


def group_row(group: Group, names: tuple[str, ...]) -> dict[str, Any]:
    row: dict[str, Any] = dict(zip(names, group.key, strict=True))
    row.update(
        articles=group.articles,
        words=group.words,
        spans=group.spans,
        spans_per_1000_words=group.spans_per_1000_words,
        propaganda_sentence_share=group.propaganda_sentence_share,
        top_techniques=", ".join(group.top_techniques()),
    )
    row.update({f"{t}_per_1000_words": group.rate(t) for t in TECHNIQUE_IDS})
    return row


def technique_rows(store: Store, model: str) -> list[dict[str, Any]]:
    everything = _overall(store, model)
    rows = []
    for total in sorted(technique_totals(store, model), key=lambda t: (-t.spans, t.technique_id)):
        rows.append(
            {
                "technique": total.technique_id,
                "name": DISPLAY[total.technique_id],
                "spans": total.spans,
                "spans_per_1000_words": per_1000(total.spans, everything.words),
                "articles": total.articles,
                "article_share": round(total.articles / everything.articles, 4),
                "span_share": round(total.spans / everything.spans, 4) if everything.spans else 0.0,
            }
        )
    return rows


def _overall(store: Store, model: str) -> Group:
    parts = groups(store, model, "outlet")
    return Group(
        ("all",),
        sum(g.articles for g in parts),
        sum(g.words for g in parts),
        sum(g.spans for g in parts),
        sum(g.sentences for g in parts),
        sum(g.propaganda_sentences for g in parts),
    )


def stats_rows(store: Store, by: str, model: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """(the model counted, one dict per row) for `by` outlet, technique or month."""
    if by not in GROUPINGS:
        raise BadInput(f"cannot group by {by!r}; choose {', '.join(GROUPINGS)}")
    model = choose_model(store, model)
    if by == "technique":
        return model, technique_rows(store, model)
    return model, [group_row(g, (by,)) for g in groups(store, model, by)]


# --- writers ------------------------------------------------------------------------------------

TABLE_COLUMNS = 7  # the per-technique rates are for csv and parquet; a terminal is too narrow


def write_table(rows: list[dict[str, Any]], console: Console, title: str) -> None:
    table = Table(title=title)
    # the display name says it better than the id in a terminal
    columns = [
        c for c in list(rows[0])[:TABLE_COLUMNS] if not (c == "technique" and "name" in rows[0])
    ]
    for column in columns:
        numeric = isinstance(rows[0][column], int | float)
        table.add_column(column.replace("_", " "), justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(Text(_cell(row[column])) for column in columns))  # no markup in names
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def write_csv(rows: list[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_parquet(rows: list[dict[str, Any]], path: Path, model: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows).replace_schema_metadata({"propwatch_model": model})
    pq.write_table(table, path)
