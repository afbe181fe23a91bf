"""The pages for people: the start page (`/`) and a stored analysis' report (`/a/{id}`).

A stored analysis is shown as the HTML report itself (`propwatch.render.html`, the same page the
CLI writes), with a bar on top for a new analysis, the permalink and the downloads. The report's
Content-Security-Policy stays in force: only its own script runs, whatever the article holds.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib.resources import files
from string import Template
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from propwatch.article import MAX_ARTICLE_CHARS
from propwatch.ingest import sources
from propwatch.render.html import CSP as REPORT_CSP
from propwatch.render.html import SHORT_LABELS, render_html
from propwatch.techniques import TECHNIQUES
from propwatch.version import __version__
from propwatch.web import saved
from propwatch.web.state import Web, current

INDEX_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_BODY = re.compile(r"<body[^>]*>(?:<a class='skip'[^<]*</a>)?")

router = APIRouter(include_in_schema=False)


@cache
def _asset(folder: str, name: str) -> str:
    return files("propwatch.web").joinpath(folder, name).read_text(encoding="utf-8")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


@cache
def index_page(model: str) -> str:
    techniques = "".join(
        f"<li><span class='chip t-{t.id}'>{_e(SHORT_LABELS.get(t.id, t.display_name))}</span>"
        f"<h3>{_e(t.display_name)}</h3><p>{_e(t.definition)}</p></li>"
        for t in TECHNIQUES
    )
    return Template(_asset("templates", "index.html")).substitute(
        technique_css="".join(f".t-{t.id}{{background-color:{t.color}}}" for t in TECHNIQUES),
        techniques=techniques,
        sample=_e(sample_article()),
        max_chars=f"{MAX_ARTICLE_CHARS:,}",
        max_chars_raw=MAX_ARTICLE_CHARS,
        max_bytes=sources.MAX_BYTES,
        max_mb=f"{sources.MAX_BYTES / 2**20:g}",
        version=_e(__version__),
        model=_e(model),
    )


def sample_article() -> str:
    """A made-up article built from the techniques' examples, for trying the page out."""
    body = "\n\n".join(t.example for t in TECHNIQUES)
    return f"Sample: fourteen ways to sway a reader\n\n{body}\n"


def report_page(document: str, key: str, permalink: str) -> str:
    """The report with the bar for the web app put in after the skip link."""
    bar = Template(_asset("templates", "appbar.html")).substitute(
        key=_e(key), permalink=_e(permalink)
    )
    style = f"<style>{_asset('static', 'appbar.css')}</style></head>"
    document = document.replace("</head>", style, 1)
    body = _BODY.search(document)
    if body is None:
        raise RuntimeError("the HTML report has no <body>: the bar has nowhere to go")
    return document[: body.end()] + bar + document[body.end() :]


@router.get("/", response_class=HTMLResponse)
async def index(web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    return HTMLResponse(index_page(web.pool.model), headers={"Content-Security-Policy": INDEX_CSP})


@router.get("/a/{key}", response_class=HTMLResponse)
async def stored_report(
    key: str, request: Request, web: Annotated[Web, Depends(current)]
) -> HTMLResponse:
    analysis = await run_in_threadpool(saved.load, web.store, key)
    if analysis is None:
        return HTMLResponse(
            missing_page(key), status_code=404, headers={"Content-Security-Policy": INDEX_CSP}
        )
    page = report_page(render_html(analysis), key, f"{request.base_url}a/{key}")
    return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_CSP})


def missing_page(key: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>No such analysis — propwatch</title>"
        "<link rel='stylesheet' href='/static/app.css'></head><body><main class='hero'>"
        "<h1>No analysis at this link</h1>"
        f"<p class='lead'>Nothing is stored under <code>{_e(key[:40])}</code> on this server. "
        "The link may be mistyped, or the analysis was made on another server.</p>"
        "<p><a href='/'>Start a new analysis</a></p></main></body></html>"
    )
