"""A --db that is not a propwatch store: refused in one line, and the file is left as it was.

A text file, a damaged SQLite file, another application's SQLite database and a store of a newer
schema, opened by `open_store` and by every command that opens a store (batch, stats, serve).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from propwatch.errors import BadInput, StoreError
from propwatch.store import open_store
from propwatch.store.database import ALEMBIC_TABLE

START = "from propwatch.cli import main; main()"


def notes(path: Path) -> None:
    path.write_text("Shopping: milk, bread.\nCall the editor at noon.\n")


def our_store(path: Path) -> None:
    open_store(f"sqlite:///{path}").close()


def damaged(path: Path) -> None:
    our_store(path)
    with path.open("r+b") as handle:  # the schema table's page, just past the 100-byte header
        handle.seek(100)
        handle.write(b"\xff" * 200)


def other_application(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT, steps TEXT)")
        connection.execute("INSERT INTO recipes VALUES ('bread', 'knead')")
    connection.close()


def newer_store(path: Path) -> None:
    our_store(path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"UPDATE {ALEMBIC_TABLE} SET version_num = '0099_from_the_future'")
    connection.close()


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "text": (notes, "is not an SQLite database"),
    "damaged": (damaged, "is a damaged SQLite file"),
    "other": (other_application, "holds another application's tables (recipes)"),
    "newer": (newer_store, "newer schema (revision 0099_from_the_future)"),
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_is_not_our_store_is_refused_and_left_unchanged(tmp_path: Path, kind: str):
    make, message = KINDS[kind]
    path = tmp_path / "notes.db"
    make(path)
    before, files = digest(path), sorted(p.name for p in tmp_path.iterdir())
    for create in (True, False):
        with pytest.raises(StoreError, match=re.escape(message)) as raised:
            open_store(f"sqlite:///{path}", create=create)
        said = str(raised.value)
        assert "\n" not in said and re.search(r"--db (file|a new)|upgrade propwatch", said)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no journal left beside it


def test_an_empty_file_becomes_a_store(tmp_path: Path):
    path = tmp_path / "new.db"
    path.touch()
    open_store(f"sqlite:///{path}").close()
    assert path.read_bytes().startswith(b"SQLite format 3")


def test_a_db_whose_folder_is_a_file_says_so(tmp_path: Path):
    notes(tmp_path / "notes.txt")
    with pytest.raises(BadInput, match=r"notes\.txt is a file, not a folder"):
        open_store(f"sqlite:///{tmp_path / 'notes.txt' / 'web.db'}")


@pytest.mark.parametrize(
    ("command", "kind"),
    [("batch", "text"), ("stats", "other"), ("serve", "newer"), ("serve", "damaged")],
)
def test_every_command_that_opens_a_store_answers_in_one_line(
    tmp_path: Path, command: str, kind: str
):
    make, message = KINDS[kind]
    path = tmp_path / "notes.txt"
    make(path)
    before = digest(path)
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.txt").write_text("They are traitors.\n")
    args = {"batch": [str(tmp_path / "one")], "stats": [], "serve": ["--port", "0"]}[command]
    done = subprocess.run(
        [sys.executable, "-c", START, command, *args, "--db", f"sqlite:///{path}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 4, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and message in " ".join(done.stderr.split()), done.stderr
    assert "Traceback" not in done.stderr
    assert digest(path) == before
