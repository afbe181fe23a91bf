"""The same text rules on every way in: `propwatch analyze` of a file, batch records, `analyze()`.

Damaged UTF-8 stays UTF-8 and is reported (on stderr and in the Analysis); NUL is refused in a
batch text record as in a file; data that is not prose gets a refusal or no span, never a
highlight over it. (The HTTP API's side is in test_web_api.py.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from propwatch import analyze
from propwatch.errors import Unreadable
from propwatch.ingest import Decoding
from propwatch.pipeline import shipped_pipeline
from propwatch.record import ArticleMeta, Record
from propwatch.schema import validate
from test_ingest import DAMAGED

START = "from propwatch.cli import main; main()"


def test_analyze_reports_replaced_bytes_on_stderr_and_in_the_json(tmp_path: Path):
    path = tmp_path / "b.txt"
    path.write_bytes(DAMAGED)
    done = subprocess.run(
        [sys.executable, "-c", START, "analyze", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    validate(document)
    assert document["text"].startswith("Café ok then \ufffd\ufffd\ufffd broken bytes.")
    assert document["decoding"] == {"encoding": "utf-8", "replaced_bytes": 3}
    for span in document["spans"]:
        assert document["text"][span["start"] : span["end"]] == span["text"]
    warning = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warning == [
        f"warning: {path}: 3 byte(s) are not valid utf-8 and show as U+FFFD (\ufffd) in the "
        "analysed text"
    ]


def record(kind: str, content: str | bytes) -> Record:
    return Record(ArticleMeta("h" * 64, "r1", "in.jsonl:1"), kind, content)  # type: ignore[arg-type]


def test_batch_records_follow_the_same_rules():
    pipeline = shipped_pipeline()
    analysed = pipeline.analyse_record(record("file", DAMAGED))
    assert analysed.analysis.decoding == Decoding("utf-8", 3)
    assert analysed.analysis.text.startswith("Café ok then \ufffd\ufffd\ufffd")
    with pytest.raises(Unreadable, match="NUL"):
        pipeline.analyse_record(record("text", "They are traitors.\x00\n"))
    with pytest.raises(Unreadable, match="not prose"):
        pipeline.analyse_record(record("text", "Headline\n\n" + "x" * 200_000))


def test_analyze_never_highlights_data():
    run = "x" * 20_000
    assert analyze(run, min_confidence=0).spans == ()
    text = "They are vile traitors who hate our nation. Read " + "Zm9v" * 50 + " now.\n"
    spans = analyze(text, min_confidence=0).spans
    start = text.index("Zm9v")
    assert all(span.end <= start for span in spans)
