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
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from propwatch.analysis import Analysis
from propwatch.article import MAX_ARTICLE_CHARS
from propwatch.ingest import sources
from propwatch.render.html import CSP as REPORT_CSP
from propwatch.render.html import SHORT_LABELS, Bar, render_html, technique_css
from propwatch.render.json_output import render_json
from propwatch.render.templating import render_template
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
router = APIRouter(include_in_schema=False)


def _page(name: str, **context: object) -> str:
    """One of this app's templates (`web/templates/`), filled in."""
    return render_template("propwatch.web", name, **context)


@cache
def _appbar_css() -> Markup:
    return Markup(files("propwatch.web").joinpath("static", "appbar.css").read_text("utf-8"))


@cache
def index_page(model: str, keep_days: int | None, ask_token: bool, corpus: bool) -> str:
    return _page(
        "index.html",
        technique_css=Markup(technique_css()),
        techniques=TECHNIQUES,
        short_labels=SHORT_LABELS,
        sample=sample_article(),
        max_chars=f"{MAX_ARTICLE_CHARS:,}",
        max_chars_raw=MAX_ARTICLE_CHARS,
        max_bytes=sources.MAX_BYTES,
        max_mb=f"{sources.MAX_BYTES / 2**20:g}",
        version=__version__,
        model=model,
        keep_days=kept_for(keep_days),
        held_for=held_for(),
        corpus=corpus,
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


def kept_page(
    analysis: Analysis, key: str, permalink: str, keep_days: int | None, model: Path | None
) -> str:
    """The report of a kept analysis, with a bar: permalink, how long it is kept, downloads;
    `model` is the served model's folder (None: the shipped model)."""
    bar = _page(
        "appbar.html",
        key=key,
        permalink=permalink,
        kept=kept_for(keep_days),
        decoding=analysis.decoding,
    )
    return render_html(analysis, Bar(Markup(bar), _appbar_css()), model)


def held_page(analysis: Analysis, model: Path | None) -> str:
    """The report of an analysis not kept, with a bar that says so; the downloads carry their
    content (the report without the bar). `model` as for `kept_page`."""
    bar = _page(
        "heldbar.html",
        held_for=held_for(),
        json=_base64(render_json(analysis)),
        report=_base64(render_html(analysis, model_folder=model)),
        decoding=analysis.decoding,
    )
    return render_html(analysis, Bar(Markup(bar), _appbar_css()), model)


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    token = web.settings.token
    ask_token = token is not None and not authorised(request, token)
    corpus = await run_in_threadpool(web.store.article_count) > 0
    models = web.settings.models  # several: say which analyses which language
    model = models.describe() if models and len(models.folders) > 1 else web.pool.model
    page = index_page(model, web.settings.keep_days, ask_token, corpus)
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
    permalink = f"{request.base_url}a/{key}"
    folder = web.settings.model_folder(analysis.model)
    page = kept_page(analysis, key, permalink, web.settings.keep_days, folder)
    return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/a/{key}/delete", response_class=HTMLResponse)
async def confirm_delete(key: str) -> HTMLResponse:
    """A page that asks before deleting (the report's own policy allows no form)."""
    return HTMLResponse(
        _page("delete.html", key=key),
        headers={"Content-Security-Policy": INDEX_CSP},
    )


@router.post("/a/{key}/delete", response_class=HTMLResponse)
async def delete(key: str, request: Request, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    # Only from this server's own page: another site's form must not delete (the browser says).
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return HTMLResponse(
            _page("not_deleted.html"),
            status_code=403,
            headers={"Content-Security-Policy": INDEX_CSP},
        )
    if not await run_in_threadpool(saved.delete, web.store, key):
        return HTMLResponse(
            missing_page(key), status_code=404, headers={"Content-Security-Policy": INDEX_CSP}
        )
    return HTMLResponse(_page("deleted.html"), headers={"Content-Security-Policy": INDEX_CSP})


@router.get("/r/{ticket}", response_class=HTMLResponse)
async def held_report(ticket: str, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    analysis = web.held.get(ticket)
    if analysis is None:
        return HTMLResponse(
            gone_page(), status_code=404, headers={"Content-Security-Policy": INDEX_CSP}
        )
    page = held_page(analysis, web.settings.model_folder(analysis.model))
    # Not kept: the browser may not keep it either (no cache, no back-forward copy on disk).
    headers = {"Content-Security-Policy": REPORT_CSP, "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)


def gone_page() -> str:
    return _page("gone.html", held_for=held_for())


def missing_page(key: str) -> str:
    return _page("missing.html", key=key)
