"""The SQL store: schema through Alembic, one-transaction writes, failures, SQLite and PostgreSQL.

The PostgreSQL tests start a local server with scripts/ensure-postgres.sh when
PROPWATCH_TEST_POSTGRES_URL is not set, and give each test a database of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from propwatch import analyze
from propwatch.errors import PropwatchError
from propwatch.store import ArticleMeta, Store, open_store
from propwatch.store.database import alembic_config, normalise_url
from propwatch.store.models import AnalysisRow, ArticleRow, FailureRow, SpanRow

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "Traitors in the capital\n\n"
    "These treacherous thugs want to destroy our great nation! Wake up, America!\n"
    'The minister said: "They are evil traitors and every patriot knows it."\n'
)


@pytest.fixture(scope="module")
def analysis():
    """A real analysis of a short article."""
    return analyze(TEXT, url="https://example.org/a")


def meta(content_hash: str = "a" * 64, location: str = "in.jsonl:1", **fields) -> ArticleMeta:
    return ArticleMeta(content_hash, "article-1", location, **fields)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("PROPWATCH_TEST_POSTGRES_URL")
    if not url:
        script = ROOT / "scripts" / "ensure-postgres.sh"
        done = subprocess.run(
            ["bash", str(script)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=900,
        )
        assert done.returncode == 0, f"ensure-postgres.sh failed:\n{done.stderr}"
        url = done.stdout.strip().rsplit("=", 1)[1]
    return normalise_url(url)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    name = f"propwatch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def urls() -> list:
    return [
        pytest.param("sqlite_url", id="sqlite"),
        pytest.param("postgres_url", id="postgresql", marks=pytest.mark.slow),
    ]


@pytest.fixture(params=urls())
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    opened = open_store(request.getfixturevalue(request.param))
    yield opened
    opened.close()


def count(store: Store, model) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def stored_at(url: str, revision: str, *saves: tuple[ArticleMeta, Any]) -> None:
    """A store at an older `revision` holding `saves`: written now, then migrated down."""
    store = open_store(url)
    for article, analysis in saves:
        store.save_analysis(article, analysis)
    with store.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    store.close()


def test_a_new_store_is_at_the_newest_migration_and_matches_the_models(store: Store):
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head == "0004"
    command.check(alembic_config(store.url))  # raises when the models and migrations differ


def test_an_analysis_is_stored_whole_and_only_once(store: Store, analysis):
    published = dt.date(2024, 3, 5)
    assert store.save_analysis(meta(outlet="Daily", published=published), analysis)
    assert not store.save_analysis(meta(outlet="Daily", published=published), analysis)
    with store.session() as session:
        article = session.scalars(select(ArticleRow)).one()
        row = session.scalars(select(AnalysisRow)).one()
        spans = session.scalars(select(SpanRow).order_by(SpanRow.start)).all()
    assert (article.text, article.outlet, article.published) == (TEXT, "Daily", published)
    assert article.title == "Traitors in the capital"
    assert article.url == "https://example.org/a"
    assert row.model == analysis.model and row.span_count == len(analysis.spans) == len(spans)
    assert row.words == analysis.summary.words
    assert len(row.details["sentences"]) == len(analysis.sentences)
    assert store.stored_languages(analysis.model) == {"a" * 64: analysis.language}
    assert store.stored_languages("another-model") == {}
    for span, expected in zip(spans, sorted(analysis.spans, key=lambda s: s.start), strict=True):
        assert TEXT[span.start : span.end] == span.text == expected.text
        assert (span.technique_id, span.voice, span.source) == (
            expected.technique_id,
            expected.voice,
            expected.source,
        )
        assert span.section_kind in ("report", "opinion", "credits", None)


def test_a_failure_is_logged_once_per_location_and_cleared_by_a_success(store: Store, analysis):
    store.save_failure("in.jsonl:1", "article-1", "not a JSON object")
    store.save_failure("in.jsonl:1", "article-1", "the line is not UTF-8", "a" * 64)
    store.save_failure("in.jsonl:2", None, "no text, html or url field with content")
    with store.session() as session:
        failures = {f.location: f.reason for f in session.scalars(select(FailureRow))}
    assert failures == {
        "in.jsonl:1": "the line is not UTF-8",
        "in.jsonl:2": "no text, html or url field with content",
    }
    assert store.save_analysis(meta(location="in.jsonl:1"), analysis)
    with store.session() as session:
        assert session.scalars(select(FailureRow.location)).all() == ["in.jsonl:2"]


def test_reopening_a_store_keeps_its_data(sqlite_url: str, analysis):
    first = open_store(sqlite_url)
    first.save_analysis(meta(), analysis)
    first.close()
    again = open_store(sqlite_url)
    assert count(again, ArticleRow) == 1 and count(again, SpanRow) == len(analysis.spans)
    again.close()


def test_urls_are_normalised():
    assert normalise_url("corpus.db") == "sqlite:///corpus.db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_the_default_store_comes_from_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PROPWATCH_DB", str(tmp_path / "env.db"))
    open_store().close()
    assert (tmp_path / "env.db").is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "SQLite or PostgreSQL"),
        ("sqlite:////no/such/folder/x.db", "/no/such/folder does not exist"),
        ("postgresql://nobody:secret@127.0.0.1:1/none", "cannot open the store"),
        ("sqlite:///:memory:", "keeps nothing once propwatch exits"),
        ("sqlite://", "keeps nothing once propwatch exits"),
        ("sqlite:////tmp/propwatch-ro.db?mode=ro", r"takes no SQLite options \(\?mode=ro\)"),
    ],
)
@pytest.mark.filterwarnings("error")  # a one-line error, not a SQLAlchemy warning besides
def test_unusable_stores_are_one_line_errors(url: str, message: str):
    with pytest.raises(PropwatchError, match=message) as raised:
        open_store(url)
    assert "\n" not in str(raised.value) and "secret" not in str(raised.value)


def test_reading_a_missing_store_does_not_create_it(tmp_path: Path):
    with pytest.raises(PropwatchError, match="no store at"):
        open_store(str(tmp_path / "missing.db"), create=False)
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.slow
def test_text_postgresql_refuses_is_an_error_and_leaves_nothing_behind(postgres_url: str, analysis):
    store = open_store(postgres_url)
    refused = dataclasses.replace(analysis, text=TEXT + "\x00")
    with pytest.raises(PropwatchError, match=r"the store refused it: .*NUL"):
        store.save_analysis(meta(), refused)
    store.save_failure("in.jsonl:1\x00", "id\x00", "reason")  # NUL is dropped, not refused
    assert count(store, ArticleRow) == 0 and count(store, FailureRow) == 1
    store.close()


# --- kept web analyses: a table of their own ----------------------------------------------------


@pytest.mark.parametrize("url", urls())
def test_migration_moves_drafts_kept_the_old_way_out_of_the_articles(
    request: pytest.FixtureRequest, url: str, analysis
):
    from propwatch.render.json_output import render_json
    from propwatch.store.models import KeptRow
    from propwatch.web import saved

    store_url = request.getfixturevalue(url)
    key = saved.key_of(analysis)
    draft = ArticleMeta(key, key, f"web:{key}")  # a draft kept the 0002 way
    batch_file = meta(location="web:evil.txt")  # a batch file named web:...
    stored_at(store_url, "0002", (draft, analysis), (batch_file, analysis))
    store = open_store(store_url)
    try:
        loaded = saved.load(store, key)
        assert loaded is not None and render_json(loaded) == render_json(analysis)
        with store.session() as session:
            assert session.scalars(select(ArticleRow.location)).all() == ["web:evil.txt"]
            assert count(store, AnalysisRow) == 1 and count(store, KeptRow) == 1
    finally:
        store.close()


# --- each article's language ---------------------------------------------------------------------

FRENCH = (
    "Des traîtres dans la capitale\n\n"
    "Ces voyous perfides veulent détruire notre grande nation ! Réveillez-vous, la France !\n"
    "Le ministre a déclaré : « Ce sont des traîtres et chaque patriote le sait. »\n"
)


def test_an_analysis_stores_its_articles_language(store: Store, analysis):
    store.save_analysis(meta(), analysis)
    with store.session() as session:
        assert session.scalars(select(ArticleRow.language)).all() == ["en"]


@pytest.mark.parametrize("url", urls())
def test_upgrading_a_store_from_0003_keeps_everything_and_fills_in_languages(
    request: pytest.FixtureRequest, url: str, analysis
):
    store_url = request.getfixturevalue(url)
    french = analyze(FRENCH)
    stored_at(store_url, "0003", (meta("a" * 64), analysis), (meta("b" * 64, "in:2"), french))
    before = create_engine(store_url)
    with before.connect() as connection:
        assert "language" not in {c["name"] for c in inspect(connection).get_columns("articles")}
        rows = {table: _rows(connection, table) for table in ("articles", "analyses", "spans")}
    before.dispose()
    store = open_store(store_url)  # migrates to the newest revision
    try:
        with store.engine.connect() as connection:
            for table, old in rows.items():
                new = _rows(connection, table)
                assert [{k: r[k] for k in old[0]} for r in new] == old  # nothing lost or changed
            languages = connection.execute(text("SELECT language FROM articles ORDER BY id"))
            assert languages.scalars().all() == ["en", "fr"]
    finally:
        store.close()


def _rows(connection: Any, table: str) -> list[dict[str, Any]]:
    found = connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
    return [dict(row._mapping) for row in found]
