"""The pages for people: the start page (`/`), a kept analysis' report (`/a/{id}`) and the
report of one that was not kept (`/r/{ticket}`, for ten minutes, from memory).

An analysis is shown as the HTML report itself (`propwatch.render.html`, the same page the CLI
writes), with a bar on top: a new analysis, then the permalink and the downloads for a kept one;
for one not kept, a note saying so and the downloads as data: links (nothing to fetch again). The
report's Content-Security-Policy stays in force: only its own script runs, whatever the article
holds.
"""

from __future__ import annotations

import base64
import html
import re
from functools import cache
from importlib.resources import files
from string import Template
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from propwatch.analysis import Analysis
from propwatch.article import MAX_ARTICLE_CHARS
from propwatch.ingest import sources
from propwatch.render.html import CSP as REPORT_CSP
from propwatch.render.html import SHORT_LABELS, render_html, technique_css
from propwatch.render.json_output import render_json
from propwatch.techniques import TECHNIQUES
from propwatch.version import __version__
from propwatch.web import saved
from propwatch.web.auth import authorised
from propwatch.web.held import TTL_SECONDS
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
def index_page(model: str, keep_days: int | None, ask_token: bool, corpus: bool) -> str:
    techniques = "".join(
        f"<li><span class='chip t-{t.id}'>{_e(SHORT_LABELS.get(t.id, t.display_name))}</span>"
        f"<h3>{_e(t.display_name)}</h3><p>{_e(t.definition)}</p></li>"
        for t in TECHNIQUES
    )
    return Template(_asset("templates", "index.html")).substitute(
        technique_css=technique_css(),
        techniques=techniques,
        sample=_e(sample_article()),
        max_chars=f"{MAX_ARTICLE_CHARS:,}",
        max_chars_raw=MAX_ARTICLE_CHARS,
        max_bytes=sources.MAX_BYTES,
        max_mb=f"{sources.MAX_BYTES / 2**20:g}",
        version=_e(__version__),
        model=_e(model),
        keep_days=_e(kept_for(keep_days)),
        held_for=held_for(),
        corpus_link="<a href='/corpus'>Corpus</a>" if corpus else "",
        ask_token="true" if ask_token else "false",
    )


def held_for() -> str:
    """How long a report not kept can be opened, as the pages say it."""
    return f"{TTL_SECONDS / 60:g} minutes"


def kept_for(keep_days: int | None) -> str:
    """How long this server keeps what people ask it to keep, as the pages say it."""
    if keep_days is None:
        return "until someone deletes it"
    return f"for {keep_days} day{'s' if keep_days != 1 else ''}, or until someone deletes it"


def sample_article() -> str:
    """A made-up article built from the techniques' examples, for trying the page out."""
    body = "\n\n".join(t.example for t in TECHNIQUES)
    return f"Sample: fourteen ways to sway a reader\n\n{body}\n"


def kept_bar(key: str, permalink: str, keep_days: int | None, analysis: Analysis) -> str:
    """The bar of a kept analysis: permalink, how long it is kept, downloads."""
    return Template(_asset("templates", "appbar.html")).substitute(
        key=_e(key),
        permalink=_e(permalink),
        kept=_e(kept_for(keep_days)),
        note=decoding_note(analysis),
    )


def held_bar(analysis: Analysis, report: str) -> str:
    """The bar of an analysis not kept: says so; the downloads carry their content."""
    return Template(_asset("templates", "heldbar.html")).substitute(
        held_for=held_for(),
        json=base64.b64encode(render_json(analysis).encode()).decode("ascii"),
        report=base64.b64encode(report.encode()).decode("ascii"),
        note=decoding_note(analysis),
    )


def decoding_note(analysis: Analysis) -> str:
    """A line in the bar when bytes of the file or page could not be read."""
    decoding = analysis.decoding
    if decoding is None or not decoding.replaced_bytes:
        return ""
    count = f"{decoding.replaced_bytes:,} byte{'s' if decoding.replaced_bytes != 1 else ''}"
    return (
        f"<p class='pw-note' role='note'>{count} of the file were not valid "
        f"{_e(decoding.encoding)} and show as \ufffd.</p>"
    )


