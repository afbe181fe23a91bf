"""CORS for the browser extension: its pages and background may call the API, no web page may.

The extension's requests come from `chrome-extension://ID` or `moz-extension://UUID`; every other
origin gets no CORS headers, so a web site the reader visits cannot read the API's answers. The
token, body limits and rate limits are the API's own: CORS only answers the browser's preflight
(which carries no token) and lets the extension read the answer, errors included.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

EXTENSION_ORIGINS = r"(chrome-extension|moz-extension)://[A-Za-z0-9-]+"
PREFLIGHT_SECONDS = 600


def allow_extensions(app: FastAPI) -> None:
    """Add the CORS layer; added after the token check, it runs before it, as preflights need."""
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=EXTENSION_ORIGINS,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Link", "Analysis-Id", "Content-Location", "Retry-After"],
        max_age=PREFLIGHT_SECONDS,
    )
