"""Batch runs: input readers, the local engine end to end, resuming after Ctrl-C or a crash, the
command line, and the Ray engine (slow) giving the same stored results as the local one."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from propwatch import analyze
from propwatch.batch import inputs
from propwatch.batch.inputs import BadRecord, count_inputs, read_inputs
from propwatch.batch.runner import LocalEngine, run_batch
from propwatch.cli import app
from propwatch.errors import PropwatchError
from propwatch.pipeline import ModelChoice, worker_pipeline
from propwatch.record import Record
from propwatch.store import Store, open_store
from propwatch.store.models import AnalysisRow, ArticleRow, FailureRow, SpanRow

ARTICLE = (
    "Enemies of the people\n\n"
    "These treacherous thugs want to destroy our great nation, the senator said on {day}.\n"
    "Wake up! Every true patriot knows the corrupt elite is lying to you.\n"
)


def article(day: int) -> str:
    return ARTICLE.format(day=f"day {day}")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Every kind of input, with a bad record of every kind beside the good ones."""
    site = tmp_path / "site"
    for relative, content in {
        "bbc/2024/a.txt": article(1),
        "bbc/b.html": f"<html><head><title>Page</title></head><body><article><p>"
        f"{article(2).splitlines()[2]}</p><p>{article(2).splitlines()[3]}</p></article></body>",
        "rt/c.txt": article(3),
        "loose.txt": article(4),
        "empty.txt": "  \n",
        "notes.md": "not an article",
        ".cache/hidden.txt": article(5),
    }.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(content, encoding="utf-8")
    lines = [
        json.dumps({"id": "j1", "text": article(6), "outlet": "Daily", "date": "2024-03-05"}),
        json.dumps({"id": "j2", "html": f"<p>{article(7)}</p>", "source": "Weekly"}),
        "{not json",
        "",
        json.dumps({"id": "j3", "title": "no content"}),
        json.dumps({"id": "j4", "text": article(8), "date": "5 March"}),
    ]
    data = "\n".join(lines).encode() + b'\n{"id": "j5", "text": "caf\xe9"}\n'
    (tmp_path / "records.jsonl").write_bytes(data)
    (tmp_path / "records.csv").write_text(
        f'id,outlet,date,text\nc1,Daily,2024-04,"{article(9)}"\nc2,,,"{article(10)}"\n',
        encoding="utf-8",
    )
    return tmp_path


def paths(corpus: Path) -> list[Path]:
    return [corpus / "site", corpus / "records.jsonl", corpus / "records.csv"]


BAD_REASONS = {
    "empty.txt": "empty",
    "records.jsonl:3": "not a JSON object",
    "records.jsonl:5": "no text, html or url",
    "records.jsonl:6": "not ISO 8601",
    "records.jsonl:7": "not UTF-8",
}


def location_key(location: str, corpus: Path) -> str:
    return Path(location).name if "/site/" in location else location.removeprefix(f"{corpus}/")


def test_readers_yield_every_record_or_why_it_is_bad(corpus: Path):
    items = list(read_inputs(paths(corpus), outlet="Fallback"))
    assert len(items) == count_inputs(paths(corpus)) == 13
    good = {i.meta.record_id: i for i in items if isinstance(i, Record)}
    bad = {location_key(i.location, corpus): i.reason for i in items if isinstance(i, BadRecord)}
    assert sorted(good) == [
        "bbc/2024/a.txt",
        "bbc/b.html",
        "c1",
        "c2",
        "j1",
        "j2",
        "loose.txt",
        "rt/c.txt",
    ]
    assert set(bad) == set(BAD_REASONS)
    for location, reason in bad.items():
        assert BAD_REASONS[location] in reason
    assert good["bbc/2024/a.txt"].meta.outlet == "bbc" and good["rt/c.txt"].meta.outlet == "rt"
    assert good["loose.txt"].meta.outlet == "Fallback"  # a file at the top names no outlet
    assert good["bbc/b.html"].content_type == "text/html" and good["bbc/b.html"].kind == "file"
    assert (good["j1"].kind, good["j1"].meta.outlet, str(good["j1"].meta.published)) == (
        "text",
        "Daily",
        "2024-03-05",
    )
    assert (good["j2"].kind, good["j2"].meta.outlet) == ("html", "Weekly")
    assert str(good["c1"].meta.published) == "2024-04-01" and good["c2"].meta.outlet == "Fallback"
    assert good["j1"].content == article(6)  # the exact text, untouched


