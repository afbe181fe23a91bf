"""CORS for the browser extension: extension origins may call the API, web pages may not.

The app runs without its lifespan (no store, no model): preflights and refusals need neither.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from propwatch.web.app import create_app
from propwatch.web.settings import Settings

TOKEN = "cors-test-token-0123456789"
EXTENSION_ORIGINS = [
    "chrome-extension://ihkdbiodjleniecmbjblhdlnoebmolmp",
    "moz-extension://4b1f7b6e-8a5d-4c5e-9f00-0123456789ab",
]
OTHER_ORIGINS = [
    "https://news.example",
    "http://127.0.0.1:8000",
    "chrome-extension://abc.evil.example",
    "null",
]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(token=TOKEN, rate_limit=1000)))


def preflight(client: TestClient, origin: str) -> dict[str, str]:
    answer = client.options(
        "/v1/analyze",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    return {"status": str(answer.status_code), **answer.headers}


@pytest.mark.parametrize("origin", EXTENSION_ORIGINS)
def test_an_extension_is_allowed_to_send_the_token(client: TestClient, origin: str):
    headers = preflight(client, origin)
    assert headers["status"] == "200"  # answered before the token check: a preflight has none
    assert headers["access-control-allow-origin"] == origin
    assert "authorization" in headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("origin", OTHER_ORIGINS)
def test_web_pages_get_no_cors(client: TestClient, origin: str):
    headers = preflight(client, origin)
    assert headers["status"] == "400"
    assert "access-control-allow-origin" not in headers


def test_a_refusal_is_readable_by_the_extension_and_still_a_refusal(client: TestClient):
    origin = EXTENSION_ORIGINS[0]
    answer = client.post(
        "/v1/analyze",
        json={"text": "They are traitors."},
        headers={"Origin": origin, "Authorization": "Bearer wrong-token-0123456789"},
    )
    assert answer.status_code == 401 and answer.json()["code"] == "unauthorized"
    assert answer.headers["access-control-allow-origin"] == origin
    assert "link" in answer.headers["access-control-expose-headers"].lower()


def test_a_web_page_cannot_read_an_answer(client: TestClient):
    answer = client.get("/openapi.json", headers={"Origin": "https://news.example"})
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers
