"""Schemathesis against the OpenAPI spec: generated requests, valid and invalid, find no 5xx and
every answer follows the spec (status codes, headers, the Analysis and error schemas).

The app runs in process with the real model. URL fetches are replaced by a fixed local page: a
fuzzer must not send requests to whatever hosts it makes up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from propwatch.ingest import sources
from propwatch.web.app import create_app
from propwatch.web.settings import Settings
from test_web_api import PAGE


def fetch_fixed_page(url: str, *, allow_private: bool = False) -> sources.Payload:
    return sources.Payload(PAGE, "text/html; charset=utf-8", url, url)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "fetch", fetch_fixed_page)
        yield create_app(Settings(db_url=f"sqlite:///{db}", workers=1, queue=4))


# The spec does not depend on the settings; the app that answers is the fixture's.
schema = schemathesis.openapi.from_dict(create_app().openapi())
pytestmark = pytest.mark.slow  # 150 requests through the model: about half a minute


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_follows_its_spec(case: schemathesis.Case, app: FastAPI):
    # A multipart body is bytes whatever the schema's types say ("108" is a fine file), and
    # whether a file holds an article is not in the schema: an empty one is refused (422).
    # Nor is whether a text is text and prose (ingest.checks): control characters past 2%, or
    # mostly runs without spaces, are refused (422) however schema-valid the request.
    excluded = {
        "/v1/analyze/file": [positive_data_acceptance, negative_data_rejection],
        "/v1/analyze": [positive_data_acceptance],
    }.get(case.path, [])
    case.call_and_validate(app=app, base_url="http://testserver", excluded_checks=excluded)
