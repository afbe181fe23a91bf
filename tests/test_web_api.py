"""The HTTP API and the pages through Starlette's TestClient: one app, one model worker.

The app runs the real shipped model in a worker process and keeps analyses in a SQLite file of
its own. With one worker and no queue, a second analysis at the same time gets 503 `busy`.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import test_ingest
from propwatch.cli.serve import bind
from propwatch.errors import PropwatchError
from propwatch.render.html import CSP as REPORT_CSP
from propwatch.render.json_output import render_json
from propwatch.schema import validate
from propwatch.store import models, open_store
from propwatch.techniques import TECHNIQUES
from propwatch.web import saved
from propwatch.web.api import MAX_JSON_BYTES, MAX_UPLOAD_BYTES
from propwatch.web.app import create_app
from propwatch.web.held import Held
from propwatch.web.pool import WorkerDied
from propwatch.web.settings import Settings
from test_ingest import NEWS_PAGE
from test_render import EXAMPLE, PAYLOADS, hand_analysis, hostile_analysis

ROOT = Path(__file__).resolve().parents[1]

ARTICLE = (
    "Traitors in the capital\n\n"
    "The corrupt elites who run this country are vile traitors who hate our great nation. "
    "Only a fool would believe their shameful lies, the senator said on Monday.\n\n"
    "Every true patriot knows the truth: we must stand together or lose everything we love."
)
JSON = {"content-type": "application/json"}
HOSTILE = (
    "Hostile <script>window.__xss=1</script> headline\n\n"
    'They are "><img src=x onerror="window.__xss=1"> vile traitors and liars. '
    "Click javascript:window.__xss=1 now, said ' onmouseover='window.__xss=1.\n"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    app = create_app(Settings(db_url=f"sqlite:///{db}", workers=1, queue=0))
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def posted(client: TestClient):
    response = client.post("/v1/analyze", json={"text": ARTICLE, "save": True})
    assert response.status_code == 200, response.text
    return response


def error_of(response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"code", "message"} and "\n" not in body["message"], body
    return response.status_code, body["code"]


# --- analyse, store, load ---------------------------------------------------------------------


def test_analyze_text_answers_the_schema_with_exact_offsets(posted):
    document = posted.json()
    validate(document)
    assert document["text"] == ARTICLE
    assert document["spans"], "the shipped model found nothing in a blatant text"
    for span in document["spans"]:
        assert ARTICLE[span["start"] : span["end"]] == span["text"]
    assert posted.headers["content-type"] == "application/json"


@pytest.mark.parametrize("clean", [True, False])
def test_clean_removes_pasted_page_leftovers_only_when_asked(client: TestClient, clean: bool):
    pasted = ARTICLE + "\r\n\r\nShare this:\r\nLeave a Reply\r\n"
    response = client.post("/v1/analyze", json={"text": pasted, "clean": clean, "save": False})
    assert response.status_code == 200
    text = response.json()["text"]
    assert text == (ARTICLE + "\n" if clean else pasted)
    assert ("Leave a Reply" in text) is not clean


def test_a_saved_analysis_comes_back_byte_for_byte(client: TestClient, posted):
    key = posted.headers["analysis-id"]
    assert saved.KEY.fullmatch(key)
    assert posted.headers["content-location"] == f"/v1/analyses/{key}"
    again = client.get(f"/v1/analyses/{key}")
    assert again.status_code == 200
    assert again.content == posted.content
    assert any(span["examples"] for span in posted.json()["spans"])  # evidence comes back too
    report = client.get(f"/v1/analyses/{key}/report")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert report.headers["content-security-policy"] == REPORT_CSP


def test_the_same_article_keeps_its_permalink(client: TestClient, posted):
    again = client.post("/v1/analyze", json={"text": ARTICLE, "save": True})
    assert again.headers["analysis-id"] == posted.headers["analysis-id"]
    assert again.content == posted.content


def stored_rows(client: TestClient) -> tuple[int, int]:
    """How many kept analyses and batch articles the app's store holds."""
    with client.app.state.web.store.session() as session:
        return (
            session.scalar(select(func.count()).select_from(models.KeptRow)) or 0,
            session.scalar(select(func.count()).select_from(models.ArticleRow)) or 0,
        )


