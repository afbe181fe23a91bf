"""The HTTP API for programs: analyse, fetch stored analyses, list techniques, health."""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator
from starlette.concurrency import run_in_threadpool

from propwatch.analysis import Analysis
from propwatch.article import MAX_ARTICLE_CHARS, check_length
from propwatch.errors import BadInput, BadUrl, EmptyInput
from propwatch.ingest import (
    IngestedText,
    check_text,
    ingest,
    ingest_bytes,
    sources,
    without_boilerplate,
)
from propwatch.render.html import CSP as REPORT_CSP
from propwatch.render.html import render_html
from propwatch.render.json_output import render_json
from propwatch.techniques import TECHNIQUES
from propwatch.version import __version__
from propwatch.web import saved, uploads
from propwatch.web.auth import COOKIE, COOKIE_SECONDS, client_of, session_value
from propwatch.web.errors import NotFound, responses
from propwatch.web.state import Web, current

# The most a JSON body needs: the longest article with every character \u-escaped, and room.
MAX_JSON_BYTES = 6 * MAX_ARTICLE_CHARS + 2**16
MAX_UPLOAD_BYTES = uploads.MAX_BYTES
MAX_OTHER_BYTES = 2**16  # the other routes take no body worth speaking of
BODY_LIMITS = {"/v1/analyze": MAX_JSON_BYTES, "/v1/analyze/file": MAX_UPLOAD_BYTES}

router = APIRouter()


class AnalyzeRequest(BaseModel):
    """One article: its text, or the URL of its page. Exactly one of the two."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,  # 0 is not false, nor "1" a URL: JSON types as the schema says
        json_schema_extra={
            "oneOf": [{"required": ["text"]}, {"required": ["url"]}],
            "examples": [{"text": "Traitors rule us\n\nThey are traitors who hate our nation."}],
        },
    )

    # Either may be left out, but neither may be null: the schema says "string", not "null".
    text: Annotated[
        str | None,
        WithJsonSchema(
            {
                "type": "string",
                "pattern": r"\S",
                "description": (
                    "The article text, analysed exactly as given: every offset in the result "
                    "points into it. The first line is read as the headline when it looks like "
                    f"one. At most {MAX_ARTICLE_CHARS:,} characters (one article): longer is 413 "
                    "`too_large`."
                ),
            }
        ),
    ] = None
    url: Annotated[
        str | None,
        Field(max_length=2048),
        WithJsonSchema(
            {
                "type": "string",
                "format": "uri",
                "pattern": "^https?://",
                "maxLength": 2048,
                "description": (
                    "An http(s) URL; the page is fetched and its main text analysed. Loopback, "
                    "private and link-local addresses are refused unless the server allows them."
                ),
            }
        ),
    ] = None
    save: bool = Field(
        False,
        description=(
            "Keep the article and its analysis in the server's store, for GET /v1/analyses/{id}, "
            "a permalink and DELETE. Off unless asked: a draft sent for analysis is not stored."
        ),
    )
    min_confidence: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description=(
            "Return only spans from this confidence up: higher for precision, lower for recall. "
            "Default: the model's display threshold; the result's `min_confidence` says which "
            "was used."
        ),
    )
    clean: bool = Field(
        False,
        description=(
            'For text: first remove page leftovers pasted with it ("Leave a Reply", "Share '
            'this", cookie notes) and normalise newlines, as `propwatch analyze` does for a '
            "file. Offsets then point into the cleaned text, which the result carries as `text`."
        ),
    )

    @model_validator(mode="after")
    def _one_source(self) -> AnalyzeRequest:
        given = self.model_fields_set & {"text", "url"}
        if len(given) != 1:
            raise ValueError("give the article as text or as url (one of the two)")
        if getattr(self, given.pop()) is None:
            raise ValueError("text and url take a string, not null")
        return self


class TechniqueOut(BaseModel):
    id: str = Field(description="Stable slug, as in the analysis' technique_id.")
    name: str = Field(description="The PTC label, as in the analysis' technique.")
    display_name: str
    definition: str
    example: str
    semeval2023: list[str] = Field(description="The SemEval-2023 Task 3 techniques it maps to.")
    color: str = Field(description="Highlight colour (Paul Tol's colour-blind-safe palette).")


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    version: str
    model: str
    workers: int
    queue: int
    in_flight: int = Field(description="Analyses running or waiting now.")


_ANALYSIS = {
    "description": (
        "The analysis, in the versioned schema of `propwatch analyze --format json`. When it "
        "was saved, Analysis-Id and Content-Location name it."
    ),
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Analysis"}}},
    "headers": {
        "Analysis-Id": {"description": "Its id, when saved.", "schema": {"type": "string"}},
        "Content-Location": {
            "description": "GET this for it again, when saved.",
            "schema": {"type": "string"},
        },
    },
}
_REPORT = {"description": "The self-contained HTML report.", "content": {"text/html": {}}}
_ANALYSE_ERRORS = ("invalid_request", "empty_text", "unreadable", "too_large", "busy")
_ACCESS_ERRORS = ("unauthorized", "rate_limited")


def rate_limited(request: Request, web: Annotated[Web, Depends(current)]) -> None:
    """Count an analysis against its client's rate limit (429 past it)."""
    web.limit.check(client_of(request.scope))


Limited = Depends(rate_limited)


