"""A team server: access token, session cookie, per-client rate limits, --keep-days, and the
`propwatch serve` checks that keep a server on the network from starting open by mistake.

One app (TestClient, the real model in one worker, a SQLite store of its own) with a token,
kept analyses deleted after two days, and a rate limit whose clock the tests move.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from propwatch.cli.serve import access_token
from propwatch.errors import BadInput
from propwatch.store import ArticleMeta, models, open_store
from propwatch.web import saved
from propwatch.web.app import create_app
from propwatch.web.auth import COOKIE
from propwatch.web.limits import RateLimit
from propwatch.web.settings import Settings
from test_render import hand_analysis
from test_web_api import ARTICLE, error_of

TOKEN = "team-token-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
START = "from propwatch.cli import main; main()"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def old_and_new(db: Path) -> dict[str, str]:
    """A store with a kept analysis three days old, one from today, and an old batch article."""
    store = open_store(f"sqlite:///{db}")
    try:
        old = saved.save(store, hand_analysis())
        new = saved.save(store, replace(hand_analysis(), text=hand_analysis().text + " "))
        # a batch article from a file named like the old prefix of kept drafts
        store.save_analysis(ArticleMeta("b" * 64, "batch-1", "web:evil.txt"), hand_analysis())
        three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
        with store.session() as session, session.begin():
            session.execute(
                update(models.KeptRow)
                .where(models.KeptRow.key == old)
                .values(created_at=three_days_ago)
            )
            session.execute(
                update(models.ArticleRow)
                .where(models.ArticleRow.content_hash == "b" * 64)
                .values(created_at=three_days_ago)
            )
    finally:
        store.close()
    return {"old": old, "new": new}


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    db = tmp_path_factory.mktemp("team") / "team.db"
    keys = old_and_new(db)
    settings = Settings(f"sqlite:///{db}", workers=1, queue=2, token=TOKEN, keep_days=2)
    with TestClient(create_app(settings)) as client:
        yield client, keys


@pytest.fixture
def client(team: tuple[TestClient, dict[str, str]]) -> Iterator[TestClient]:
    client = team[0]
    client.cookies.clear()
    yield client
    client.cookies.clear()


@pytest.fixture
def clock(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A rate limit of 3 a minute, on a clock the test moves (the app's own limit object: the
    token check shares it)."""
    clock = Clock()
    limit = client.app.state.web.limit
    monkeypatch.setattr(limit, "per_minute", 3)
    monkeypatch.setattr(limit, "clock", clock)
    monkeypatch.setattr(limit, "_buckets", OrderedDict())
    return clock