@pytest.mark.parametrize("body", [{}, {"save": False}], ids=["by-default", "save-false"])
def test_nothing_is_stored_unless_asked(client: TestClient, body: dict):
    before = stored_rows(client)
    response = client.post("/v1/analyze", json={"text": ARTICLE + "\nOnce more.", **body})
    assert response.status_code == 200
    assert "analysis-id" not in response.headers and "content-location" not in response.headers
    upload = client.post("/v1/analyze/file", files={"file": ("a.txt", ARTICLE.encode())})
    assert upload.status_code == 200 and "analysis-id" not in upload.headers
    assert stored_rows(client) == before


def test_an_analysis_not_kept_has_a_page_that_opens_from_memory(client: TestClient):
    response = client.post("/v1/analyze", json={"text": HOSTILE})
    page = re.fullmatch(
        r'<(/r/[A-Za-z0-9_-]{20,})>; rel="alternate"; type="text/html"', (response.headers["link"])
    )
    assert page is not None
    first = client.get(page.group(1))
    assert first.status_code == 200 and "Not kept" in first.text
    assert first.headers["cache-control"] == "no-store"
    assert first.headers["content-security-policy"] == REPORT_CSP
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in first.text
    assert "<script>window.__xss=1</script>" not in first.text
    downloads = re.findall(r'href="data:application/json;base64,([^"]+)"', first.text)
    assert json.loads(base64.b64decode(downloads[0])) == response.json()
    again = client.get(page.group(1))  # a reload: the same report, still only in memory
    assert again.status_code == 200 and again.text == first.text
    assert "in memory for 10 minutes" in " ".join(first.text.split())
    gone = client.get("/r/" + "A" * 24)
    assert gone.status_code == 404 and "This report was not kept" in gone.text