def test_a_ptc_folder_is_read_with_its_article_ids(tmp_path: Path):
    (tmp_path / "article111.txt").write_text(article(1), encoding="utf-8")
    (tmp_path / "article111.task-flc-tc.labels").write_text("111\tDoubt\t0\t5\n")
    (items,) = [list(read_inputs([tmp_path]))]
    assert [i.meta.record_id for i in items] == ["111"]


def test_content_hash_is_the_content_and_the_outlet():
    same = inputs.content_hash("Daily", "text", "words")
    assert same == inputs.content_hash("Daily", "text", "words")
    assert same != inputs.content_hash("Weekly", "text", "words")  # wire copy in two outlets
    assert same != inputs.content_hash("Daily", "text", "other words")
    assert inputs.content_hash("ab", "text", "c") != inputs.content_hash("a", "text", "bc")


def test_records_over_the_size_limit_are_bad_records(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_RECORD_BYTES", 100)
    (tmp_path / "big.txt").write_text("word " * 50, encoding="utf-8")
    (item,) = read_inputs([tmp_path / "big.txt"])
    assert isinstance(item, BadRecord) and "more than the 100 of one article" in item.reason


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing", "does not exist"), ("table.xlsx", "cannot read .xlsx files")],
)
def test_unreadable_inputs_stop_the_run_before_it_starts(tmp_path: Path, name: str, message: str):
    if name.endswith(".xlsx"):
        (tmp_path / name).write_bytes(b"PK")
    with pytest.raises(PropwatchError, match=message):
        list(read_inputs([tmp_path / name]))


def onnx_threads() -> int:
    """The ONNX threads of the pipeline in the worker process this runs in."""
    options = worker_pipeline().detector.backend.encoder.get_session_options()
    return int(options.intra_op_num_threads)


def test_a_worker_model_session_uses_one_onnx_thread():
    engine = LocalEngine(1)
    try:
        assert engine.pool.submit(onnx_threads).result() == 1
    finally:
        engine.close()


def run_local(inputs_: list[Path], store: Store, workers: int = 1, outlet: str | None = None):
    engine = LocalEngine(workers)
    try:
        return run_batch(inputs_, store, engine, ModelChoice.of(), outlet=outlet)
    finally:
        engine.close()


def test_a_run_stores_every_good_record_logs_the_bad_and_a_rerun_skips(corpus: Path):
    store = open_store(str(corpus / "store.db"))
    first = run_local(paths(corpus), store, outlet="Fallback")
    assert (first.stored, first.skipped, first.failed) == (8, 0, 5)
    with store.session() as session:
        articles = session.scalars(select(ArticleRow)).all()
        failures = {
            location_key(f.location, corpus): f.reason for f in session.scalars(select(FailureRow))
        }
        for row in articles:
            (analysis,) = row.analyses
            assert len(analysis.spans) == analysis.span_count
            assert all(row.text[s.start : s.end] == s.text for s in analysis.spans)
    assert {k: BAD_REASONS[k] in v for k, v in failures.items()} == dict.fromkeys(BAD_REASONS, True)
    by_id = {a.record_id: a for a in articles}
    assert by_id["bbc/b.html"].title == "Page" and by_id["bbc/b.html"].text.startswith("Page\n\n")
    assert by_id["j1"].text == article(6) and by_id["j1"].outlet == "Daily"
    again = run_local(paths(corpus), store, outlet="Fallback")
    assert (again.stored, again.skipped, again.failed, again.analysed) == (0, 8, 5, 0)
    store.close()


def test_a_batch_analysis_equals_the_direct_analysis(tmp_path: Path):
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    store = open_store(str(tmp_path / "store.db"))
    run_local([tmp_path / "a.txt"], store)
    with store.session() as session:
        stored = [
            (s.start, s.end, s.technique, s.confidence)
            for s in session.scalars(select(SpanRow).order_by(SpanRow.start, SpanRow.technique))
        ]
    store.close()
    direct = analyze(article(1))
    expected = sorted((s.start, s.end, s.technique, s.confidence) for s in direct.spans)
    assert [s[:3] for s in stored] == [s[:3] for s in expected]
    assert [s[3] for s in stored] == pytest.approx([s[3] for s in expected], abs=1e-3)


