"""The browser extension end to end: Debian's Chromium with the unpacked extension (extension/),
pages served here on 127.0.0.1, and a real `propwatch serve` with an access token.

A toolbar click is `analyseTab(tab, scope)` in the extension's service worker, the function the
button and the context menu call. Every request the browser makes is recorded (and any to
another host refused). Screenshots land in test-artifacts/extension-*.png.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from conftest import ARTIFACTS, CHROMIUM_ARGS, ROOT, ensure_chromium
from propwatch.web.local import START, free_port, local_server
from test_render import EXAMPLE

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright, Route, Worker

pytestmark = pytest.mark.slow
EXTENSION = ROOT / "extension"
TOKEN = "extension-test-token-0123456789"
STYLE = (
    "<style>body{font:18px/1.6 Georgia,serif;max-width:1180px;margin:0 auto;padding:0 24px;"
    "display:grid;grid-template-columns:1fr 300px;gap:48px}header,footer{grid-column:1/3}"
    "nav a{margin-right:1em}aside{border-left:1px solid #ddd;padding-left:24px}</style>"
)
# The page's own script: it must keep working with the extension on the page.
PAGE_SCRIPT = "<script>window.clicks=0;addEventListener('click',()=>window.clicks++)</script>"


def page_html(lang: str, title: str, article: str, sidebar: str) -> str:
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"{STYLE}{PAGE_SCRIPT}</head><body><header><nav><a href='/'>Home</a><a href='/world'>"
        f"World</a><a href='/opinion'>Opinion</a></nav></header>\n<article>{article}</article>\n"
        f"<aside><h2>Most read</h2>{sidebar}</aside><footer>© The Daily Example · "
        "<a href='/privacy'>Privacy</a></footer></body></html>"
    )


ENGLISH = page_html(
    "en",
    "Traitors",
    """
    <h1>Traitors in the capital sell out the nation</h1>
    <p>London, 3 March.</p>
    <p>The <em>so-called “experts”</em> in the ministry are <a href="/traitors">traitors</a>
       who hate our country. They lie every single day,<br>and everyone knows it: these
       <strong>puppets of foreign bankers</strong> will destroy our homeland.</p>
    <p>A spokesman said the opposition was a <a href="/gang">gang of <em>criminals</em></a>
       and terrorists. This is an outrageous attack on democracy!</p>
    <p>We must act now, before it is too late. Either we stand up, or we lose everything.</p>
    <p hidden>Hidden traitors.</p><p style="display:none">Invisible traitors.</p>
    <script>window.inArticle = "traitors";</script>
    """,
    "<p>Vile traitors and criminals plot against us.</p>",
)
# The text the extension sends for ENGLISH: the normalisation of extension/content/textmap.js.
ENGLISH_TEXT = (
    "Traitors in the capital sell out the nation\n\nLondon, 3 March.\n\n"
    "The so-called “experts” in the ministry are traitors who hate our country. They lie every "
    "single day,\nand everyone knows it: these puppets of foreign bankers will destroy our "
    "homeland.\n\nA spokesman said the opposition was a gang of criminals and terrorists. This "
    "is an outrageous attack on democracy!\n\nWe must act now, before it is too late. Either we "
    "stand up, or we lose everything."
)
GERMAN = page_html(
    "de",
    "Verrat",
    """
    <h1>Die Regierung verrät das Volk</h1>
    <p>📰 Berlin, 3. März.</p>
    <p>Die sogenannten <em>„Experten“</em> der Regierung sind <a href="/v">Verräter</a>, die unser
       Land hassen. Sie lügen jeden Tag,<br>und jeder weiß es.</p>
    <p>Ein Sprecher sagte, die Opposition sei eine <a href="/b">Bande von <em>Kriminellen</em></a>
       und Terroristen. Das ist ein Angriff auf die Demokratie!</p>
    <p>Wir müssen jetzt handeln, bevor es zu spät ist. Entweder wir stehen auf, oder wir
       verlieren alles.</p>
    """,
    "<p>Verräter und Kriminelle überall, sagt die Seitenleiste.</p>",
)
GERMAN_TEXT = (
    "Die Regierung verrät das Volk\n\n📰 Berlin, 3. März.\n\nDie sogenannten „Experten“ der "
    "Regierung sind Verräter, die unser Land hassen. Sie lügen jeden Tag,\nund jeder weiß es."
    "\n\nEin Sprecher sagte, die Opposition sei eine Bande von Kriminellen und Terroristen. Das "
    "ist ein Angriff auf die Demokratie!\n\nWir müssen jetzt handeln, bevor es zu spät ist. "
    "Entweder wir stehen auf, oder wir verlieren alles."
)


def example_page(text: str) -> str:
    """The example article as a news page: headline, dateline, paragraphs, links, emphasis."""
    headline, dateline, *paragraphs = text.split("\n\n")
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>\n" for p in paragraphs)
    body = body.replace("Interfax", "<a href='/interfax'>Interfax</a>", 1)
    body = body.replace("“moderate opposition”", "<em>“moderate opposition”</em>", 1)
    body = body.replace("Al Rukban refugee camp", "<a href='/rukban'>Al Rukban refugee camp</a>", 1)
    article = f"<h1>{html.escape(headline)}</h1><p><time>{html.escape(dateline)}</time></p>{body}"
    return page_html("en", "Syria", article, "<p>Sanctions: a war crime, say critics.</p>")


class Pages:
    """Pages served from memory on 127.0.0.1."""

    def __init__(self, pages: dict[str, str]) -> None:
        served = {path: text.encode() for path, text in pages.items()}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = served.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    """`propwatch analyze` of the example article: the text it analysed, and its spans."""
    done = subprocess.run(
        [sys.executable, "-c", START, "analyze", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    document: dict[str, Any] = json.loads(done.stdout)
    return document


@pytest.fixture(scope="module")
def pages(example: dict[str, Any]) -> Iterator[Pages]:
    served = Pages(
        {"/en.html": ENGLISH, "/de.html": GERMAN, "/example.html": example_page(example["text"])}
    )
    yield served
    served.httpd.shutdown()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("extension") / "web.db"
    with local_server("--db", str(db), "--workers", "1", env={"PROPWATCH_TOKEN": TOKEN}) as base:
        yield base


class Browser:
    """Chromium with the extension; records every request and refuses any to another host."""

    def __init__(self, context: BrowserContext, allowed: list[str]) -> None:
        self.context = context
        self.allowed = allowed
        self.requests: list[str] = []
        self.sent: list[dict[str, Any]] = []  # the bodies the extension posted to the server
        self.answers: list[dict[str, Any]] = []  # and the analyses the server answered
        self.while_analysing: Callable[[], object] = lambda: None  # runs before the answer
        context.route("**/*", self.record)
        self.worker: Worker = (
            context.service_workers[0]
            if context.service_workers
            else (context.wait_for_event("serviceworker"))
        )
        self.extension_id = self.worker.url.split("/")[2]

    def record(self, route: Route) -> None:
        request = route.request
        self.requests.append(request.url)
        if not any(request.url.startswith(base + "/") for base in self.allowed):
            route.abort()
        elif request.method == "POST" and request.url.endswith("/v1/analyze"):
            self.sent.append(json.loads(request.post_data or "{}"))
            response = route.fetch()
            if response.ok:
                self.answers.append(response.json())
            self.while_analysing()
            route.fulfill(response=response)
        else:
            route.continue_()

    def configure(self, server: str, token: str) -> None:
        self.worker.evaluate(
            "([server, token]) => chrome.storage.local.set({server, token})", [server, token]
        )

    def open(self, url: str) -> Page:
        page = self.context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        page.errors = errors  # type: ignore[attr-defined]
        return page

    def analyse(self, page: Page, scope: str = "page") -> dict[str, Any]:
        """Click the toolbar button (or the context menu item) for `page`'s tab."""
        tab = self.worker.evaluate(
            "async (url) => (await chrome.tabs.query({})).find((t) => t.url === url).id", page.url
        )
        result: dict[str, Any] = self.worker.evaluate(
            "([tab, scope]) => analyseTab(tab, scope)", [tab, scope]
        )
        return result