def test_a_kept_analysis_can_be_deleted(client: TestClient):
    before = stored_rows(client)
    kept = client.post("/v1/analyze", json={"text": ARTICLE + "\nDelete me.", "save": True})
    key = kept.headers["analysis-id"]
    assert stored_rows(client)[0] == before[0] + 1
    deleted = client.delete(f"/v1/analyses/{key}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert stored_rows(client) == before  # the article, its analysis and its spans
    assert stored_rows(client)[1] == 0  # a kept draft is no batch article
    assert error_of(client.get(f"/v1/analyses/{key}")) == (404, "not_found")
    assert client.get(f"/a/{key}").status_code == 404
    assert error_of(client.delete(f"/v1/analyses/{key}")) == (404, "not_found")
    assert error_of(client.delete("/v1/analyses/" + "0" * 64)) == (404, "not_found")


@pytest.mark.parametrize(
    "make",
    [
        hand_analysis,
        hostile_analysis,
        lambda: replace(hand_analysis(), spans=(), attributions=(), title=None, url=None),
        lambda: hand_analysis("Ünïcödé 🙂 e\u0301 headline\n\nA cafe\u0301 of 🙂 traitors.", []),
    ],
    ids=["overlapping", "hostile", "no-spans", "unicode"],
)
def test_store_round_trip_is_exact(tmp_path: Path, make):
    analysis = make()
    store = open_store(f"sqlite:///{tmp_path / 'round.db'}")
    try:
        key = saved.save(store, analysis, title="Page title")
        assert saved.save(store, analysis) == key  # saving again is a no-op
        loaded = saved.load(store, key)
    finally:
        store.close()
    assert loaded is not None
    assert render_json(loaded) == render_json(analysis)


def test_round_trip_of_the_models_own_analysis(client: TestClient, posted):
    store = client.app.state.web.store
    loaded = saved.load(store, posted.headers["analysis-id"])
    assert loaded is not None
    assert render_json(loaded) == posted.text


def test_keys_depend_on_model_url_and_text():
    analysis = hand_analysis()
    keys = {
        saved.key_of(analysis),
        saved.key_of(replace(analysis, model="another-model")),
        saved.key_of(replace(analysis, url=None)),
        saved.key_of(replace(analysis, text=analysis.text + " ")),
    }
    assert len(keys) == 4 and all(saved.KEY.fullmatch(key) for key in keys)


def test_unknown_ids_are_not_found(client: TestClient):
    for analysis_id in ("A" * 20, "short", "../../etc/passwd", "0" * 64):
        response = client.get(f"/v1/analyses/{analysis_id}")
        assert error_of(response) == (404, "not_found")


def test_kept_drafts_stay_out_of_the_corpus_views(client: TestClient, posted):
    assert posted.headers["analysis-id"]  # a draft is kept in this store
    dashboard = client.get("/corpus")
    assert dashboard.status_code == 200 and "no analyses" in dashboard.text.lower()
    for number in (1, 2, 3):
        assert client.get(f"/corpus/articles/{number}").status_code == 404


@pytest.mark.parametrize("number", ["9223372036854775808", str(2**31), "0", "-1", "1e3"])
def test_article_numbers_out_of_range_are_refused_not_a_crash(client: TestClient, number: str):
    assert error_of(client.get(f"/corpus/articles/{number}")) == (422, "invalid_request")


def test_reading_and_deleting_a_kept_analysis_at_once_never_fails(client: TestClient):
    store = client.app.state.web.store
    paths = ["/v1/analyses/{key}", "/v1/analyses/{key}/report", "/a/{key}"] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        for round_ in range(30):
            key = saved.save(store, replace(hand_analysis(), url=f"https://example.org/{round_}"))
            gets = [pool.submit(client.get, path.format(key=key)) for path in paths]
            deleted = pool.submit(client.delete, f"/v1/analyses/{key}")
            statuses = {future.result().status_code for future in gets}
            assert statuses <= {200, 404} and deleted.result().status_code == 204, statuses


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "invalid_request"),
        ({"text": ARTICLE, "url": "https://example.org/"}, 422, "invalid_request"),
        ({"text": ARTICLE, "colour": "red"}, 422, "invalid_request"),
        ({"text": 42}, 422, "invalid_request"),
        ({"text": ""}, 422, "empty_text"),
        ({"text": " \n\t "}, 422, "empty_text"),
        ({"text": "\u200b\u200d\ufeff \u2060\u00ad\u200e"}, 422, "empty_text"),
        ({"text": "x" * 300_001}, 413, "too_large"),
        ({"url": "ftp://example.org/article.txt"}, 422, "bad_url"),
        ({"url": "https://exa mple.org/"}, 422, "bad_url"),
        ({"url": "http://127.0.0.1:9/article"}, 403, "private_address"),
        ({"url": "http://localhost/"}, 403, "private_address"),
        ({"url": "http://[::1]/"}, 403, "private_address"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, 403, "private_address"),
        ({"url": "http://10.0.0.1/"}, 403, "private_address"),
        ({"url": "http://[::ffff:127.0.0.1]/"}, 403, "private_address"),
        ({"text": "They are traitors.\x00 Hidden"}, 422, "unreadable"),
        ({"text": "Headline\n\n" + "x" * 200_000}, 422, "unreadable"),
    ],
)
def test_bad_requests_get_json_errors_with_stable_codes(client: TestClient, body, status, code):
    assert error_of(client.post("/v1/analyze", json=body)) == (status, code)


def test_refusals_read_as_english(client: TestClient):
    body = client.post("/v1/analyze", json={"url": "http://0.0.0.0/"}).json()
    assert "is an unspecified address" in body["message"]
    bare = client.post("/v1/analyze", content=b'{"text": "x"}', headers={"content-type": ""})
    assert "the request body came without a Content-Type;" in bare.json()["message"]


