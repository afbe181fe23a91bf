"""The corpus dashboard and its drill-down, served from the store `serve` points at, or written as
files: `/corpus` (the dashboard of each language's latest model), `/corpus/articles/{id}` (an
article's full report, the same page as `propwatch analyze --format html`), `/corpus/plotly.js`
(Plotly's script, loaded once and cached, instead of inlined in every page)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from propwatch.errors import BadInput
from propwatch.render.dashboard import plotly_script, policy, render_dashboard, served_links
from propwatch.render.html import CSP as REPORT_CSP
from propwatch.render.html import render_html
from propwatch.render.templating import render_template
from propwatch.statistics.stats import Counted
from propwatch.statistics.summary import corpus_stats
from propwatch.store.database import Store
from propwatch.store.models import AnalysisRow, SpanRow
from propwatch.web.saved import rebuild
from propwatch.web.state import Web, current

MAX_ARTICLE_ID = 2**31 - 1  # the store's integer keys (PostgreSQL's INTEGER)
router = APIRouter(include_in_schema=False)


FolderOf = Callable[[str], FilePath | None]  # a model's name -> its folder (None: shipped)


def report_html(
    store: Store, article_id: int, model: str | None = None, folder_of: FolderOf = lambda _: None
) -> str | None:
    """The full report of a stored article's analysis (by `model`, else its latest), or None;
    it may quote the typical figures of its model's folder (`folder_of`)."""
    query = select(AnalysisRow).where(AnalysisRow.article_id == article_id)
    if model is not None:
        query = query.where(AnalysisRow.model == model)
    with store.session() as session:
        row = session.scalar(query.order_by(AnalysisRow.id.desc()).limit(1))
        if row is None:
            return None
        spans = session.scalars(
            select(SpanRow).where(SpanRow.analysis_id == row.id).order_by(SpanRow.id)
        )
        analysis = rebuild(row.article.text, row.details, list(spans))
        return render_html(analysis, model_folder=folder_of(row.model))


def write_reports(
    store: Store, counted: Counted, folder: FilePath, model_folder: FilePath | None = None
) -> int:
    """The report of every counted analysis as `folder/<article id>.html`, quoting the typical
    figures of `model_folder` (None: the shipped model) where it made them; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    query = select(AnalysisRow.article_id, AnalysisRow.model).join(AnalysisRow.article)
    with store.session() as session:
        articles = session.execute(query.where(counted.where())).all()
    for article, model in articles:
        page = report_html(store, article, model, lambda _: model_folder)
        assert page is not None  # listed just above
        (folder / f"{article}.html").write_text(page, encoding="utf-8")
    return len(articles)


@router.get("/corpus", response_class=HTMLResponse)
async def dashboard(web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    def page() -> str:
        return render_dashboard(web.store, corpus_stats(web.store), served_links())

    try:
        body = await run_in_threadpool(page)
    except BadInput as error:  # an empty store
        body = render_template("propwatch.web", "empty_corpus.html", reason=str(error))
    # Plotly's figures are inline scripts: they run by hash, and nothing else inline does.
    csp = f"{policy(body)}; frame-ancestors 'none'"
    return HTMLResponse(body, headers={"Content-Security-Policy": csp})


@cache
def _plotly() -> str:
    return plotly_script()


@router.get("/corpus/plotly.js")
async def plotly_file() -> Response:
    return Response(
        _plotly(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/corpus/articles/{article_id}", response_class=HTMLResponse)
async def article_report(
    article_id: Annotated[int, Path(ge=1, le=MAX_ARTICLE_ID)], web: Annotated[Web, Depends(current)]
) -> HTMLResponse:
    folder_of = web.settings.model_folder
    page = await run_in_threadpool(report_html, web.store, article_id, None, folder_of)
    if page is None:
        body = render_template("propwatch.web", "no_article.html", article_id=article_id)
        return HTMLResponse(body, status_code=404)
    return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_CSP})
