"""The same article body gives the same highlights, however it is laid out and however it comes.

Line ends, leading and trailing whitespace and a trailer the boilerplate stage removes change
nothing the model reads (model/view.py); offsets still point into the text as given.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propwatch import analyze
from propwatch.model.artifact import shipped_detector
from propwatch.model.decode import cuts_any_quotation, inside_word
from propwatch.pipeline import shipped_pipeline
from propwatch.record import ArticleMeta, Record
from propwatch.web.app import create_app
from propwatch.web.settings import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "syria-at-tanf.txt"
DEV = SHARED / "data" / "ptc" / "dev" / "dev-articles"
DEV_ARTICLES = ("article730081389.txt", "article730093263.txt", "article730246508.txt")
TRAILERS = ("", "\n\nLeave a Reply", "\n\nShare this:\nTwitter\nFacebook\n\nLeave a Reply\n")

pytestmark = pytest.mark.skipif(not EXAMPLE.is_file(), reason="../shared is not beside the repo")

CLI = "from propwatch.cli import main; main()"
Highlight = tuple[str, str, float]


def bodies() -> list[str]:
    texts = [(DEV / name).read_text(encoding="utf-8") for name in DEV_ARTICLES if DEV.is_dir()]
    example = EXAMPLE.read_text(encoding="utf-8")
    return [text.strip() for text in [example[: example.index("Leave a Reply")], *texts]]


def highlights(text: str) -> list[Highlight]:
    spans = shipped_detector().detect(text).spans
    return [(text[s.start : s.end], s.technique, round(s.confidence, 6)) for s in spans]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.sampled_from(bodies()),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    lead=st.sampled_from(["", "\n", " \n\n"]),
    tail=st.sampled_from(["", "\n", "\n\n", " \n"]),
    trailer=st.sampled_from(TRAILERS),
)
def test_the_layout_of_a_body_changes_no_highlight(
    body: str, line_end: str, lead: str, tail: str, trailer: str
):
    laid_out = (lead + body + trailer + tail).replace("\n", line_end)
    assert highlights(laid_out) == highlights(body)


def spans_of(document: dict[str, Any]) -> list[Highlight]:
    return [(s["text"], s["technique"], round(s["confidence"], 6)) for s in document["spans"]]


def python_spans(text: str) -> list[Highlight]:
    return [(s.text, s.technique, round(s.confidence, 6)) for s in analyze(text).spans]


@pytest.fixture(scope="module")
def example_url() -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(EXAMPLE.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/{EXAMPLE.name}"
    server.shutdown()


def test_every_entry_point_gives_the_example_the_same_highlights(tmp_path: Path, example_url: str):
    raw = EXAMPLE.read_bytes()
    expected = python_spans(raw.decode("utf-8"))
    assert expected
    meta = ArticleMeta("hash", "example", str(EXAMPLE))
    batch = [
        Record(meta, "text", raw.decode("utf-8")),
        Record(meta, "file", raw, "text/plain"),
    ]
    for record in batch:
        got = shipped_pipeline().analyse_record(record).analysis
        assert [(s.text, s.technique, round(s.confidence, 6)) for s in got.spans] == expected
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(raw.replace(b"\n", b"\r\n"))
    for path in (EXAMPLE, crlf):
        cli = subprocess.run(
            [sys.executable, "-c", CLI, "analyze", str(path), "--format", "json"],
            capture_output=True,
            check=True,
        )
        assert spans_of(json.loads(cli.stdout)) == expected
    db = tmp_path / "web.db"
    app = create_app(Settings(db_url=f"sqlite:///{db}", workers=1, queue=0, allow_private=True))
    with TestClient(app) as client:
        for body in ({"text": raw.decode()}, {"text": raw.decode(), "clean": True}):
            assert spans_of(client.post("/v1/analyze", json=body).json()) == expected
        assert spans_of(client.post("/v1/analyze", json={"url": example_url}).json()) == expected
        upload = client.post("/v1/analyze/file", files={"file": ("a.txt", raw, "text/plain")})
        assert spans_of(upload.json()) == expected


@pytest.mark.parametrize("name", ["article787966255.txt", "article788271400.txt"])
def test_the_products_highlights_cut_no_word_and_no_quotation(name: str):
    """Phrase completion (pipeline) once ended spans on man of man's."""
    text = (DEV / name).read_text(encoding="utf-8")
    spans = analyze(text).spans
    assert spans
    for span in spans:
        assert not inside_word(text, span.start) and not inside_word(text, span.end), span.text
        assert not cuts_any_quotation(text, span.start, span.end), span.text