@router.post(
    "/v1/analyze",
    summary="Analyse one article (text or URL)",
    response_class=Response,
    responses={
        200: _ANALYSIS,
        **responses(
            *_ANALYSE_ERRORS,
            *_ACCESS_ERRORS,
            "store_failed",
            "bad_url",
            "private_address",
            "fetch_failed",
        ),
    },
    dependencies=[Limited],
)
async def analyze(body: AnalyzeRequest, web: Annotated[Web, Depends(current)]) -> Response:
    if body.url is not None:
        got = await run_in_threadpool(fetch, body.url, web.settings.allow_private)
    else:
        text = body.text or ""
        got = IngestedText(
            without_boilerplate(text) if body.clean else text, None, None, "text", (), ()
        )
    analysis = await web.pool.analyze(checked(got.text), got.url, body.min_confidence, got.decoding)
    return await analysis_response(web, analysis, got.title, body.save)


@router.post(
    "/v1/analyze/file",
    summary="Analyse one uploaded article file (.txt or .html)",
    response_class=Response,
    responses={200: _ANALYSIS, **responses(*_ANALYSE_ERRORS, *_ACCESS_ERRORS, "store_failed")},
    dependencies=[Limited],
    openapi_extra={"requestBody": uploads.REQUEST_BODY},
)
async def analyze_file(request: Request, web: Annotated[Web, Depends(current)]) -> Response:
    upload = await uploads.read_upload(request)
    got = await run_in_threadpool(
        ingest_bytes, upload.data, content_type=upload.content_type, name=upload.name
    )
    minimum = upload.options.min_confidence
    analysis = await web.pool.analyze(checked(got.text), None, minimum, got.decoding)
    return await analysis_response(web, analysis, got.title, upload.options.save)


@router.get(
    "/v1/analyses/{analysis_id}",
    summary="A stored analysis",
    response_class=Response,
    responses={200: _ANALYSIS, **responses("not_found", *_ACCESS_ERRORS)},
)
async def get_analysis(analysis_id: str, web: Annotated[Web, Depends(current)]) -> Response:
    analysis = await stored(web, analysis_id)
    return Response(render_json(analysis), media_type="application/json")


@router.get(
    "/v1/analyses/{analysis_id}/report",
    summary="A stored analysis as the self-contained HTML report",
    response_class=Response,  # the errors are JSON; _REPORT says the report is HTML
    responses={200: _REPORT, **responses("not_found", *_ACCESS_ERRORS)},
)
async def get_report(analysis_id: str, web: Annotated[Web, Depends(current)]) -> HTMLResponse:
    analysis = await stored(web, analysis_id)
    page = render_html(analysis, model_folder=web.settings.model_folder(analysis.model))
    return HTMLResponse(page, headers={"Content-Security-Policy": REPORT_CSP})


@router.delete(
    "/v1/analyses/{analysis_id}",
    summary="Delete a stored analysis: its article, analysis and spans",
    status_code=204,
    response_class=Response,
    responses=responses("not_found", "store_failed", *_ACCESS_ERRORS),
)
async def delete_analysis(analysis_id: str, web: Annotated[Web, Depends(current)]) -> Response:
    if not await run_in_threadpool(saved.delete, web.store, analysis_id):
        raise NotFound(f"no stored analysis has the id {analysis_id[:40]!r}")
    return Response(status_code=204)


@router.post(
    "/v1/session",
    summary="Trade the access token (Bearer) for a session cookie, as the start page does",
    status_code=204,
    response_class=Response,
    responses=responses(*_ACCESS_ERRORS),
)
async def start_session(request: Request, web: Annotated[Web, Depends(current)]) -> Response:
    response = Response(status_code=204)
    if web.settings.token is not None:  # the token was checked on the way in
        response.set_cookie(
            COOKIE,
            session_value(web.settings.token),
            max_age=COOKIE_SECONDS,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
    return response


@router.get(
    "/v1/techniques",
    summary="The 14 techniques the model knows",
    responses=responses(*_ACCESS_ERRORS),
)
async def techniques() -> list[TechniqueOut]:
    return [TechniqueOut(**dataclasses.asdict(t)) for t in TECHNIQUES]


@router.get("/healthz", summary="Liveness: the server and its model workers are up")
async def healthz(web: Annotated[Web, Depends(current)]) -> Health:
    pool = web.pool
    return Health(
        status="ok",
        version=__version__,
        model=pool.model,
        workers=pool.workers,
        queue=pool.queue,
        in_flight=pool.in_flight,
    )


# --- the steps --------------------------------------------------------------------------------


def checked(text: str) -> str:
    """The text, if it is an article the model can take; else the API error that says why."""
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in text):
        # Cf: zero-width spaces and joiners, direction marks, soft hyphens: nothing to read
        raise EmptyInput("the text is empty; paste the article text")
    check_length(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput("the text holds unpaired surrogates; send valid Unicode text") from None
    return check_text(text)  # the rules a file meets: text, not binary; prose, not data


def fetch(url: str, allow_private: bool) -> IngestedText:
    """The article page at `url`: its text, final URL, title and how its bytes were read."""
    if not sources.is_url(url):
        raise BadUrl("give the page's full address, starting with https://")
    return ingest(url, allow_private=allow_private)


async def analysis_response(
    web: Web, analysis: Analysis, title: str | None, save: bool
) -> Response:
    """The analysis as JSON; kept (a permalink) or held for its page to be opened once."""
    if save:
        key = await run_in_threadpool(saved.save, web.store, analysis, title)
        headers = {
            "Analysis-Id": key,
            "Content-Location": f"/v1/analyses/{key}",
            "Link": f'</a/{key}>; rel="alternate"; type="text/html"',
        }
    else:
        page = f"/r/{web.held.put(analysis)}"
        headers = {"Link": f'<{page}>; rel="alternate"; type="text/html"'}
    return Response(render_json(analysis), media_type="application/json", headers=headers)


async def stored(web: Web, analysis_id: str) -> Analysis:
    analysis = await run_in_threadpool(saved.load, web.store, analysis_id)
    if analysis is None:
        raise NotFound(f"no stored analysis has the id {analysis_id[:40]!r}")
    return analysis
