"""Opening a store: URL handling, the engine, migrations on open, and the writes a batch makes.

A store is a SQLite file by default (embedded, nothing to set up) or a PostgreSQL database given
by URL. Opening one brings its schema up to date with Alembic, so an old store keeps working.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from propwatch.errors import BadInput, StoreError, StoreUnreachable
from propwatch.record import ArticleMeta
from propwatch.store import models

DEFAULT_URL = "sqlite:///propwatch.db"
URL_VARIABLE = "PROPWATCH_DB"
MIGRATIONS = "propwatch.store:migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
ALEMBIC_TABLE = "alembic_version"


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL: the default file, a plain path as SQLite, postgresql:// via psycopg 3."""
    url = url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInput(
            f"{url!r} is not a database URL; give sqlite:///FILE.db or postgresql://USER@HOST/DB"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed)
    if parsed.get_backend_name() != "postgresql":
        raise BadInput(
            f"{display_url(url)}: the store runs on SQLite or PostgreSQL; give sqlite:/// or "
            "postgresql:// URL"
        )
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str, parsed: URL) -> Engine:
    if not parsed.database or parsed.database == ":memory:":
        raise BadInput(
            f"{url} keeps nothing once propwatch exits; give --db a file, such as "
            "sqlite:///propwatch.db"
        )
    if parsed.query:
        options = "&".join(f"{name}={value}" for name, value in parsed.query.items())
        raise BadInput(
            f"the store opens read-write and takes no SQLite options (?{options}); give --db "
            f"sqlite:///{parsed.database}"
        )
    path = Path(parsed.database).expanduser().resolve()
    if path.parent.is_file():
        raise BadInput(f"{path.parent} is a file, not a folder; give --db a file in a folder")
    if not path.parent.is_dir():
        raise BadInput(f"{path.parent} does not exist; create it or give another --db file")
    check_sqlite_file(path)
    # A generous busy timeout: `propwatch stats` may read while a batch writes.
    engine = create_engine(url, connect_args={"timeout": 60})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers run beside the writer; NORMAL sync keeps every commit safe from a crash of
    # the process (only a power cut can undo the last commits, which a rerun then redoes).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config(url: str | None = None) -> Any:
    """The Alembic configuration of the store's migrations (for `alembic.command.*`)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        check_ours(*_schema_of(connection), display_url(str(engine.url)))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# --- is it ours? Checked before anything is written, so a file that is not ours stays as it was


def check_sqlite_file(path: Path) -> None:
    """Refuse an existing file that is not SQLite, is damaged, or is not a propwatch store.

    Read-only and before the engine connects: its first connection turns on WAL, which would
    rewrite the header of another application's database."""
    if not path.is_file() or path.stat().st_size == 0:
        return  # a new store (SQLite takes an empty file as an empty database)
    with path.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not an SQLite database, so not a propwatch store; give --db a new file "
            "name or an existing store"
        )
    try:
        # immutable: no locks and no -wal or -shm files beside someone else's database
        uri = f"{path.as_uri()}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            revision = _sqlite_revision(connection) if ALEMBIC_TABLE in tables else None
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"{path} is a damaged SQLite file ({error}); restore it from a backup or give "
            "another --db file"
        ) from None
    check_ours(tables, revision, str(path))


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    row = connection.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}").fetchone()
    return str(row[0]) if row else None


def _schema_of(connection: Connection) -> tuple[set[str], str | None]:
    """The tables of the database and its Alembic revision (None when it has none)."""
    from alembic.runtime.migration import MigrationContext

    tables = set(inspect(connection).get_table_names())
    return tables, MigrationContext.configure(connection).get_current_revision()


def check_ours(tables: set[str], revision: str | None, where: str) -> None:
    """Refuse a database that holds another application's tables, or a newer store's schema."""
    ours = set(models.Base.metadata.tables)
    if revision is None:
        foreign = sorted(t for t in tables if not t.startswith("sqlite_"))
        if foreign:
            raise StoreError(
                f"{where} holds another application's tables ({', '.join(foreign[:3])}), not a "
                "propwatch store; give --db a new file or database"
            )
        return
    if revision in known_revisions():
        return
    if ours <= tables:
        raise StoreError(
            f"{where} is a propwatch store of a newer schema (revision {revision}) than this "
            "propwatch knows; upgrade propwatch to use it"
        )
    raise StoreError(
        f"{where} is another application's database (schema revision {revision}), not a "
        "propwatch store; give --db a new file or database"
    )