@pytest.fixture(scope="module")
def chromium(
    playwright: Playwright, pages: Pages, server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    executable = ensure_chromium()
    flags = [f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"]
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("profile")),
        executable_path=str(executable),
        headless=True,  # Playwright's headless is Chromium's new one, which runs extensions
        args=[arg for arg in CHROMIUM_ARGS if arg != "--headless"] + flags,
        viewport={"width": 1280, "height": 900},
    )
    browser = Browser(context, [pages.base, server])
    browser.allowed.append(f"chrome-extension://{browser.extension_id}")
    yield browser
    context.close()


@pytest.fixture
def reader(chromium: Browser, server: str) -> Browser:
    chromium.configure(server, TOKEN)
    chromium.sent.clear()
    chromium.answers.clear()
    chromium.while_analysing = lambda: None
    return chromium


def marks_by_span(page: Page) -> dict[int, str]:
    """The text drawn for each span index, its pieces joined in page order."""
    pieces: list[list[Any]] = page.evaluate(
        "[...document.querySelectorAll('pw-mark')].map((m) => [m.dataset.pwSpans, m.textContent])"
    )
    drawn: dict[int, str] = {}
    for spans, text in pieces:
        for index in map(int, spans.split()):
            drawn[index] = drawn.get(index, "") + text
    return drawn