def report_page(document: str, bar: str) -> str:
    """The report with the bar for the web app put in after the skip link."""
    style = f"<style>{_asset('static', 'appbar.css')}</style></head>"
    document = document.replace("</head>", style, 1)
    body = _BODY.search(document)
    if body is None:
        raise RuntimeError("the HTML report has no <body>: the bar has nowhere to go")
    return document[: body.end()] + bar + document[body.end() :]


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    token = web.settings.token
    ask_token = token is not None and not authorised(request, token)
    corpus = await run_in_threadpool(web.store.article_count) > 0
    page = index_page(web.pool.model, web.settings.keep_days, ask_token, corpus)
    return HTMLResponse(page, headers={"Content-Security-Policy": INDEX_CSP})


@router.get("/a/{key}", response_class=HTMLResponse)
async def stored_report(
    key: str, request: Request, web: Annotated[Web, Depends(current)]
) -> HTMLResponse:
    analysis = await run_in_threadpool(saved.load, web.store, key)
    if analysis is None:
        return HTMLResponse(
            missing_page(key), status_code=404, headers={"Content-Security-Policy": INDEX_CSP}
        )
    bar = kept_bar(key, f"{request.base_url}a/{key}", web.settings.keep_days, analysis)
    page = report_page(render_html(analysis), bar)
    return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/a/{key}/delete", response_class=HTMLResponse)
async def confirm_delete(key: str) -> HTMLResponse:
    """A page that asks before deleting (the report's own policy allows no form)."""
    return HTMLResponse(
        page("Delete this analysis?", DELETE_FORM.format(key=_e(key))),
        headers={"Content-Security-Policy": INDEX_CSP},
    )


@router.post("/a/{key}/delete", response_class=HTMLResponse)
async def delete(key: str, request: Request, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    # Only from this server's own page: another site's form must not delete (the browser says).
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        body = "<p class='lead'>Delete from this server's own page.</p>"
        return HTMLResponse(
            page("Not deleted", body),
            status_code=403,
            headers={"Content-Security-Policy": INDEX_CSP},
        )
    if not await run_in_threadpool(saved.delete, web.store, key):
        return HTMLResponse(
            missing_page(key), status_code=404, headers={"Content-Security-Policy": INDEX_CSP}
        )
    body = (
        "<p class='lead'>The article and its analysis are gone from this server; the link no "
        "longer opens.</p><p><a href='/'>Start a new analysis</a></p>"
    )
    return HTMLResponse(page("Deleted", body), headers={"Content-Security-Policy": INDEX_CSP})


@router.get("/r/{ticket}", response_class=HTMLResponse)
async def held_report(ticket: str, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    analysis = web.held.get(ticket)
    if analysis is None:
        return HTMLResponse(
            gone_page(), status_code=404, headers={"Content-Security-Policy": INDEX_CSP}
        )
    report = render_html(analysis)
    page = report_page(report, held_bar(analysis, report))
    # Not kept: the browser may not keep it either (no cache, no back-forward copy on disk).
    headers = {"Content-Security-Policy": REPORT_CSP, "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)


DELETE_FORM = (
    "<p class='lead'>This deletes the article and its analysis from this server for everyone: "
    "the permalink stops working.</p><form method='post' action='/a/{key}/delete'>"
    "<button type='submit' class='primary'>Delete</button> <a href='/a/{key}'>Keep it</a></form>"
)


def page(title: str, body: str) -> str:
    """A small page in the start page's style."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)} — propwatch</title>"
        "<link rel='stylesheet' href='/static/app.css'></head><body><main class='hero'>"
        f"<h1>{_e(title)}</h1>{body}</main></body></html>"
    )


def gone_page() -> str:
    return page(
        "This report was not kept",
        f"<p class='lead'>A report that you did not ask to keep is held in this server's memory "
        f"for {held_for()} and is then forgotten: nothing of it is stored. Analyse the article "
        "again, and tick <q>Keep a shareable link</q> for a link that lasts.</p>"
        "<p><a href='/'>Start a new analysis</a></p>",
    )


def missing_page(key: str) -> str:
    return page(
        "No analysis at this link",
        f"<p class='lead'>Nothing is stored under <code>{_e(key[:40])}</code> on this server. "
        "The link may be mistyped, the analysis deleted, or made on another server.</p>"
        "<p><a href='/'>Start a new analysis</a></p>",
    )
