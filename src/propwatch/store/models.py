"""The store's tables: articles, their analyses, the technique spans found, failed records, the
topics `propwatch stats --by topic` clusters the articles into, and the analyses the web app kept.

An article is keyed by its content hash (the input record's content and metadata), so a rerun
finds what it already stored. An article can hold one analysis per model, and one topic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints so that migrations can refer to them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    record_id: Mapped[str] = mapped_column(String(512))  # the input's id, file name or line
    location: Mapped[str] = mapped_column(Text)  # where it was read: "path" or "path:line"
    outlet: Mapped[str | None] = mapped_column(String(256), index=True)
    published: Mapped[dt.date | None] = mapped_column(Date, index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(Integer)
    # ISO 639-1, as detected (propwatch.language); None when too short to tell
    language: Mapped[str | None] = mapped_column(String(16), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    analyses: Mapped[list[AnalysisRow]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class AnalysisRow(Base):
    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("article_id", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(256), index=True)
    schema_version: Mapped[str] = mapped_column(String(16))
    words: Mapped[int] = mapped_column(Integer)
    sentences: Mapped[int] = mapped_column(Integer)
    propaganda_sentences: Mapped[int] = mapped_column(Integer)
    span_count: Mapped[int] = mapped_column(Integer)
    spans_per_1000_words: Mapped[float] = mapped_column(Float)
    # The rest of the Analysis (sentence scores, sections, attributions), kept whole.
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    article: Mapped[ArticleRow] = relationship(back_populates="analyses")
    spans: Mapped[list[SpanRow]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan"
    )


class SpanRow(Base):
    __tablename__ = "spans"
    __table_args__ = (
        Index("ix_spans_analysis_id_technique_id", "analysis_id", "technique_id"),
        # drill-down: the analyses holding a technique
        Index("ix_spans_technique_id_analysis_id", "technique_id", "analysis_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analyses.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    technique: Mapped[str] = mapped_column(String(64))  # PTC label, e.g. "Loaded_Language"
    technique_id: Mapped[str] = mapped_column(String(64))  # stable slug, e.g. "loaded_language"
    confidence: Mapped[float] = mapped_column(Float)
    sentence: Mapped[int | None] = mapped_column(Integer)
    # Filled when the Analysis carries them (voice and sections came later than spans).
    voice: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    section_kind: Mapped[str | None] = mapped_column(String(16))

    analysis: Mapped[AnalysisRow] = relationship(back_populates="spans")


class FailureRow(Base):
    """A record that could not be analysed; a later success at the same location removes it."""

    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location: Mapped[str] = mapped_column(String(1024), unique=True)
    record_id: Mapped[str | None] = mapped_column(String(512))
    reason: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class TopicRow(Base):
    """A topic of the stored articles (TF-IDF and NMF over their texts), named by its top terms."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(256), unique=True)  # its top terms, e.g. "vote, poll"
    terms: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ArticleTopicRow(Base):
    """Which topic an article falls in; clustering again replaces every row."""

    __tablename__ = "article_topics"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)


class KeptRow(Base):
    """An analysis a person asked the web app to keep: reachable only by its permalink key.

    A table of its own, apart from the articles of batch runs, so that no corpus view, statistic
    or batch clean-up ever sees a kept draft, nor `--keep-days` a batch run's article."""

    __tablename__ = "kept_analyses"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)  # the permalink's id
    model: Mapped[str] = mapped_column(String(256))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    # The rest of the Analysis, its spans included, as `database.details_of` writes it.
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
