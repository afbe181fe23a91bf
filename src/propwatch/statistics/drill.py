"""Drill-down: the articles behind a rate, of an outlet, a topic and/or a technique.

Articles come most propagandistic first: by their rate of the technique asked for, else of all
techniques. The dashboard embeds `article_index` (every article's group keys and counts) and
filters it in the page; `articles_of` answers the same question in SQL for `propwatch stats`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func, select

from propwatch.article import per_1000_words
from propwatch.statistics.stats import NO_OUTLET, NO_TOPIC, TECHNIQUE_IDS, ArticleTable, Counted
from propwatch.store.database import Store
from propwatch.store.models import AnalysisRow, ArticleRow, ArticleTopicRow, SpanRow, TopicRow
from propwatch.techniques import lookup


@dataclass(frozen=True)
class Drill:
    """Which articles: those of an outlet, a topic, a technique, or several of these."""

    outlet: str | None = None
    topic: str | None = None
    technique: str | None = None  # a technique id, name or PTC label

    def __bool__(self) -> bool:
        return any((self.outlet, self.topic, self.technique))

    def describe(self) -> str:
        parts = [
            f"{name} {value}"
            for name, value in (
                ("outlet", self.outlet),
                ("topic", self.topic),
                ("technique", self.technique and lookup(self.technique).display_name),
            )
            if value
        ]
        return ", ".join(parts)


def _equals(column: Any, value: str, missing: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.is_(None) if value == missing else column == value
    return result


def articles_of(
    store: Store, counted: Counted, drill: Drill, limit: int | None = None
) -> list[dict[str, Any]]:
    """The articles `drill` names, most propagandistic first, with their counts and rates."""
    spans: Any = AnalysisRow.span_count  # what the articles are ranked by, per 1,000 words
    query = (
        select(
            ArticleRow.id,
            ArticleRow.record_id,
            ArticleRow.title,
            ArticleRow.outlet,
            ArticleRow.published,
            TopicRow.label,
            AnalysisRow.words,
            AnalysisRow.span_count,
        )
        .join(AnalysisRow.article)
        .outerjoin(ArticleTopicRow, ArticleTopicRow.article_id == ArticleRow.id)
        .outerjoin(TopicRow, TopicRow.id == ArticleTopicRow.topic_id)
        .where(counted.where())
    )
    if drill.outlet:
        query = query.where(_equals(ArticleRow.outlet, drill.outlet, NO_OUTLET))
    if drill.topic:
        query = query.where(_equals(TopicRow.label, drill.topic, NO_TOPIC))
    if drill.technique:
        technique = lookup(drill.technique).id
        of_technique = (
            select(SpanRow.analysis_id, func.count(SpanRow.id).label("count"))
            .where(SpanRow.technique_id == technique)
            .group_by(SpanRow.analysis_id)
            .subquery()
        )
        query = query.join(of_technique, of_technique.c.analysis_id == AnalysisRow.id).add_columns(
            of_technique.c.count
        )
        spans = of_technique.c.count
    rate = 1000 * cast(spans, Float) / func.nullif(AnalysisRow.words, 0)
    query = query.order_by(rate.desc().nulls_last(), ArticleRow.id).limit(limit)
    with store.session() as session:
        return [_article(row, drill) for row in session.execute(query)]


def _article(row: Any, drill: Drill) -> dict[str, Any]:
    found = {
        "article": row[0],
        "id": row[1],
        "title": row[2] or row[1],
        "outlet": row[3] or NO_OUTLET,
        "date": row[4].isoformat() if row[4] else "",
        "topic": row[5] or NO_TOPIC,
        "words": row[6],
        "spans": row[7],
        "per_1000_words": round(per_1000_words(row[7], row[6]), 3),
    }
    if drill.technique:
        found["technique_spans"] = row[8]
        found["technique_per_1000_words"] = round(per_1000_words(row[8], row[6]), 3)
    return found


def article_index(store: Store, counted: Counted, table: ArticleTable) -> list[list[Any]]:
    """Every article of the counted analyses' `table` for the dashboard's drill-down: [id,
    title, outlet, month, topic, words, spans, {technique id: spans}] (the techniques it holds)."""
    query = (
        select(ArticleRow.id, func.coalesce(ArticleRow.title, ArticleRow.record_id))
        .join(AnalysisRow.article)
        .where(counted.where())
    )
    with store.session() as session:
        titles = dict(session.execute(query).all())
    index = []
    for row, article in enumerate(table.article_ids.tolist()):
        counts = table.counts[row]
        index.append(
            [
                article,
                titles.get(article, ""),
                table.keys["outlet"][row][0],
                table.keys["month"][row][0],
                table.keys["topic"][row][0],
                int(table.words[row]),
                int(counts[0]),
                {t: int(c) for t, c in zip(TECHNIQUE_IDS, counts[1:], strict=True) if c},
            ]
        )
    return index