def test_batch_workers_keep_the_threshold_they_are_given(tmp_path: Path):
    (tmp_path / "a.txt").write_text(article(1), encoding="utf-8")
    store = open_store(str(tmp_path / "store.db"))
    engine = LocalEngine(1, min_confidence=0.3)
    try:
        run_batch([tmp_path / "a.txt"], store, engine, ModelChoice.of())
    finally:
        engine.close()
    with store.session() as session:
        (details,) = session.scalars(select(AnalysisRow.details))
        confidences = list(session.scalars(select(SpanRow.confidence)))
    store.close()
    assert details["min_confidence"] == 0.3
    assert all(c >= 0.3 for c in confidences)
    assert len(confidences) < len(analyze(article(1), min_confidence=0.0).spans)


# --- the command, in a real process: interrupted, killed, rerun --------------------------------

COMMAND = "from propwatch.cli import main; main()"


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as connection:
        try:
            return connection.execute("select count(*) from analyses").fetchone()[0]
        except sqlite3.OperationalError:  # the schema is being created
            return 0


def default_ctrl_c() -> None:
    """A shell gives a foreground command the default SIGINT; CI may run us with it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "crash"])
def test_an_interrupted_run_keeps_what_it_stored_and_a_rerun_finishes(tmp_path: Path, stop):
    folder = tmp_path / "articles"
    folder.mkdir()
    total = 40  # enough that the run cannot finish between two looks at the store
    for day in range(total):
        (folder / f"{day:02d}.txt").write_text(article(day) * 6, encoding="utf-8")
    db = tmp_path / "store.db"
    args = [sys.executable, "-c", COMMAND, "batch", str(folder), "--db", str(db), "--workers", "1"]
    process = subprocess.Popen(
        args, stderr=subprocess.PIPE, start_new_session=True, preexec_fn=default_ctrl_c
    )
    deadline = time.monotonic() + 240
    while stored_count(db) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, stop)  # the whole group, as Ctrl-C in a terminal does
    _, stderr = process.communicate(timeout=120)
    interrupted = stored_count(db)
    assert 2 <= interrupted < total, f"not stopped in the middle: {process.returncode}, {stderr!r}"
    if stop == signal.SIGINT:
        assert b"interrupted: stored" in stderr and b"run the same command again" in stderr
    store = open_store(str(db))
    with store.session() as session:  # what was stored is whole: no half-written article
        for analysis in session.scalars(select(AnalysisRow)):
            assert len(analysis.spans) == analysis.span_count
    report = run_local([folder], store)
    assert (report.skipped, report.stored, report.failed) == (interrupted, total - interrupted, 0)
    store.close()


def test_the_command_reports_failures_and_exits_non_zero(tmp_path: Path):
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "ok", "text": article(1)}) + "\n{broken\n")
    db = str(tmp_path / "store.db")
    result = CliRunner().invoke(app, ["batch", str(records), "--db", db, "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "stored 1 · skipped 0 · failed 1" in result.output
    assert f"failed {records}:2: not a JSON object" in result.output
    again = CliRunner().invoke(app, ["batch", str(records), "--db", db, "--workers", "1"])
    assert "stored 0 · skipped 1 · failed 1" in again.output


def test_the_command_rejects_an_unknown_engine(tmp_path: Path):
    (tmp_path / "a.txt").write_text(article(1))
    result = CliRunner().invoke(
        app, ["batch", str(tmp_path), "--db", str(tmp_path / "s.db"), "--engine", "spark"]
    )
    assert isinstance(result.exception, PropwatchError)
    assert "unknown engine 'spark'; choose local or ray" in str(result.exception)


# --- Ray ------------------------------------------------------------------------------------


def spans_by_article(store: Store) -> dict[str, list[tuple]]:
    with store.session() as session:
        rows = session.execute(
            select(
                ArticleRow.content_hash,
                SpanRow.start,
                SpanRow.end,
                SpanRow.technique,
                SpanRow.confidence,
                SpanRow.voice,
            )
            .join(ArticleRow.analyses)
            .join(AnalysisRow.spans)
        ).all()
    found: dict[str, list[tuple]] = {}
    for content_hash, *span in rows:
        found.setdefault(content_hash, []).append(tuple(span))
    return {key: sorted(value) for key, value in found.items()}


@pytest.mark.slow
def test_the_ray_engine_stores_what_the_local_engine_stores(corpus: Path):
    from propwatch.batch.ray_engine import RayEngine

    local = open_store(str(corpus / "local.db"))
    run_local(paths(corpus), local, workers=2, outlet="Fallback")
    distributed = open_store(str(corpus / "ray.db"))
    engine = RayEngine(workers=2)
    try:
        report = run_batch(paths(corpus), distributed, engine, ModelChoice.of(), outlet="Fallback")
    finally:
        engine.close()
    assert (report.stored, report.failed) == (8, 5)
    expected, got = spans_by_article(local), spans_by_article(distributed)
    assert got.keys() == expected.keys() and len(got) == 8
    for key, spans in expected.items():
        assert [s[:3] + s[4:] for s in got[key]] == [s[:3] + s[4:] for s in spans]
        assert [s[3] for s in got[key]] == pytest.approx([s[3] for s in spans], abs=1e-3)
    local.close()
    distributed.close()


def test_a_ray_client_refusal_names_the_servers_reason_not_its_traceback():
    from propwatch.batch.ray_engine import _reason

    refused = ConnectionAbortedError(
        "Initialization failure from server:\nTraceback (most recent call last):\n"
        '  File "proxier.py", line 777, in Datapath\n'
        "RuntimeError: Proxy failed to Connect to backend!\n"
    )
    assert _reason(refused) == "RuntimeError: Proxy failed to Connect to backend!"
    assert _reason(ConnectionError("no cluster at 10.0.0.1:6379\nmore")) == (
        "no cluster at 10.0.0.1:6379"
    )


def test_ids_and_outlets_longer_than_the_store_holds_are_bad_records(tmp_path: Path):
    records = tmp_path / "long.jsonl"
    lines = [{"id": "x" * 600, "text": "words"}, {"id": "ok", "outlet": "o" * 300, "text": "w"}]
    records.write_text("\n".join(json.dumps(line) for line in lines))
    reasons = [item.reason for item in read_inputs([records])]
    assert reasons == [
        "the id has 600 characters, more than 512",
        "the outlet has 300 characters, more than 256",
    ]


def test_the_commands_name_the_stores_own_defaults():
    from propwatch.cli import common
    from propwatch.store import database

    assert (common.DEFAULT_URL, common.URL_VARIABLE) == (
        database.DEFAULT_URL,
        database.URL_VARIABLE,
    )


# --- the progress bar ---------------------------------------------------------------------------


def test_the_progress_bar_keeps_to_one_line_at_80_columns_with_the_time_left():
    from io import StringIO

    from rich.console import Console

    from propwatch.batch.runner import RunReport
    from propwatch.cli.batch import _progress

    report = RunReport(stored=1234, failed=2, analysed=1236)
    report.first_result = time.perf_counter() - 123.5  # 1,235 more results in 123.5 s: 10/s
    progress = _progress()
    task = progress.add_task("Analysing", total=10_000, report=report, failed="2 failed")
    progress.update(task, completed=1236)
    console = Console(width=80, record=True, file=StringIO())
    console.print(progress.get_renderable())
    shown = console.export_text().rstrip("\n")
    assert "\n" not in shown, shown
    assert "1236/10000" in shown and "10.0/s ETA 14:36" in shown and "2 failed" in shown


def test_the_workers_option_shows_its_default():
    result = CliRunner().invoke(app, ["batch", "--help"], env={"COLUMNS": "200"})
    assert f"default: all cores, {os.cpu_count()} here" in result.stdout


def test_a_lone_surrogate_in_a_jsonl_record_is_a_bad_record(tmp_path: Path):
    lines = tmp_path / "broken.jsonl"
    lines.write_bytes(b'{"id": "s1", "text": "Traitors \\ud800 lie"}\n')
    (item,) = read_inputs([lines])
    assert isinstance(item, BadRecord) and "unpaired surrogate" in item.reason
    assert "\n" not in item.reason
