"""The corpus dashboard as `propwatch serve` shows it: only batch runs, a policy that lets only
the page's own scripts run, and a link from the start page and the start-up message.

The store is test_stats' small corpus of batch articles (no model needed to fill it).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from propwatch.render.dashboard import render_dashboard, static_links
from propwatch.statistics.summary import corpus_stats
from propwatch.store import open_store
from propwatch.web import reports, saved
from propwatch.web.local import free_port, local_server
from propwatch.web.settings import Settings
from test_render import hand_analysis
from test_stats import ARTICLES, fill

SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.DOTALL)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store of batch articles, and a draft kept through the web beside them."""
    url = f"sqlite:///{tmp_path / 'corpus.db'}"
    store = open_store(url)
    fill(store)
    saved.save(store, hand_analysis())
    store.close()
    return url


def inline_hashes(page: str) -> set[str]:
    return {
        f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
        for attributes, code in SCRIPT.findall(page)
        if "src=" not in attributes and "application/json" not in attributes
    }


def script_sources(policy: str) -> list[str]:
    (directive,) = [d for d in policy.split(";") if d.strip().startswith("script-src")]
    return directive.split()[1:]


def test_the_served_dashboard_runs_only_its_own_scripts(db: str):
    app = FastAPI()
    app.include_router(reports.router)
    store = open_store(db)
    # what the routes use of the running app
    app.state.web = SimpleNamespace(store=store, settings=Settings())
    page = TestClient(app).get("/corpus")
    store.close()
    sources = script_sources(page.headers["content-security-policy"])
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    hashes = inline_hashes(page.text)
    assert len(hashes) >= 7 and set(sources) == {"'self'", *hashes}  # the charts and the page's


def fetched(store_url: str, path: str) -> tuple[int, str]:
    app = FastAPI()
    app.include_router(reports.router)
    store = open_store(store_url)
    app.state.web = SimpleNamespace(store=store, settings=Settings())
    response = TestClient(app).get(path)
    store.close()
    return response.status_code, response.text


def test_an_empty_corpus_and_a_missing_article_get_a_page_that_says_so(tmp_path: Path):
    status, page = fetched(f"sqlite:///{tmp_path / 'empty.db'}", "/corpus")
    assert status == 200 and "<h1>No corpus to show yet</h1>" in page
    assert "propwatch batch" in page  # the store's own advice on what to run
    status, page = fetched(f"sqlite:///{tmp_path / 'empty.db'}", "/corpus/articles/7")
    assert status == 404 and "holds no article numbered 7" in page


def test_the_dashboard_file_carries_its_policy(db: str):
    store = open_store(db)
    page = render_dashboard(store, corpus_stats(store), static_links(None))
    store.close()
    policy = re.search(r'<meta http-equiv=Content-Security-Policy content="([^"]+)">', page)
    assert policy is not None and page.index(policy.group(0)) < page.index("<script")
    sources = script_sources(html.unescape(policy.group(1)))  # as the browser reads it
    assert set(sources) == {"'self'", *inline_hashes(page)}


def test_a_kept_draft_is_not_in_the_corpus(db: str):
    store = open_store(db)
    stats = corpus_stats(store)
    store.close()
    assert sum(group.articles for group in stats.outlets) == len(ARTICLES)  # batch runs only


def test_the_start_up_message_says_what_is_kept_and_where_the_corpus_is(db: str):
    command = [sys.executable, "-c", "from propwatch.cli import main; main()", "serve"]
    port = str(free_port())
    with subprocess.Popen(
        [*command, "--db", db, "--port", port], stderr=subprocess.PIPE, text=True
    ) as server:
        assert server.stderr is not None
        lines = [server.stderr.readline(), server.stderr.readline()]
        server.terminate()
    assert "nothing is stored unless asked, kept analyses go to sqlite:///" in lines[0]
    corpus = f"dashboard of its {len(ARTICLES)} batch articles is at http://127.0.0.1:{port}/corpus"
    assert corpus in lines[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.db'}"
    store = open_store(url)
    fill(store)
    store.close()
    with local_server("--db", url, "--workers", "1") as base:
        yield base


@pytest.mark.slow
def test_the_page_links_the_corpus_and_its_charts_draw_under_the_policy(served: str, browser):
    problems: list[str] = []
    page = browser.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(served + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Corpus").click()
    # every chart drawn (a locator: wait_for_function would eval, which the page's CSP forbids)
    page.locator(".plotly-graph-div .main-svg").nth(6).wait_for()
    page.close()
    assert problems == []  # a script the policy refused would be a console error
