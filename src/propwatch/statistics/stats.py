"""Corpus statistics from the store: technique rates per outlet, month, topic, language and
technique.

Rates are pooled: spans per 1,000 words of an outlet is 1000 x (its spans) / (its words), so long
articles weigh more than short ones, as every word is equally likely to carry a technique. The
share of propagandistic sentences is (sentences holding a span) / (sentences). Each article is
counted once, in the analysis of its language's model (`Counted`): of the first model named that
analysed the language, else of the model that analysed the language last, so a corpus whose
languages went to different models (`propwatch batch --model A --model B`) is counted whole.

`groups` sums each group in SQL; `article_table` reads the per-article counts (summed in SQL per
analysis and technique) that the bootstrap intervals (`estimates`) resample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    case,
    cast,
    distinct,
    extract,
    func,
    or_,
    select,
)

from propwatch.article import per_1000_words
from propwatch.errors import BadInput
from propwatch.store.database import Store, display_url
from propwatch.store.models import AnalysisRow, ArticleRow, ArticleTopicRow, SpanRow, TopicRow
from propwatch.techniques import TECHNIQUES

GROUPINGS = ("outlet", "technique", "month", "topic", "topic_outlet", "language")
NO_OUTLET = "(no outlet)"
NO_DATE = "(no date)"
NO_TOPIC = "(no topic)"
NO_LANGUAGE = "(no language)"  # too short to tell, when stored
MISSING = (NO_OUTLET, NO_DATE, NO_TOPIC, NO_LANGUAGE)
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


@dataclass(frozen=True)
class Counted:
    """Whose analyses are counted: in each language (None: too short to tell), one model's."""

    by_language: tuple[tuple[str | None, str], ...]

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(model for _, model in self.by_language))

    @property
    def single(self) -> str | None:
        """The model counted, when there is one (its error table can correct the rates)."""
        return self.models[0] if len(self.models) == 1 else None

    @property
    def name(self) -> str:
        """The model, or "A (en) + B (de, ru)" when each language has its own."""
        return self.single or " + ".join(
            f"{model} ({', '.join(code or NO_LANGUAGE for code in self.languages_of(model))})"
            for model in self.models
        )

    def languages_of(self, model: str) -> list[str | None]:
        return [code for code, counted in self.by_language if counted == model]

    def where(self) -> ColumnElement[bool]:
        """The condition on analyses (joined with their articles) that are counted."""
        if self.single is not None:
            return AnalysisRow.model == self.single
        return or_(
            *(
                and_(AnalysisRow.model == model, _in_languages(self.languages_of(model)))
                for model in self.models
            )
        )


def _in_languages(codes: Sequence[str | None]) -> ColumnElement[bool]:
    known = [code for code in codes if code is not None]
    missing = [ArticleRow.language.is_(None)] if None in codes else []
    return or_(ArticleRow.language.in_(known), *missing)


def choose_model(store: Store, models: Sequence[str] = ()) -> Counted:
    """In each language, the first of `models` that analysed articles in it; with none named,
    the model that analysed it last."""
    pairs = select(ArticleRow.language, AnalysisRow.model).join(AnalysisRow.article)
    if models:
        pairs = pairs.where(AnalysisRow.model.in_(models)).distinct()
    else:
        last = select(func.max(AnalysisRow.id)).join(AnalysisRow.article)
        pairs = pairs.where(AnalysisRow.id.in_(last.group_by(ArticleRow.language)))
    with store.session() as session:
        found = session.execute(pairs).all()
    if not found and not models:
        raise BadInput("the store holds no analyses yet; run `propwatch batch` first")
    for model in models:
        if all(row[1] != model for row in found):
            raise BadInput(
                f"the store {display_url(store.url)} holds no analyses by model {model!r}; "
                f"its latest model is {choose_model(store).name!r}"
            )
    rank = {model: place for place, model in enumerate(models)}
    chosen: dict[str | None, str] = {}
    for language, model in sorted(found, key=lambda row: rank.get(row[1], 0)):
        chosen.setdefault(language, model)
    return Counted(tuple(sorted(chosen.items(), key=lambda item: (item[0] is None, item[0] or ""))))


def _keys(grouping: str) -> list[Any]:
    year = cast(extract("year", ArticleRow.published), Integer).label("year")
    month = cast(extract("month", ArticleRow.published), Integer).label("month")
    keys: dict[str, list[Any]] = {  # columns and labelled expressions
        "outlet": [ArticleRow.outlet],
        "month": [year, month],
        "outlet_month": [ArticleRow.outlet, year, month],
        "topic": [TopicRow.label],
        "topic_outlet": [TopicRow.label, ArticleRow.outlet],
        "language": [ArticleRow.language],
    }
    return keys[grouping]


def _with_topics(query: Select[Any]) -> Select[Any]:
    """`query` (over analyses and their articles) with each article's topic, when it has one."""
    return query.outerjoin(ArticleTopicRow, ArticleTopicRow.article_id == ArticleRow.id).outerjoin(
        TopicRow, TopicRow.id == ArticleTopicRow.topic_id
    )