def words(text: str) -> str:
    """Text without its whitespace: line breaks between blocks are not drawn."""
    return "".join(text.split())


def panel_text(page: Page) -> str:
    text: str = page.locator("pw-root section").inner_text(timeout=10_000)
    return text


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / name))


@pytest.mark.parametrize(
    ("path", "expected"), [("/en.html", ENGLISH_TEXT), ("/de.html", GERMAN_TEXT)]
)
def test_highlights_land_on_the_right_words(
    reader: Browser, pages: Pages, path: str, expected: str
):
    page = reader.open(pages.base + path)
    article = page.locator("article")
    before = article.inner_html(), article.bounding_box()
    result = reader.analyse(page)
    assert [body["text"] for body in reader.sent] == [expected]  # the normalised article only
    spans = reader.answers[0]["spans"]
    assert spans, "the model finds something in this article"
    assert result["placed"] == len(spans) and result["notPlaced"] == 0
    drawn = marks_by_span(page)
    assert {i: words(text) for i, text in drawn.items()} == {
        i: words(span["text"]) for i, span in enumerate(spans)
    }
    assert page.locator("aside pw-mark, nav pw-mark, footer pw-mark").count() == 0
    assert page.locator("a pw-mark, em pw-mark").count() > 0  # spans cross links and emphasis
    assert f"{len(spans)} span" in panel_text(page) and "all placed" in panel_text(page)
    assert article.bounding_box() == before[1]  # the layout did not move
    page.locator("pw-mark").first.click()
    assert page.evaluate("window.clicks") == 1  # the page's own script still runs
    screenshot(page, f"extension-{path[1:3]}.png")
    page.get_by_role("button", name="Remove highlights").click()
    assert article.inner_html() == before[0]  # the page is as it was
    assert page.locator("pw-root").count() == 0 and page.errors == []  # type: ignore[attr-defined]
    page.close()


def test_the_popup_opens_by_mouse_and_by_keyboard(reader: Browser, pages: Pages):
    page = reader.open(pages.base + "/en.html")
    reader.analyse(page)
    in_link = page.locator("a pw-mark").first
    in_link.click()
    popup = page.locator("pw-root [role=dialog]")
    assert popup.is_visible()
    text = popup.inner_text()
    assert "confident" in text and "Voice" in text and "Source" in text
    assert page.url.endswith("/en.html")  # a highlight in a link opens its pop-up, not the link
    screenshot(page, "extension-popup.png")
    page.keyboard.press("Escape")
    assert popup.is_hidden()
    page.locator("body").focus()
    for _ in range(10):  # Tab reaches the first highlight (after the navigation's links)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "PW-MARK":
            break
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "confident: open the explanation" in focused
    page.keyboard.press("Enter")
    assert popup.is_visible() and "confident" in popup.inner_text()
    page.keyboard.press("Escape")
    assert popup.is_hidden()
    assert page.evaluate("document.activeElement.tagName") == "PW-MARK"  # focus came back
    page.close()


def test_the_confidence_control_hides_the_less_confident(reader: Browser, pages: Pages):
    page = reader.open(pages.base + "/en.html")
    result = reader.analyse(page)
    control = page.locator("pw-root input[type=range]")
    control.fill("40")
    shown = page.locator("pw-mark:not([data-pw-off])")
    assert 0 < shown.count() < page.locator("pw-mark").count()
    assert f"Showing {result['placed']}" not in panel_text(page) and "Showing" in panel_text(page)
    control.fill("100")
    assert shown.count() == 0
    page.close()


def test_words_that_changed_meanwhile_are_not_placed(reader: Browser, pages: Pages):
    page = reader.open(pages.base + "/en.html")
    change = "(p) => { p.lastChild.data = p.lastChild.data.replace('outrageous', 'brave'); }"
    reader.while_analysing = lambda: page.locator("article p").nth(2).evaluate(change)
    result = reader.analyse(page)
    spans = reader.answers[0]["spans"]
    changed = [s for s in spans if "outrageous" in s["text"]]
    assert changed, "the model finds a span over the changed word"
    assert result["notPlaced"] == len(changed) and result["placed"] == len(spans) - len(changed)
    assert "brave" not in "".join(marks_by_span(page).values())
    assert f"{len(changed)} not placed" in panel_text(page)
    page.close()