def test_lone_surrogates_are_refused(client: TestClient):
    body = b'{"text": "broken \\ud800 text"}'
    response = client.post("/v1/analyze", content=body, headers=JSON)
    assert error_of(response) == (422, "invalid_request")


def test_malformed_json_is_an_invalid_request(client: TestClient):
    response = client.post("/v1/analyze", content=b"{nope", headers=JSON)
    assert error_of(response) == (422, "invalid_request")
    assert "not valid JSON" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "headers", "said"),
    [
        (
            json.dumps({"text": ARTICLE}),
            {"content-type": "text/plain"},
            "Content-Type: application/json",
        ),
        ("[" * 100_000 + "]" * 100_000, JSON, "nested too deeply"),
        ('{"text": "Café"}'.encode("latin-1"), JSON, "not UTF-8"),
    ],
    ids=["text-plain", "deep", "latin-1"],
)
def test_bodies_the_api_cannot_read_are_told_the_true_reason(
    client: TestClient, body, headers: dict, said: str
):
    response = client.post("/v1/analyze", content=body, headers=headers)
    assert error_of(response) == (422, "invalid_request")
    assert said in response.json()["message"]


def test_nul_is_refused_in_api_text_as_in_a_file(client: TestClient):
    for response in (
        client.post("/v1/analyze", json={"text": "They are traitors.\x00\n"}),
        client.post("/v1/analyze/file", files={"file": ("a.txt", b"They are traitors.\x00\n")}),
    ):
        assert error_of(response) == (422, "unreadable")
        assert "binary" in response.json()["message"]


def test_a_run_without_spaces_is_never_highlighted(client: TestClient):
    run = "Zm9v" * 100  # 400 characters of base64, inside an article
    text = f"{ARTICLE}\n\nThe vile traitors left this {run} behind.\n\n{ARTICLE}\n"
    response = client.post("/v1/analyze", json={"text": text, "min_confidence": 0})
    assert response.status_code == 200
    start = text.index(run)
    spans = response.json()["spans"]
    assert spans and not [s for s in spans if s["start"] < start + len(run) and start < s["end"]]


def test_damaged_utf8_in_an_upload_stays_utf8_and_is_counted(client: TestClient):
    data = b"Caf\xc3\xa9 ok then \xff\xfe\xc3 broken bytes. The traitors destroy our nation.\n"
    response = client.post("/v1/analyze/file", files={"file": ("b.txt", data, "text/plain")})
    assert response.status_code == 200, response.text
    document = response.json()
    validate(document)
    assert document["text"].startswith("Café ok then \ufffd\ufffd\ufffd broken")
    assert document["decoding"] == {"encoding": "utf-8", "replaced_bytes": 3}
    kept = client.post("/v1/analyze/file", files={"file": ("b.txt", data)}, data={"save": "true"})
    key = kept.headers["analysis-id"]
    assert client.get(f"/v1/analyses/{key}").json()["decoding"]["replaced_bytes"] == 3
    assert "3 bytes of the file were not valid utf-8" in client.get(f"/a/{key}").text


def test_a_declared_body_over_the_limit_is_refused_unread(client: TestClient):
    body = b" " * (MAX_JSON_BYTES + 1)
    response = client.post("/v1/analyze", content=body, headers=JSON)
    assert error_of(response) == (413, "too_large")


def test_a_chunked_body_over_the_limit_is_refused(client: TestClient):
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_JSON_BYTES // 2**16 + 2):
            yield b" " * 2**16

    response = client.post("/v1/analyze", content=chunks(), headers=JSON)
    assert "content-length" not in response.request.headers
    assert error_of(response) == (413, "too_large")


def test_routes_without_a_body_take_only_a_small_one(client: TestClient):
    response = client.post("/healthz", content=b"x" * 100_000)
    assert error_of(response) == (413, "too_large")


def test_unknown_paths_and_methods(client: TestClient):
    assert error_of(client.get("/v2/analyze")) == (404, "not_found")
    assert error_of(client.delete("/v1/techniques")) == (405, "method_not_allowed")


