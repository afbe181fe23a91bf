"""The FastAPI app: `create_app(settings)` wires the API, the pages, the store and the pool."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from propwatch.schema import load_schema
from propwatch.store import Store, open_store
from propwatch.version import __version__
from propwatch.web import api, errors, pages, reports, saved
from propwatch.web.auth import TokenAuth
from propwatch.web.cors import allow_extensions
from propwatch.web.held import Held
from propwatch.web.limits import RateLimit
from propwatch.web.middleware import BodyLimit, SecurityHeaders
from propwatch.web.pool import InferencePool
from propwatch.web.settings import Settings
from propwatch.web.state import Web

log = logging.getLogger("propwatch.web")

DESCRIPTION = """
Find propaganda and persuasion techniques in news articles.

`POST /v1/analyze` takes `{"text": ...}` or `{"url": ...}` and answers with the analysis in the
versioned JSON schema of `propwatch analyze --format json`: every span with its character
offsets, technique, confidence and voice; a score per sentence; sections; a summary.
Nothing is stored unless asked (`"save": true`); kept analyses are at `GET /v1/analyses/{id}`
and, for people, at `/a/{id}`, until `DELETE /v1/analyses/{id}` (or the server's `--keep-days`).

When the server has an access token, every call under /v1 carries `Authorization: Bearer TOKEN`.
Errors are JSON `{"code": ..., "message": ...}` with a stable `code`. When every model worker is
busy and the queue is full the answer is 503 `busy`, past a client's rate limit 429
`rate_limited`, both with `Retry-After`.
"""
ANALYSIS_COMPONENT = "Analysis"
FORGET_EVERY_SECONDS = 3600.0  # how often --keep-days deletes what has grown too old


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; the store opens and the model workers start when it starts serving."""
    settings = settings or Settings()
    limit = RateLimit(settings.rate_limit)
    app = FastAPI(
        title="propwatch",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan(settings, limit),
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.mount("/static", StaticFiles(packages=[("propwatch.web", "static")]), name="static")
    _install_docs(app)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, limits=api.BODY_LIMITS, default=api.MAX_OTHER_BYTES)
    app.add_middleware(TokenAuth, token=settings.token, limit=limit)  # before reading a body
    allow_extensions(app)  # preflights are answered before the token check
    app.add_middleware(SecurityHeaders)
    return app


def _lifespan(settings: Settings, limit: RateLimit) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await run_in_threadpool(open_store, settings.db_url)
        pool = InferencePool(settings.workers, settings.queue, settings.models)
        forgetting = None
        try:
            if settings.keep_days is not None:
                await run_in_threadpool(_forget_old, store, settings.keep_days)
                forgetting = asyncio.create_task(_keep_forgetting(store, settings.keep_days))
            log.info("starting %d model worker(s)", settings.workers)
            await run_in_threadpool(pool.start)
            app.state.web = Web(settings, store, pool, limit, Held())
            yield
        finally:
            if forgetting is not None:
                forgetting.cancel()
            await run_in_threadpool(pool.close)
            store.close()

    return lifespan


async def _keep_forgetting(store: Store, days: int) -> None:
    while True:
        await asyncio.sleep(FORGET_EVERY_SECONDS)
        await run_in_threadpool(_forget_old, store, days)


def _forget_old(store: Store, days: int) -> None:
    """Delete the kept analyses older than `days`; a failure is logged, and tried next time."""
    try:
        gone = saved.forget_older(store, days)
    except Exception:
        log.exception("could not delete the analyses kept over %d days", days)
        return
    if gone:
        log.info("deleted %d analyses kept over %d days", gone, days)


def _install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs, served from the swagger-ui-bundle package: no CDN, works offline."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")
    policy = (
        "default-src 'none'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'"
    )

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="propwatch HTTP API",
            swagger_favicon_url="/static/favicon.svg",
            swagger_ui_parameters={"validatorUrl": None},
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
        )
        page.headers["Content-Security-Policy"] = policy
        return page


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's spec, with the Analysis JSON Schema among its components."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            spec.setdefault("components", {}).setdefault("schemas", {}).update(
                analysis_components()
            )
            app.openapi_schema = spec
        return app.openapi_schema

    return openapi


def analysis_components() -> dict[str, Any]:
    """`schema/analysis.schema.json` as OpenAPI components: its $defs become components too."""
    schema = load_schema()
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    components = {ANALYSIS_COMPONENT: schema}
    components.update({f"{ANALYSIS_COMPONENT}_{k}": v for k, v in definitions.items()})
    rewritten: dict[str, Any] = _rewrite_refs(components)
    return rewritten


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/$defs/", f"#/components/schemas/{ANALYSIS_COMPONENT}_")
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node
