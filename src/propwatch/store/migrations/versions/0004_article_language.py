"""Each article's language, for `propwatch stats --by language`.

Adds `articles.language` (ISO 639-1, indexed) and fills it for the articles already stored by
detecting the language of their text, as analyses do now (`propwatch.language`, a few ms an
article); an article too short to tell keeps NULL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from propwatch.language import detect_language

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500  # articles read at a time: their texts, not the whole corpus, in memory
articles = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("text", sa.Text()),
    sa.column("language", sa.String()),
)


# Plain ALTERs, no batch mode: SQLite adds and drops a column in place (3.35 and later), while
# batch mode would copy the table and drop the old one, cascading into its analyses.


def upgrade() -> None:
    op.add_column("articles", sa.Column("language", sa.String(length=16), nullable=True))
    op.create_index(op.f("ix_articles_language"), "articles", ["language"])
    connection = op.get_bind()
    last = 0
    while rows := connection.execute(
        sa.select(articles.c.id, articles.c.text)
        .where(articles.c.id > last)
        .order_by(articles.c.id)
        .limit(BATCH)
    ).all():
        for row in rows:
            language = detect_language(row.text)
            if language:
                connection.execute(
                    sa.update(articles).where(articles.c.id == row.id).values(language=language)
                )
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index(op.f("ix_articles_language"), table_name="articles")
    op.drop_column("articles", "language")
