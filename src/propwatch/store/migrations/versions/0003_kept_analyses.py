"""Kept web analyses in a table of their own, apart from batch runs' articles.

Until now the web app kept an analysis as an article whose location was `web:{key}` (its content
hash being the 20-character key), so the corpus views, the statistics and `--keep-days` told the
two apart by a string prefix. This moves each such article (with its analysis and spans) into
`kept_analyses` and out of `articles`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPAN_COLUMNS = (
    "start",
    "end",
    "text",
    "technique",
    "technique_id",
    "confidence",
    "sentence",
    "voice",
    "source",
    "section_kind",
)
articles = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("content_hash", sa.String()),
    sa.column("location", sa.Text()),
    sa.column("url", sa.Text()),
    sa.column("title", sa.Text()),
    sa.column("text", sa.Text()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
analyses = sa.table(
    "analyses",
    sa.column("id", sa.Integer()),
    sa.column("article_id", sa.Integer()),
    sa.column("model", sa.String()),
    sa.column("details", sa.JSON()),
)
spans = sa.table(
    "spans",
    sa.column("id", sa.Integer()),
    sa.column("analysis_id", sa.Integer()),
    *(sa.column(name) for name in SPAN_COLUMNS),
)


def upgrade() -> None:
    kept = op.create_table(
        "kept_analyses",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=256), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kept_analyses")),
    )
    op.create_index(op.f("ix_kept_analyses_created_at"), "kept_analyses", ["created_at"])
    connection = op.get_bind()
    drafts = connection.execute(
        sa.select(articles).where(articles.c.location == "web:" + articles.c.content_hash)
    ).all()
    for draft in drafts:
        analysis = connection.execute(
            sa.select(analyses).where(analyses.c.article_id == draft.id).order_by(analyses.c.id)
        ).first()
        if analysis is not None:
            connection.execute(sa.insert(kept).values(_kept_row(connection, draft, analysis)))
        connection.execute(sa.delete(articles).where(articles.c.id == draft.id))


def _kept_row(connection: sa.Connection, draft: Any, analysis: Any) -> dict[str, Any]:
    rows = connection.execute(
        sa.select(*(spans.c[name] for name in SPAN_COLUMNS))
        .where(spans.c.analysis_id == analysis.id)
        .order_by(spans.c.id)
    )
    details = {**analysis.details, "spans": [dict(row._mapping) for row in rows]}
    return {
        "key": draft.content_hash,
        "model": analysis.model,
        "url": draft.url,
        "title": draft.title,
        "text": draft.text,
        "details": details,
        "created_at": draft.created_at,
    }


def downgrade() -> None:
    op.drop_index(op.f("ix_kept_analyses_created_at"), table_name="kept_analyses")
    op.drop_table("kept_analyses")