# --- the token ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/analyze"),
        ("POST", "/v1/analyze/file"),
        ("GET", "/v1/techniques"),
        ("GET", "/v1/analyses/AAAAAAAAAAAAAAAAAAAA"),
        ("DELETE", "/v1/analyses/AAAAAAAAAAAAAAAAAAAA"),
    ],
)
def test_api_calls_without_the_token_are_refused(client: TestClient, method: str, path: str):
    response = client.request(method, path, json={"text": ARTICLE})
    assert error_of(response) == (401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["message"]
    wrong = client.request(method, path, headers={"Authorization": "Bearer nope"})
    assert error_of(wrong) == (401, "unauthorized")


def test_pages_without_the_token_say_where_to_give_it(client: TestClient):
    for path in ("/a/AAAAAAAAAAAAAAAAAAAA", "/r/whatever"):
        response = client.get(path)
        assert response.status_code == 401 and "needs its access token" in response.text


def test_the_start_page_its_files_the_docs_and_health_stay_open(client: TestClient):
    for path in ("/", "/static/app.js", "/healthz", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path
    assert 'data-ask-token="true"' in client.get("/").text


def test_with_the_token_the_api_answers(client: TestClient):
    response = client.post("/v1/analyze", json={"text": ARTICLE, "save": True}, headers=BEARER)
    assert response.status_code == 200, response.text
    key = response.headers["analysis-id"]
    assert client.get(f"/v1/analyses/{key}", headers=BEARER).content == response.content
    assert client.delete(f"/v1/analyses/{key}", headers=BEARER).status_code == 204


def test_the_page_trades_the_token_for_a_cookie_once(client: TestClient):
    assert error_of(client.post("/v1/session")) == (401, "unauthorized")
    response = client.post("/v1/session", headers=BEARER)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and TOKEN not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    # From now on the browser's cookie is enough: no token on the requests, the pages open.
    kept = client.post("/v1/analyze", json={"text": ARTICLE, "save": True})
    assert kept.status_code == 200, kept.text
    assert client.get(f"/a/{kept.headers['analysis-id']}").status_code == 200
    assert 'data-ask-token="false"' in client.get("/").text
    client.cookies.clear()
    client.cookies.set(COOKIE, "0" * 64)
    assert error_of(client.get("/v1/techniques")) == (401, "unauthorized")


# --- rate limits --------------------------------------------------------------------------------


def test_a_client_past_its_rate_gets_429_with_when_to_retry(client: TestClient, clock: Clock):
    for _ in range(3):
        ok = client.post("/v1/analyze", json={"text": ARTICLE}, headers=BEARER)
        assert ok.status_code == 200
    refused = client.post("/v1/analyze", json={"text": ARTICLE}, headers=BEARER)
    assert error_of(refused) == (429, "rate_limited")
    assert refused.headers["retry-after"] == "20"  # one analysis every 20 s at 3 a minute
    assert "retry in 20 s" in refused.json()["message"]
    assert client.get("/v1/techniques", headers=BEARER).status_code == 200  # cheap calls pass
    clock.now += 20
    assert client.post("/v1/analyze", json={"text": ARTICLE}, headers=BEARER).status_code == 200


def test_guessing_the_token_is_rate_limited(client: TestClient, clock: Clock):
    wrong = {"Authorization": "Bearer guess-guess-guess-guess"}
    statuses = [client.get("/v1/techniques", headers=wrong).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


def test_rate_limits_are_per_client_and_bounded():
    clock = Clock()
    limit = RateLimit(2, max_clients=3, clock=clock)
    assert [limit.take("a"), limit.take("a"), limit.take("a")] == [0, 0, 30]
    assert limit.take("b") == 0  # another client has its own allowance
    for client in ("c", "d", "e"):
        limit.take(client)
    assert limit.take("a") == 0  # forgotten: only the 3 clients seen last are remembered
    assert RateLimit(0).take("a") == 0  # 0: no limit


# --- keep-days --------------------------------------------------------------------------------


def test_keep_days_deletes_old_kept_analyses_and_nothing_else(
    team: tuple[TestClient, dict[str, str]],
):
    client, keys = team
    assert error_of(client.get(f"/v1/analyses/{keys['old']}", headers=BEARER))[0] == 404
    assert client.get(f"/v1/analyses/{keys['new']}", headers=BEARER).status_code == 200
    with client.app.state.web.store.session() as session:
        batch = session.query(models.ArticleRow).filter_by(content_hash="b" * 64).one_or_none()
    assert batch is not None  # a batch run's article in the same store is never touched
    page = client.get("/").text
    assert "stay on this server for 2 days, or until someone deletes it" in " ".join(page.split())


# --- propwatch serve --------------------------------------------------------------------------


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", START, "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
    )


def test_serve_on_the_network_refuses_to_start_without_a_token(tmp_path: Path):
    done = serve("--host", "0.0.0.0", "--db", str(tmp_path / "web.db"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "PROPWATCH_TOKEN" in lines[0] and "--no-auth" in lines[0]
    assert not (tmp_path / "web.db").exists()  # refused before anything was opened


def test_access_tokens_come_from_a_file_or_the_environment(tmp_path: Path):
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    assert access_token(path, "ignored-because-the-file-wins") == TOKEN
    assert access_token(None, TOKEN) == TOKEN
    assert access_token(None, None) is None
    for bad in ("short", "with a space in the middle ok", "ünïcödé-token-0123456789"):
        with pytest.raises(BadInput, match=r"secrets\.token_urlsafe"):
            access_token(None, bad)
    with pytest.raises(BadInput, match="cannot read the token file"):
        access_token(tmp_path / "missing", None)
