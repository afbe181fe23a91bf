"""Topics of the stored articles: TF-IDF over their texts, NMF, each article in its strongest topic.

A topic is named by its top terms ("vote, election, poll"), never by stop words: English's, and
spaCy's lists for the other languages the articles are in. The assignment is stored
(`topics`, `article_topics`), so statistics by topic are SQL queries like any other grouping;
it is made again when articles without a topic have come in, or when another number of topics
is asked for. A fixed seed makes it the same for the same articles.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from contextlib import suppress
from importlib import import_module

import numpy as np
from sqlalchemy import delete, func, insert, select

from propwatch.errors import BadInput
from propwatch.store.database import Store
from propwatch.store.models import ArticleRow, ArticleTopicRow, TopicRow

LABEL_TERMS = 3  # terms in a topic's name
KEPT_TERMS = 10  # terms kept with each topic
MAX_FEATURES = 20_000
SEED = 14
WORD = r"[^\W\d_][^\W\d_]+"  # words of letters only


def default_topics(articles: int) -> int:
    """About one topic per 25 articles, from 2 to 12: readable in a chart and a table."""
    return max(2, min(12, round(articles / 25)))


def topic_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count(TopicRow.id))) or 0


def needs_clustering(store: Store, topics: int | None) -> bool:
    """Whether some article has no topic yet, or another number of topics is asked for."""
    with store.session() as session:
        unassigned = session.scalar(
            select(func.count(ArticleRow.id))
            .outerjoin(ArticleTopicRow, ArticleTopicRow.article_id == ArticleRow.id)
            .where(ArticleTopicRow.article_id.is_(None))
        )
    return bool(unassigned) or (topics is not None and topics != topic_count(store))


def ensure_topics(store: Store, topics: int | None = None) -> None:
    """Cluster the articles into topics when `needs_clustering` says so."""
    if needs_clustering(store, topics):
        cluster(store, topics)


def cluster(store: Store, topics: int | None = None) -> None:
    """Cluster every stored article into `topics` topics (default: `default_topics`) and store
    the assignment in place of the last one."""
    with store.session() as session:
        rows = session.execute(
            select(ArticleRow.id, ArticleRow.text, ArticleRow.language).order_by(ArticleRow.id)
        ).all()
    if len(rows) < 2:
        raise BadInput("topics need at least 2 stored articles; run `propwatch batch` first")
    count = min(topics or default_topics(len(rows)), len(rows))
    labels, assigned = _nmf([row[1] for row in rows], count, {row[2] for row in rows})
    with store.session() as session, session.begin():
        session.execute(delete(ArticleTopicRow))
        session.execute(delete(TopicRow))
        made = [TopicRow(label=label, terms=terms) for label, terms in labels]
        session.add_all(made)
        session.flush()  # gives the topics their ids
        session.execute(
            insert(ArticleTopicRow),
            [
                {"article_id": row[0], "topic_id": made[topic].id}
                for row, topic in zip(rows, assigned, strict=True)
            ],
        )


def _nmf(
    texts: Sequence[str], topics: int, languages: Collection[str | None] = ()
) -> tuple[list[tuple[str, list[str]]], np.ndarray]:
    """(label, top terms) of each topic and each text's topic number."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words=stop_words(languages),
        max_df=0.7,  # a word in most articles names no topic
        min_df=2 if len(texts) >= 20 else 1,
        max_features=MAX_FEATURES,
        token_pattern=rf"(?u)\b{WORD}\b",
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no word is left (every text empty, or only stop words)
        raise BadInput("the stored articles have too few words to find topics in") from None
    model = NMF(n_components=topics, init="nndsvda", random_state=SEED, max_iter=400)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    labels = _labels(
        [[str(terms[i]) for i in np.argsort(-row)[:KEPT_TERMS]] for row in model.components_]
    )
    return labels, weights.argmax(axis=1)


def stop_words(languages: Collection[str | None]) -> list[str]:
    """scikit-learn's English stop words and spaCy's of the other `languages` it has lists for
    (spaCy is imported only then), as words the vectorizer's tokens can match."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = set(ENGLISH_STOP_WORDS)
    for code in sorted(code for code in languages if code and code != "en"):
        with suppress(ImportError):  # a language spaCy has no list for
            words |= import_module(f"spacy.lang.{code}.stop_words").STOP_WORDS
    return sorted(word for word in words if re.fullmatch(WORD, word))


def _labels(top_terms: list[list[str]]) -> list[tuple[str, list[str]]]:
    """Names from the top terms, made unique (two topics can share their first terms)."""
    seen: set[str] = set()
    named = []
    for terms in top_terms:
        size = LABEL_TERMS
        label = ", ".join(terms[:size])
        while label in seen and size < len(terms):
            size += 1
            label = ", ".join(terms[:size])
        while label in seen:
            label += "'"
        seen.add(label)
        named.append((label, terms))
    return named