def test_a_burst_beyond_the_queue_gets_503_with_retry_after(client: TestClient):
    pool = client.app.state.web.pool
    blocker = pool.submit(time.sleep, 2)  # the only worker, and no queue
    response = client.post("/v1/analyze", json={"text": ARTICLE})
    assert error_of(response) == (503, "busy")
    assert int(response.headers["retry-after"]) >= 1
    blocker.result(timeout=30)
    assert client.post("/v1/analyze", json={"text": ARTICLE}).status_code == 200


def test_a_worker_that_dies_is_replaced(client: TestClient):
    pool = client.app.state.web.pool
    with pytest.raises(WorkerDied):
        # On the app's own event loop: a Playwright test may hold this thread's loop.
        client.portal.call(pool.run, os._exit, 1)  # as if the kernel killed it for memory
    assert client.post("/v1/analyze", json={"text": ARTICLE}).status_code == 200


# --- uploads and URLs -------------------------------------------------------------------------

PAGE = NEWS_PAGE.encode()
TITLE = "Ministry accuses rivals of “betrayal” over border deal"
news_site = test_ingest.server  # its local web server: /article, /missing, /paper.pdf, ...


def test_upload_an_html_file(client: TestClient):
    response = client.post(
        "/v1/analyze/file", files={"file": ("../../article.html", PAGE, "text/html")}
    )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["title"] == TITLE
    assert "<p>" not in document["text"] and "cookies" not in document["text"]


def test_an_upload_over_a_megabyte_never_touches_the_disk(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # No temporary folder to spool to: an upload written to disk would fail (FileNotFoundError).
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "absent"))
    padding = b"<!-- " + b"padding " * 300_000 + b"-->"  # 2.4 MB of page around the article
    page = PAGE.replace(b"</body>", padding + b"</body>")
    files = {"file": ("big.html", page, "text/html")}
    response = client.post("/v1/analyze/file", files=files, data={"min_confidence": "0.5"})
    assert response.status_code == 200, response.text
    assert response.json()["title"] == TITLE and response.json()["min_confidence"] == 0.5


@pytest.mark.parametrize(
    ("data", "files", "where"),
    [
        ({"min_confidence": "2"}, {"file": ("a.txt", b"x")}, "min_confidence"),
        ({"save": "perhaps"}, {"file": ("a.txt", b"x")}, "save"),
        ({"file": "not a file"}, {"other": ("a.txt", b"x")}, "file"),
    ],
)
def test_upload_forms_are_checked_field_by_field(client: TestClient, data, files, where: str):
    response = client.post("/v1/analyze/file", data=data, files=files)
    assert error_of(response) == (422, "invalid_request")
    assert response.json()["message"].startswith(f"{where}: ")


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, 422, "unreadable"),
        ("empty.txt", b"", 422, "empty_text"),
        ("blank.txt", b"  \n\n ", 422, "empty_text"),
        ("huge.txt", b"a " * (MAX_UPLOAD_BYTES // 2 + 1), 413, "too_large"),
    ],
)
def test_bad_uploads(client: TestClient, name: str, data: bytes, status: int, code: str):
    response = client.post("/v1/analyze/file", files={"file": (name, data, "text/plain")})
    assert error_of(response) == (status, code)


def test_url_analysis_refuses_loopback_unless_allowed(
    client: TestClient, news_site: str, monkeypatch: pytest.MonkeyPatch
):
    url = f"{news_site}/article"
    assert error_of(client.post("/v1/analyze", json={"url": url})) == (403, "private_address")
    web = client.app.state.web
    monkeypatch.setattr(web, "settings", replace(web.settings, allow_private=True))
    response = client.post("/v1/analyze", json={"url": url, "save": True})
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["url"] == url and document["title"] == TITLE
    key = response.headers["analysis-id"]
    assert client.get(f"/v1/analyses/{key}").content == response.content


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/missing", 502, "fetch_failed"),
        ("/broken", 502, "fetch_failed"),
        ("/paper.pdf", 422, "unreadable"),
        ("/declared-big", 413, "too_large"),
    ],
)
def test_url_failures(
    client: TestClient, news_site: str, monkeypatch: pytest.MonkeyPatch, path, status, code
):
    web = client.app.state.web
    monkeypatch.setattr(web, "settings", replace(web.settings, allow_private=True))
    response = client.post("/v1/analyze", json={"url": news_site + path})
    assert error_of(response) == (status, code)