def known_revisions() -> set[str]:
    """The revision ids of this propwatch's migrations."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


class Store:
    """One open store: sessions, and the writes and reads a batch run needs."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def article_count(self) -> int:
        """How many articles batch runs have stored (kept web analyses are not articles)."""
        with self.session() as session:
            return session.scalar(select(func.count()).select_from(models.ArticleRow)) or 0

    def stored_languages(self, model: str) -> dict[str, str | None]:
        """The content hash and language of each article this model has analysed already."""
        query = (
            select(models.ArticleRow.content_hash, models.ArticleRow.language)
            .join(models.AnalysisRow)
            .where(models.AnalysisRow.model == model)
        )
        with self.session() as session:
            return {content_hash: language for content_hash, language in session.execute(query)}

    def save_analysis(self, meta: ArticleMeta, analysis: Any) -> bool:
        """Store one article, its analysis and spans in one transaction; False if already there."""
        try:
            with self.session() as session, session.begin():
                article = _article_for(session, meta, analysis)
                if _has_analysis(session, article, analysis.model):
                    return False
                row = analysis_row(article, analysis)
                session.add(row)
                session.flush()  # gives the row its id for the spans
                if analysis.spans:
                    session.execute(insert(models.SpanRow), span_rows(row.id, analysis))
                session.execute(
                    delete(models.FailureRow).where(models.FailureRow.location == meta.location)
                )
        except IntegrityError:
            return False  # another run stored the same article in the meantime
        except DataError as error:  # e.g. PostgreSQL refuses NUL characters in text
            raise StoreError(f"the store refused it: {_first_line(error)}") from None
        return True

    def save_failure(
        self, location: str, record_id: str | None, reason: str, content_hash: str | None = None
    ) -> None:
        """Log a record that could not be analysed (replacing an older entry for its location)."""
        location, record_id = _clean(location)[:1024], _clean(record_id or "")[:512] or None
        reason = _clean(reason)
        with self.session() as session, session.begin():
            failure = session.scalar(
                select(models.FailureRow).where(models.FailureRow.location == location)
            )
            if failure is None:
                failure = models.FailureRow(location=location)
                session.add(failure)
            failure.record_id = record_id
            failure.reason = reason
            failure.content_hash = content_hash


def _clean(value: str) -> str:
    """Without NUL characters, which PostgreSQL text cannot hold."""
    return value.replace("\x00", "")


def _first_line(error: Exception) -> str:
    orig = getattr(error, "orig", None) or error
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _article_for(session: Session, meta: ArticleMeta, analysis: Any) -> models.ArticleRow:
    article = session.scalar(
        select(models.ArticleRow).where(models.ArticleRow.content_hash == meta.content_hash)
    )
    if article is None:
        article = models.ArticleRow(
            content_hash=meta.content_hash,
            record_id=meta.record_id,
            location=meta.location,
            outlet=meta.outlet,
            published=meta.published,
            url=meta.url or getattr(analysis, "url", None),
            title=meta.title or analysis.title,
            text=analysis.text,
            words=analysis.summary.words,
            language=getattr(analysis, "language", None),
        )
        session.add(article)
        session.flush()
    return article


def _has_analysis(session: Session, article: models.ArticleRow, model: str) -> bool:
    query = exists().where(
        models.AnalysisRow.article_id == article.id, models.AnalysisRow.model == model
    )
    return bool(session.scalar(select(query)))


def analysis_row(article: models.ArticleRow, analysis: Any) -> models.AnalysisRow:
    summary = analysis.summary
    return models.AnalysisRow(
        article=article,
        model=analysis.model,
        schema_version=analysis.schema_version,
        words=summary.words,
        sentences=summary.sentences,
        propaganda_sentences=summary.propaganda_sentences,
        span_count=summary.spans,
        spans_per_1000_words=summary.spans_per_1000_words,
        details=details_of(analysis),
    )


def span_rows(analysis_id: int, analysis: Any) -> list[dict[str, Any]]:
    """The span rows of an Analysis; voice, source and section are read when the schema has them."""
    sections: Sequence[Any] = getattr(analysis, "sections", ())
    rows = []
    for span in analysis.spans:
        section: int | None = getattr(span, "section", None)
        kind = sections[section].kind if section is not None and section < len(sections) else None
        rows.append(
            {
                "analysis_id": analysis_id,
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "technique": span.technique,
                "technique_id": span.technique_id,
                "confidence": float(span.confidence),
                "sentence": span.sentence,
                "voice": getattr(span, "voice", None),
                "source": getattr(span, "source", None),
                "section_kind": kind,
            }
        )
    return rows


def details_of(analysis: Any) -> dict[str, Any]:
    """The Analysis less what has columns or rows of its own (text, spans); sentences by offset."""
    details = {
        field.name: _plain(getattr(analysis, field.name))
        for field in dataclasses.fields(analysis)
        if field.name not in ("text", "spans", "sentences")
    }
    details["sentences"] = [
        {"start": s.start, "end": s.end, "score": s.score, "techniques": list(s.techniques)}
        for s in analysis.sentences
    ]
    # What span rows have no columns for, in span order
    details["span_evidence"] = [
        {
            "runner_up": getattr(s, "runner_up", None),
            "examples": list(getattr(s, "examples", ())),
            "key_words": _plain(getattr(s, "key_words", ())),
        }
        for s in analysis.spans
    ]
    return details


def _plain(value: Any) -> Any:
    """JSON-ready: dataclasses as dicts, tuples as lists (as `asdict` does, part by part)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _missing_sqlite_file(engine: Engine) -> bool:
    return (
        engine.url.get_backend_name() == "sqlite" and not Path(str(engine.url.database)).is_file()
    )


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (and create or migrate) the store at `url`; SQLite `propwatch.db` by default.

    With `create=False` a missing SQLite file is an error rather than a new empty store.
    """
    url = normalise_url(url)
    engine = make_engine(url)
    if not create and _missing_sqlite_file(engine):
        raise BadInput(
            f"there is no store at {engine.url.database}; run `propwatch batch` first or give --db"
        )
    try:
        migrate(engine)
    except OperationalError as error:
        engine.dispose()
        raise StoreUnreachable(
            f"cannot open the store {display_url(url)}: {_first_line(error)}; check the --db URL "
            "and that the database server is running"
        ) from None
    except DatabaseError as error:  # damaged in a way the read-only check could not see
        engine.dispose()
        raise StoreError(
            f"cannot use the store {display_url(url)}: {_first_line(error)}; restore it from a "
            "backup or give another --db"
        ) from None
    except StoreError:
        engine.dispose()
        raise
    return Store(url, engine)
