"""The web app end to end: `propwatch serve` on loopback, driven in Debian's headless Chromium.

Paste the example article, press Analyze, wait for the highlights, select one and read its
explanation; the same by keyboard alone; hostile text stays text; errors show as one line.
Screenshots land in test-artifacts/web-*.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from conftest import ARTIFACTS
from propwatch.techniques import contrast, luminance
from propwatch.web.local import local_server
from test_render import EXAMPLE
from test_render_browser import XSS
from test_web_api import ARTICLE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

pytestmark = pytest.mark.slow
KEPT = re.compile(r"/a/[A-Za-z0-9_-]{20}$")  # a kept analysis' permalink
HELD = re.compile(r"/r/[A-Za-z0-9_-]{20,}$")  # the one-time page of one not kept


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("serve") / "web.db"
    with local_server("--db", str(db), "--workers", "1") as base:
        yield base


class Session:
    """A page on the server that records console errors and uncaught exceptions."""

    def __init__(
        self, browser: Browser, base: str, scheme: Literal["light", "dark"] = "light"
    ) -> None:
        self.base = base
        self.scheme = scheme
        self.errors: list[str] = []
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, color_scheme=scheme
        )
        self.page: Page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(base + "/")

    def analyze(self, text: str, keep: bool = True) -> None:
        self.page.get_by_label("Article text").fill(text)
        self.page.get_by_label("Keep a shareable link").set_checked(keep)
        self.page.get_by_role("button", name="Analyze").click()
        self.page.wait_for_url(KEPT if keep else HELD, timeout=60_000)
        self.page.locator("mark.hl").first.wait_for(timeout=10_000)

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.page.evaluate("typeof window.__xss") == "undefined"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(browser: Browser, server: str, request: pytest.FixtureRequest) -> Iterator[Session]:
    session = Session(browser, server, getattr(request, "param", "light"))  # or parametrized
    yield session
    session.close()


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.is_file() else ARTICLE


def test_paste_analyze_and_read_an_explanation(session: Session):
    page = session.page
    screenshot(page, "web-start.png")
    held: list[Route] = []
    page.route("**/v1/analyze", lambda route: held.append(route))  # hold it: see the progress
    page.get_by_label("Article text").fill(example_text())
    page.get_by_role("button", name="Analyze").click()
    progress = page.get_by_role("status")
    progress.wait_for()
    assert "Finding techniques" in progress.inner_text()
    assert page.get_by_role("button", name="Analyze").is_disabled()
    screenshot(page, "web-progress.png")
    page.wait_for_timeout(200)  # let the route handler take the request
    held[0].continue_()
    page.wait_for_url(HELD, timeout=60_000)
    marks = page.locator("mark.hl")
    marks.first.wait_for(timeout=10_000)
    assert marks.count() >= 5
    marks.nth(min(3, marks.count() - 1)).click()
    panel = page.locator("#pw-panel")
    assert panel.is_visible() and "confident" in panel.inner_text()
    assert "Annotators marked these as" in panel.inner_text()  # evidence from the training data
    name = panel.locator(".item-name").first.inner_text()
    assert name in page.locator(".legend").inner_text()  # the legend defines it
    screenshot(page, "web-report.png")
    session.assert_clean()


def test_permalink_and_downloads(session: Session, server: str):
    session.analyze(ARTICLE)
    page = session.page
    permalink = page.get_by_label("Permalink").input_value()
    assert permalink == page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["text"] == ARTICLE
    with page.expect_download() as download:
        page.get_by_role("link", name="Download HTML report").click()
    assert "propwatch report" in Path(download.value.path()).read_text(encoding="utf-8")
    other = session.context.new_page()
    other.goto(permalink)
    assert other.locator("mark.hl").count() == page.locator("mark.hl").count()
    other.close()
    session.assert_clean()


def test_keyboard_only(session: Session):
    page = session.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the form"
    for _ in range(12):  # on through the links and the mode choice to the text box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "text":
            break
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.insert_text(ARTICLE)
    page.keyboard.press("Control+Enter")
    page.wait_for_url(HELD, timeout=60_000)
    mark = page.locator("mark.hl").first
    mark.focus()
    page.keyboard.press("Enter")
    assert page.locator("#pw-panel").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("#pw-panel").is_hidden()
    session.assert_clean()


def test_modes_are_radio_buttons_with_their_own_fields(session: Session):
    page = session.page
    page.get_by_role("button", name="Try a sample article").click()
    assert page.get_by_label("Article text").input_value().startswith("Sample: ")
    page.get_by_role("radio", name="Web address").check()
    assert page.get_by_label("Web address of the article").is_visible()
    assert page.get_by_label("Article text").is_hidden()
    page.get_by_role("radio", name="Upload a file").check()
    assert page.get_by_label("Article file").is_visible()
    session.assert_clean()


def test_hostile_text_stays_text(session: Session):
    text = "Hostile headline\n\n" + "".join(f"They are vile traitors: {p} is text.\n" for p in XSS)
    text += "See javascript:window.__xss=1 for more.\n"
    session.analyze(text)
    page = session.page
    page.get_by_label("Technique labels in the text").uncheck()  # they would split the text
    article = page.locator("#article").inner_text()
    for payload in XSS:
        assert payload in article
    assert page.locator("#article img, #article svg, #article script").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    session.assert_clean()


def test_errors_show_as_one_line(session: Session):
    page = session.page
    page.get_by_role("button", name="Analyze").click()
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "Paste the article text first."
    page.get_by_role("radio", name="Web address").check()
    page.get_by_label("Web address of the article").fill("http://127.0.0.1:9/secret")
    page.get_by_role("button", name="Analyze").click()
    alert.filter(has_text="refusing").wait_for()  # wait_for_function: the CSP forbids eval
    assert "loopback" in alert.inner_text()
    assert page.get_by_role("button", name="Analyze").is_enabled()
    assert [e for e in session.errors if "403" in e] == session.errors  # Chromium logs the 403
    session.errors.clear()
    session.assert_clean()


def test_the_threshold_control_goes_with_the_request(session: Session):
    page = session.page
    sent: list[dict] = []

    def capture(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        route.continue_()

    page.route("**/v1/analyze", capture)
    page.get_by_label("Article text").fill(example_text())
    page.get_by_label("Show").select_option("0.3")
    page.get_by_role("button", name="Analyze").click()
    page.wait_for_url(HELD, timeout=60_000)
    assert sent and sent[0]["min_confidence"] == 0.3
    session.assert_clean()


def test_a_draft_is_not_kept_unless_asked_and_its_report_survives_a_reload(session: Session):
    page = session.page
    keep = page.get_by_label("Keep a shareable link")
    assert not keep.is_checked()
    assert "Nothing you analyse is stored unless" in page.locator("#privacy").inner_text()
    session.analyze(ARTICLE, keep=False)
    assert "Not kept" in page.get_by_role("navigation", name="propwatch").inner_text()
    assert page.get_by_label("Permalink").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    assert json.loads(Path(download.value.path()).read_text())["text"] == ARTICLE
    marks = page.locator("mark.hl").count()
    page.reload()  # held in the server's memory for ten minutes: the reader keeps the analysis
    page.locator("mark.hl").first.wait_for(timeout=10_000)
    assert page.locator("mark.hl").count() == marks
    bar = page.get_by_role("navigation", name="propwatch").inner_text()
    assert "Not kept" in bar and "in memory for 10 minutes" in " ".join(bar.split())
    session.assert_clean()


# Each visible element's text colour and the first opaque background behind it, as #RRGGBB.
COLOURS = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length)
  .map(el => {
    const hex = c => "#" + c.match(/[\\d.]+/g).slice(0, 3)
      .map(n => Number(n).toString(16).padStart(2, "0")).join("");
    let back = el;
    while (getComputedStyle(back).backgroundColor.startsWith("rgba")) back = back.parentElement;
    return [el.textContent.trim().slice(0, 30), hex(getComputedStyle(el).color),
      hex(getComputedStyle(back).backgroundColor)];
  })"""
TEXT = (
    "h1, .lead, header.site nav a, .modes span, .pane label, button.link, textarea, .help, "
    ".threshold label, select, .keep label, .primary, kbd, .privacy, h2, .note, .grid h3, "
    ".grid p, .chip, footer.site p, footer.site a"
)


@pytest.mark.parametrize("session", ["light", "dark"], indirect=True)
def test_the_start_page_follows_the_colour_scheme_and_its_text_reads(session: Session):
    paper = session.page.evaluate(COLOURS, "html")[0][2]
    assert luminance(paper) < 0.05 if session.scheme == "dark" else luminance(paper) > 0.9, paper
    texts = session.page.evaluate(COLOURS, TEXT)
    assert len(texts) > 40
    low = [(text, ink, back) for text, ink, back in texts if contrast(ink, back) < 4.5]
    assert low == [], f"text under WCAG AA contrast (4.5:1): {low}"
    session.assert_clean()
