"""A team server in headless Chromium: `propwatch serve` with PROPWATCH_TOKEN asks a person for
the token once, then every page and call works in that browser; a wrong token is one line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from propwatch.web.local import local_server
from test_web_api import ARTICLE
from test_web_browser import HELD, KEPT, Session
from test_web_team import TOKEN

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("team") / "team.db"
    env = {"PROPWATCH_TOKEN": TOKEN}
    with local_server("--db", str(db), "--workers", "1", env=env) as base:
        yield base


@pytest.fixture
def session(browser: Browser, server: str) -> Iterator[Session]:
    session = Session(browser, server)
    yield session
    session.close()


def test_the_page_asks_for_the_token_once(session: Session, server: str):
    page = session.page
    token = page.get_by_label("Access token")
    assert token.is_visible()
    page.get_by_label("Article text").fill(ARTICLE)
    token.fill("not-the-token-at-all")
    page.get_by_role("button", name="Analyze").click()
    alert = page.get_by_role("alert")
    alert.filter(has_text="not right").wait_for()
    assert alert.inner_text() == "That access token is not right; ask whoever runs this server."
    assert [e for e in session.errors if "401" in e] == session.errors  # Chromium logs the 401
    session.errors.clear()
    token.fill(TOKEN)
    page.get_by_role("button", name="Analyze").click()
    page.wait_for_url(HELD, timeout=60_000)
    page.locator("mark.hl").first.wait_for(timeout=10_000)
    page.goto(server + "/")  # the same browser: asked no more
    assert page.get_by_label("Access token").is_hidden()
    session.analyze(ARTICLE + "\nKept.", keep=True)
    assert KEPT.search(page.url)
    other = session.context.browser.new_context()  # another browser: the link needs the token
    try:
        locked = other.new_page()
        locked.goto(page.url)
        assert locked.get_by_role("heading", name=re.compile("needs its access token")).count()
    finally:
        other.close()
    session.assert_clean()