def _key(values: Sequence[Any], grouping: str) -> tuple[str, ...]:
    if grouping == "language":
        return (values[0] or NO_LANGUAGE,)
    if grouping.startswith("topic"):
        outlets = [values[1] or NO_OUTLET] if grouping == "topic_outlet" else []
        return (values[0] or NO_TOPIC, *outlets)
    outlet = (values[0] or NO_OUTLET,) if grouping.startswith("outlet") else ()
    if grouping == "outlet":
        return outlet
    year, month = values[-2:]
    return (*outlet, f"{int(year):04d}-{int(month):02d}" if year is not None else NO_DATE)


def groups(store: Store, counted: Counted, grouping: str) -> list[Group]:
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
        .where(counted.where())
        .group_by(*keys)
    )
    techniques = (
        select(*keys, SpanRow.technique_id, func.count(SpanRow.id))
        .join(SpanRow.analysis)
        .join(AnalysisRow.article)
        .where(counted.where())
        .group_by(*keys, SpanRow.technique_id)
    )
    if grouping.startswith("topic"):
        totals, techniques = _with_topics(totals), _with_topics(techniques)
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
    # by key, with the articles that lack an outlet, a date or a topic after the others
    return sorted(found, key=lambda group: [(k in MISSING, k) for k in group.key])


def _group(key: tuple[str, ...], totals: Sequence[Any], by_technique: dict[str, int]) -> Group:
    articles, words, spans, sentences, propaganda_sentences = (int(v or 0) for v in totals)
    return Group(key, articles, words, spans, sentences, propaganda_sentences, by_technique)


@dataclass(frozen=True)
class TechniqueTotal:
    technique_id: str
    spans: int
    articles: int


def technique_totals(store: Store, counted: Counted) -> list[TechniqueTotal]:
    query = (
        select(
            SpanRow.technique_id, func.count(SpanRow.id), func.count(distinct(SpanRow.analysis_id))
        )
        .join(SpanRow.analysis)
        .join(AnalysisRow.article)
        .where(counted.where())
        .group_by(SpanRow.technique_id)
    )
    with store.session() as session:
        found = {row[0]: TechniqueTotal(row[0], row[1], row[2]) for row in session.execute(query)}
    return [found.get(t, TechniqueTotal(t, 0, 0)) for t in TECHNIQUE_IDS]


@dataclass(frozen=True)
class ArticleTable:
    """One row per analysis of a model: its article, group keys, words and span counts."""

    article_ids: np.ndarray
    keys: dict[str, list[tuple[str, ...]]]  # its key by each grouping but technique
    words: np.ndarray
    counts: np.ndarray  # (articles, 1 + techniques): all spans, then each of TECHNIQUE_IDS
    sentences: np.ndarray  # (articles, 2): sentences, and those holding a span

    def rows_of(self, grouping: str) -> dict[tuple[str, ...], np.ndarray]:
        """The row numbers of each group's articles."""
        found: dict[tuple[str, ...], list[int]] = {}
        for row, key in enumerate(self.keys[grouping]):
            found.setdefault(key, []).append(row)
        return {key: np.array(rows) for key, rows in found.items()}


def article_table(store: Store, counted: Counted) -> ArticleTable:
    """The per-article counts of the `counted` analyses, for the bootstrap: one row per analysis,
    its spans counted per technique in SQL (one column each)."""
    year = cast(extract("year", ArticleRow.published), Integer)
    month = cast(extract("month", ArticleRow.published), Integer)
    per_technique = (
        select(
            SpanRow.analysis_id,
            *(func.count(case((SpanRow.technique_id == t, 1))).label(t) for t in TECHNIQUE_IDS),
        )
        .join(SpanRow.analysis)
        .join(AnalysisRow.article)
        .where(counted.where())
        .group_by(SpanRow.analysis_id)
        .subquery()
    )
    counts = [func.coalesce(per_technique.c[t], 0) for t in TECHNIQUE_IDS]
    columns: list[Any] = [
        ArticleRow.id, AnalysisRow.words, AnalysisRow.span_count, *counts,
        AnalysisRow.sentences, AnalysisRow.propaganda_sentences,
        ArticleRow.outlet, year, month, TopicRow.label, ArticleRow.language,
    ]  # fmt: skip
    query = _with_topics(
        select(*columns)
        .join(AnalysisRow.article)
        .outerjoin(per_technique, per_technique.c.analysis_id == AnalysisRow.id)
        .where(counted.where())
        .order_by(AnalysisRow.id)
    )
    with store.session() as session:
        rows = session.execute(query).all()
    width = 3 + len(TECHNIQUE_IDS) + 2  # the numeric columns, then the keys
    numbers = np.array([r[:width] for r in rows], dtype=np.int64).reshape(len(rows), width)
    keys = {
        "outlet": [_key(r[width : width + 1], "outlet") for r in rows],
        "month": [_key(r[width + 1 : width + 3], "month") for r in rows],
        "topic": [_key(r[width + 3 : width + 4], "topic") for r in rows],
        "topic_outlet": [_key((r[width + 3], r[width]), "topic_outlet") for r in rows],
        "language": [_key(r[width + 4 :], "language") for r in rows],
    }
    return ArticleTable(numbers[:, 0], keys, numbers[:, 1], numbers[:, 2:-2], numbers[:, -2:])