def test_the_selection_alone(reader: Browser, pages: Pages):
    page = reader.open(pages.base + "/en.html")
    page.evaluate("getSelection().selectAllChildren(document.querySelectorAll('article p')[2])")
    result = reader.analyse(page, "selection")
    paragraph = (
        "A spokesman said the opposition was a gang of criminals and terrorists. This is an "
        "outrageous attack on democracy!"
    )
    assert [body["text"] for body in reader.sent] == [paragraph]
    assert result["notPlaced"] == 0 and result["placed"] > 0
    marked = page.evaluate(
        "[...document.querySelectorAll('pw-mark')].every("
        "(m) => document.querySelectorAll('article p')[2].contains(m))"
    )
    assert marked
    page.close()


def test_a_wrong_token_says_so(reader: Browser, pages: Pages, server: str):
    reader.configure(server, "not-the-token-0123456789")
    page = reader.open(pages.base + "/en.html")
    result = reader.analyse(page)
    assert "refused the access token" in result["error"]
    alert = page.locator("pw-root [role=alert]")
    assert "refused the access token: set the right one" in alert.inner_text()
    screenshot(page, "extension-wrong-token.png")
    reader.configure(server, "")
    result = reader.analyse(page)
    assert "needs an access token: set it in the extension's options" in result["error"]
    assert page.locator("pw-mark").count() == 0
    page.close()


def test_a_server_that_is_down_says_so(reader: Browser, pages: Pages):
    down = f"http://127.0.0.1:{free_port()}"
    reader.configure(down, TOKEN)
    page = reader.open(pages.base + "/en.html")
    # Playwright's interception waits forever on a refused connection: let this one through
    reader.context.unroute("**/*")
    try:
        result = reader.analyse(page)
    finally:
        reader.context.route("**/*", reader.record)
    message = f"Cannot reach the propwatch server at {down}: start it with “propwatch serve”"
    assert message in result["error"]
    assert message in page.locator("pw-root [role=alert]").inner_text()
    page.close()


def test_the_options_page_says_the_promise_and_keeps_the_settings(reader: Browser):
    page = reader.open(f"chrome-extension://{reader.extension_id}/options/options.html")
    assert "talks to no other host" in page.locator(".privacy").inner_text()
    page.get_by_label("propwatch server").fill("http://127.0.0.1:9000/")
    page.get_by_label("Access token").fill(" secret-token-0123456789 ")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    stored = reader.worker.evaluate("chrome.storage.local.get(null)")
    assert stored == {"server": "http://127.0.0.1:9000", "token": "secret-token-0123456789"}
    page.get_by_label("propwatch server").fill("ftp://example")
    page.get_by_role("button", name="Save").click()
    assert "must be an http:// or https:// URL" in page.get_by_role("status").inner_text()
    page.set_viewport_size({"width": 1280, "height": 760})
    page.get_by_label("propwatch server").fill("http://127.0.0.1:8000")
    page.get_by_role("status").evaluate("(status) => { status.textContent = ''; }")
    screenshot(page, "extension-options.png")
    for item in ("propwatch-page", "propwatch-selection"):  # the context menu has both items
        assert reader.worker.evaluate(f"chrome.contextMenus.update('{item}', {{}}).then(() => 1)")
    page.close()


def test_the_example_article_shows_what_propwatch_analyze_finds(
    reader: Browser, pages: Pages, example: dict[str, Any]
):
    expected = Counter((span["technique"], words(span["text"])) for span in example["spans"])
    page = reader.open(pages.base + "/example.html")
    started = time.perf_counter()
    result = reader.analyse(page)
    seconds = time.perf_counter() - started
    assert [body["text"] for body in reader.sent] == [example["text"]]  # the text it analysed
    spans = reader.answers[0]["spans"]
    drawn = marks_by_span(page)
    shown = Counter((spans[i]["technique"], words(text)) for i, text in drawn.items())
    assert result["notPlaced"] == 0 and result["placed"] == sum(expected.values())
    assert shown == expected
    timing = {"click_to_highlights_s": round(seconds, 3), "in_page_ms": result["milliseconds"]}
    (ARTIFACTS / "extension-timing.json").write_text(json.dumps(timing) + "\n", encoding="utf-8")
    screenshot(page, "extension-article.png")
    page.close()


def test_no_request_leaves_for_another_host(reader: Browser, pages: Pages, server: str):
    page = reader.open(pages.base + "/en.html")
    reader.analyse(page)
    page.locator("pw-mark").first.click()
    hosts = {re.sub(r"^(\w+(-\w+)?://[^/]+).*", r"\1", url) for url in reader.requests}
    assert hosts <= set(reader.allowed)
    assert f"{server}/v1/analyze" in reader.requests  # the recording sees the extension's own
    page.close()