# --- the small endpoints ----------------------------------------------------------------------


def test_health(client: TestClient):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["model"] and health["workers"] == 1


def test_techniques(client: TestClient):
    listed = client.get("/v1/techniques").json()
    assert [t["id"] for t in listed] == [t.id for t in TECHNIQUES]
    assert all(t["definition"] and re.fullmatch(r"#[0-9A-F]{6}", t["color"]) for t in listed)


def test_openapi_describes_the_api_and_the_analysis_schema(client: TestClient):
    spec = client.get("/openapi.json").json()
    assert {"/v1/analyze", "/v1/analyze/file", "/v1/analyses/{analysis_id}", "/v1/techniques"} <= (
        set(spec["paths"])
    )
    schemas = spec["components"]["schemas"]
    assert schemas["Analysis"]["properties"]["spans"]["items"] == {
        "$ref": "#/components/schemas/Analysis_span"
    }
    assert "$defs" not in json.dumps(spec)
    upload = spec["paths"]["/v1/analyze/file"]["post"]["requestBody"]["content"]
    fields = upload["multipart/form-data"]["schema"]["properties"]
    assert fields["min_confidence"]["type"] == "number"  # a form field cannot be null
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text


def test_security_headers_everywhere(client: TestClient):
    for path in ("/", "/healthz", "/v1/techniques", "/static/app.js", "/nope"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "content-security-policy" in headers


# --- pages ------------------------------------------------------------------------------------


def test_start_page_offers_keeping_off_by_default_and_says_what_is_stored(client: TestClient):
    page = client.get("/").text
    assert re.search(r'<input type="checkbox" id="keep"(?![^>]*checked)', page)
    assert "Keep a shareable" in page and 'data-ask-token="false"' in page
    privacy = re.search(r'<p class="privacy[^"]*" id="privacy">(.*?)</p>', page, re.DOTALL)
    assert privacy is not None
    said = " ".join(privacy.group(1).split())
    assert said.startswith("Nothing you analyse is stored unless you tick")
    assert "until someone deletes it" in said


def test_start_page_has_labelled_controls_and_no_inline_script(client: TestClient):
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    for control in ("text", "url", "file"):
        assert re.search(rf"<label for=\"{control}\"", page), control
    assert '<script src="/static/app.js"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert all(technique.display_name in page for technique in TECHNIQUES)


def test_report_page_escapes_the_article(client: TestClient):
    response = client.post("/v1/analyze", json={"text": HOSTILE, "save": True})
    key = response.headers["analysis-id"]
    page = client.get(f"/a/{key}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == REPORT_CSP
    html = page.text
    for payload in (*PAYLOADS, "<script>window.__xss=1</script>", 'onerror="window.__xss=1"'):
        assert payload not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert not re.search(r"href=['\"]?\s*javascript:", html, re.IGNORECASE)
    assert f'href="/v1/analyses/{key}" download' in html  # the bar with the downloads
    assert html.count("<script") == 2  # the report's data block and its own script


def test_a_kept_analysis_can_be_deleted_from_its_page(client: TestClient):
    kept = client.post("/v1/analyze", json={"text": ARTICLE + "\nFrom the page.", "save": True})
    key = kept.headers["analysis-id"]
    assert f'href="/a/{key}/delete"' in client.get(f"/a/{key}").text
    asked = client.get(f"/a/{key}/delete")
    assert asked.status_code == 200 and f"action='/a/{key}/delete'" in asked.text
    assert "form-action 'self'" in asked.headers["content-security-policy"]
    other_site = client.post(f"/a/{key}/delete", headers={"Sec-Fetch-Site": "cross-site"})
    assert other_site.status_code == 403 and client.get(f"/a/{key}").status_code == 200
    done = client.post(f"/a/{key}/delete", headers={"Sec-Fetch-Site": "same-origin"})
    assert done.status_code == 200 and "gone from this server" in done.text
    assert client.get(f"/a/{key}").status_code == 404
    assert client.post(f"/a/{key}/delete").status_code == 404


def test_a_missing_permalink_is_a_404_page(client: TestClient):
    response = client.get("/a/AAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404 and "No analysis at this link" in response.text


# --- the command ------------------------------------------------------------------------------


def test_serve_refuses_a_port_in_use():
    taken = bind("127.0.0.1", 0)
    taken.listen()
    try:
        with pytest.raises(PropwatchError, match=r"cannot listen on 127\.0\.0\.1:.*--port"):
            bind("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()


# --- under load, on a real server -------------------------------------------------------------


@pytest.mark.slow
def test_300_requests_8_at_a_time_without_an_error(tmp_path: Path):
    """benchmarks/load.py against `propwatch serve` (2 workers, queue 16) on loopback."""
    article = tmp_path / "article.txt"
    article.write_text(EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.is_file() else ARTICLE)
    out = tmp_path / "load.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "load.py"), "--article", str(article)]
    command += ["--requests", "300", "--concurrency", "8", "--idle", "2", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(out.read_text())["load"]
    assert figures["statuses"] == {"200": 300} and figures["errors"] == 0
    assert figures["throughput_per_s"] > 0 and figures["latency_ms"]["p95"] > 0


def test_min_confidence_filters_spans_and_the_result_says_which_was_used(client: TestClient):
    loose = client.post("/v1/analyze", json={"text": ARTICLE, "min_confidence": 0, "save": False})
    strict = client.post(
        "/v1/analyze", json={"text": ARTICLE, "min_confidence": 0.3, "save": False}
    )
    assert loose.status_code == strict.status_code == 200
    assert loose.json()["min_confidence"] == 0 and strict.json()["min_confidence"] == 0.3
    assert all(span["confidence"] >= 0.3 for span in strict.json()["spans"])
    assert len(strict.json()["spans"]) < len(loose.json()["spans"])


def test_min_confidence_out_of_range_is_refused(client: TestClient):
    response = client.post("/v1/analyze", json={"text": ARTICLE, "min_confidence": 1.5})
    assert error_of(response)[0] == 422
    assert "min_confidence" in response.json()["message"]


def test_reports_not_kept_are_held_briefly_and_few_at_a_time():
    now = [0.0]
    held = Held(size=2, ttl=600.0, clock=lambda: now[0])
    first, second, third = (held.put(hand_analysis()) for _ in range(3))
    assert held.get(first) is None  # the oldest went when the third came
    assert held.get(second) is not None and held.get(second) is not None  # reloads work
    now[0] = 601.0
    assert held.get(second) is None and held.get(third) is None  # ten minutes at most


# --- a language the model never saw ---------------------------------------------------------------

SPANISH = (
    "El ministro dijo que la nueva ley protegerá a las familias de la subida de los precios. "
    "Sus críticos lo llaman un regalo vergonzoso a las élites corruptas que gobiernan el país."
)


def test_an_unmeasured_language_is_named_and_warned_of_in_json_store_and_report(
    client: TestClient,
):
    posted = client.post("/v1/analyze", json={"text": SPANISH, "save": True})
    assert posted.status_code == 200, posted.text
    document = posted.json()
    validate(document)
    warning = "propwatch has not measured its quality on Spanish text"
    assert (document["language"], document["warnings"]) == ("es", [warning])
    key = posted.headers["analysis-id"]
    assert client.get(f"/v1/analyses/{key}").content == posted.content
    assert warning in client.get(f"/v1/analyses/{key}/report").text
