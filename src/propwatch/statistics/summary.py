"""What `propwatch stats` writes: one row per group (table, CSV, Parquet) and the dashboard's
statistics, each rate with its 95% interval, raw and corrected for the detector's error."""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propwatch.article import per_1000_words
from propwatch.errors import BadInput
from propwatch.statistics.correction import ALL, DetectorError, detector_error
from propwatch.statistics.estimates import Rates, group_rates, overall_rates
from propwatch.statistics.intervals import Estimate
from propwatch.statistics.stats import (
    DISPLAY,
    GROUPINGS,
    RATE_DIGITS,
    TECHNIQUE_IDS,
    ArticleTable,
    Counted,
    Group,
    TechniqueTotal,
    article_table,
    choose_model,
    groups,
    technique_totals,
)
from propwatch.statistics.topics import ensure_topics
from propwatch.store.database import Store


@dataclass(frozen=True)
class StatsTable:
    """The rows of one grouping, the models counted, and the error table when known."""

    counted: Counted
    by: str
    rows: list[dict[str, Any]]
    error: DetectorError | None

    @property
    def model(self) -> str:
        return self.counted.name


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, RATE_DIGITS)


def estimate_cells(name: str, estimate: Estimate | None) -> dict[str, float | None]:
    """`name`, `name_low`, `name_high` (None where there is no estimate)."""
    cells = (estimate.value, estimate.low, estimate.high) if estimate else (math.nan,) * 3
    return {
        f"{name}{suffix}": _number(v)
        for suffix, v in zip(("", "_low", "_high"), cells, strict=True)
    }


def group_row(group: Group, names: tuple[str, ...], rates: Rates) -> dict[str, Any]:
    row: dict[str, Any] = dict(zip(names, group.key, strict=True))
    row.update(articles=group.articles, words=group.words, spans=group.spans)
    row.update(estimate_cells("spans_per_1000_words", rates.raw[ALL]))
    row.update(estimate_cells("corrected_per_1000_words", rates.corrected.get(ALL)))
    row.update(
        propaganda_sentence_share=group.propaganda_sentence_share,
        top_techniques=", ".join(group.top_techniques()),
        too_few_articles=rates.few,
    )
    for t in TECHNIQUE_IDS:
        row.update(estimate_cells(f"{t}_per_1000_words", rates.raw[t]))
        row.update(estimate_cells(f"{t}_corrected_per_1000_words", rates.corrected.get(t)))
    return row


def technique_rows(
    totals: list[TechniqueTotal], rates: Rates, articles: int, error: DetectorError | None
) -> list[dict[str, Any]]:
    spans = sum(total.spans for total in totals)
    rows = []
    for total in sorted(totals, key=lambda t: (-t.spans, t.technique_id)):
        accuracy = error.accuracy.get(total.technique_id) if error else None
        rows.append(
            {
                "technique": total.technique_id,
                "name": DISPLAY[total.technique_id],
                "spans": total.spans,
                **estimate_cells("spans_per_1000_words", rates.raw[total.technique_id]),
                **estimate_cells(
                    "corrected_per_1000_words", rates.corrected.get(total.technique_id)
                ),
                "articles": total.articles,
                "article_share": round(total.articles / articles, 4) if articles else 0.0,
                "span_share": round(total.spans / spans, 4) if spans else 0.0,
                "model_precision": round(accuracy.precision, 3) if accuracy else None,
                "model_recall": round(accuracy.recall, 3) if accuracy else None,
            }
        )
    return rows


def stats_table(
    store: Store,
    by: str,
    models: Sequence[str] = (),
    folder: Path | None = None,
    topics: int | None = None,
) -> StatsTable:
    """The rows of grouping `by` for the analyses of `models` (`choose_model`); the error
    table comes from the model `folder` (default: the shipped model's, if it made them)."""
    if by not in GROUPINGS:
        raise BadInput(f"cannot group by {by!r}; choose {', '.join(GROUPINGS)}")
    counted = choose_model(store, models)
    error = _error(counted, folder)
    if by.startswith("topic"):
        ensure_topics(store, topics)
    table = article_table(store, counted)
    if by == "technique":
        rows = technique_rows(
            technique_totals(store, counted), overall_rates(table, error), len(table.words), error
        )
        return StatsTable(counted, by, rows, error)
    rates = group_rates(table, by, error)
    names = tuple(by.split("_"))
    rows = [group_row(g, names, rates[g.key]) for g in groups(store, counted, by)]
    return StatsTable(counted, by, rows, error)


def _error(counted: Counted, folder: Path | None) -> DetectorError | None:
    """The error table of the one model counted; none for several (each has its own)."""
    return detector_error(counted.single, folder) if counted.single else None


@dataclass(frozen=True)
class CorpusStats:
    """What the dashboard shows of the counted analyses: totals and rates by outlet, month,
    topic, topic and outlet, and language; the techniques; the error table; the per-article
    counts."""

    counted: Counted
    error: DetectorError | None
    outlets: list[Group]
    months: list[Group]
    outlet_months: list[Group]
    topics: list[Group]
    topic_outlets: list[Group]
    languages: list[Group]
    techniques: list[TechniqueTotal]
    rates: dict[str, dict[tuple[str, ...], Rates]]  # by grouping, then key
    overall: Rates
    table: ArticleTable

    @property
    def model(self) -> str:
        return self.counted.name

    @property
    def words(self) -> int:
        return sum(g.words for g in self.outlets)

    @property
    def spans(self) -> int:
        return sum(g.spans for g in self.outlets)

    @property
    def rate(self) -> float:
        return per_1000_words(self.spans, self.words)


def corpus_stats(
    store: Store,
    models: Sequence[str] = (),
    folder: Path | None = None,
    topics: int | None = None,
) -> CorpusStats:
    """The statistics of the analyses of `models` (`choose_model`; default: each language's
    latest model)."""
    counted = choose_model(store, models)
    error = _error(counted, folder)
    with suppress(BadInput):  # too few articles or words for topics: the rest still stands
        ensure_topics(store, topics)
    table = article_table(store, counted)
    groupings = ("outlet", "month", "topic", "topic_outlet", "language")
    return CorpusStats(
        counted,
        error,
        groups(store, counted, "outlet"),
        groups(store, counted, "month"),
        groups(store, counted, "outlet_month"),
        groups(store, counted, "topic"),
        groups(store, counted, "topic_outlet"),
        groups(store, counted, "language"),
        technique_totals(store, counted),
        {g: group_rates(table, g, error) for g in groupings},
        overall_rates(table, error),
        table,
    )
