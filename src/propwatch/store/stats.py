"""Corpus statistics from the store: technique rates per outlet, per month, per technique.

Rates are pooled: spans per 1,000 words of an outlet is 1000 x (its spans) / (its words), so long
articles weigh more than short ones, as every word is equally likely to carry a technique. The
share of propagandistic sentences is (sentences holding a span) / (sentences). Only one model's
analyses are counted: the one named, else the one that analysed last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, cast, distinct, extract, func, select
from sqlalchemy.orm import Session

from propwatch.article import per_1000_words
from propwatch.errors import BadInput
from propwatch.store.database import Store, display_url
from propwatch.store.models import AnalysisRow, ArticleRow, SpanRow
from propwatch.techniques import TECHNIQUES

GROUPINGS = ("outlet", "technique", "month")
NO_OUTLET = "(no outlet)"
NO_DATE = "(no date)"
TOP = 3  # techniques named in a group's top_techniques
RATE_DIGITS = 3
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
        return round(per_1000_words(self.spans, self.words), RATE_DIGITS)

    @property
    def propaganda_sentence_share(self) -> float:
        return round(self.propaganda_sentences / self.sentences, 4) if self.sentences else 0.0

    def rate(self, technique_id: str) -> float:
        return round(
            per_1000_words(self.by_technique.get(technique_id, 0), self.words), RATE_DIGITS
        )

    def top_techniques(self) -> list[str]:
        ranked = sorted(self.by_technique.items(), key=lambda item: (-item[1], item[0]))
        return [technique for technique, count in ranked[:TOP] if count]


def latest_model(session: Session) -> str:
    model = session.scalar(select(AnalysisRow.model).order_by(AnalysisRow.id.desc()).limit(1))
    if model is None:
        raise BadInput("the store holds no analyses yet; run `propwatch batch` first")
    return model


def choose_model(store: Store, model: str | None) -> str:
    with store.session() as session:
        if model is None:
            return latest_model(session)
        if (
            session.scalar(select(AnalysisRow.id).where(AnalysisRow.model == model).limit(1))
            is None
        ):
            raise BadInput(
                f"the store {display_url(store.url)} holds no analyses by model {model!r}; "
                f"its latest model is {latest_model(session)!r}"
            )
        return model


def _keys(grouping: str) -> list[Any]:
    year = cast(extract("year", ArticleRow.published), Integer).label("year")
    month = cast(extract("month", ArticleRow.published), Integer).label("month")
    keys: dict[str, list[Any]] = {  # columns and labelled expressions
        "outlet": [ArticleRow.outlet],
        "month": [year, month],
        "outlet_month": [ArticleRow.outlet, year, month],
    }
    return keys[grouping]


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
            func.count(AnalysisRow.id),
            func.sum(AnalysisRow.words),
            func.sum(AnalysisRow.span_count),
            func.sum(AnalysisRow.sentences),
            func.sum(AnalysisRow.propaganda_sentences),
        )
        .join(AnalysisRow.article)
        .where(AnalysisRow.model == model)
        .group_by(*keys)
    )
    techniques = (
        select(*keys, SpanRow.technique_id, func.count(SpanRow.id))
        .join(SpanRow.analysis)
        .join(AnalysisRow.article)
        .where(AnalysisRow.model == model)
        .group_by(*keys, SpanRow.technique_id)
    )
    width = len(keys)
    with store.session() as session:
        counts: dict[tuple[str, ...], dict[str, int]] = {}
        for row in session.execute(techniques):
            counts.setdefault(_key(row[:width], grouping), {})[row[width]] = row[width + 1]
        found = [
            _group(key, row[width:], counts.get(key, {}))
            for row in session.execute(totals)
            for key in [_key(row[:width], grouping)]
        ]
    # by key, with the articles that lack an outlet or a date after the others
    return sorted(found, key=lambda group: [(k in (NO_OUTLET, NO_DATE), k) for k in group.key])


def _group(key: tuple[str, ...], totals: Sequence[Any], by_technique: dict[str, int]) -> Group:
    articles, words, spans, sentences, propaganda_sentences = (int(v or 0) for v in totals)
    return Group(key, articles, words, spans, sentences, propaganda_sentences, by_technique)


@dataclass(frozen=True)
class TechniqueTotal:
    technique_id: str
    spans: int
    articles: int


def technique_totals(store: Store, model: str) -> list[TechniqueTotal]:
    query = (
        select(
            SpanRow.technique_id, func.count(SpanRow.id), func.count(distinct(SpanRow.analysis_id))
        )
        .join(SpanRow.analysis)
        .where(AnalysisRow.model == model)
        .group_by(SpanRow.technique_id)
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
                "spans_per_1000_words": round(
                    per_1000_words(total.spans, everything.words), RATE_DIGITS
                ),
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


@dataclass(frozen=True)
class CorpusStats:
    """What the dashboard shows of one model's analyses: totals by outlet, by month, by outlet
    and month, and per technique."""

    model: str
    outlets: list[Group]
    months: list[Group]
    outlet_months: list[Group]
    techniques: list[TechniqueTotal]


def corpus_stats(store: Store, model: str | None = None) -> CorpusStats:
    """The statistics of `model`'s analyses (default: the model that analysed last)."""
    model = choose_model(store, model)
    return CorpusStats(
        model,
        groups(store, model, "outlet"),
        groups(store, model, "month"),
        groups(store, model, "outlet_month"),
        technique_totals(store, model),
    )
