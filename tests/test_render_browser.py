"""The HTML report in a real headless Chromium: highlights, explanation panel, filters, no XSS.

Uses Debian's Chromium at /usr/bin/chromium (Playwright cannot download its own browsers here);
`scripts/ensure-chromium.sh` installs it when missing and we have root. The screenshot of the
example article's report lands in test-artifacts/report.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import ARTIFACTS
from propwatch.analysis import Analysis, KeyWord
from propwatch.render.html import render_html
from test_render import EXAMPLE, hand_analysis, hostile_analysis

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.slow

# Each would set window.__xss if the page ever ran article text as code.
XSS = (
    '<img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=1</script>",
    "<svg onload=window.__xss=1>",
)


class Report:
    """A page opened from a report file, recording every console error and uncaught exception."""

    def __init__(self, browser: Browser, path: Path, width: int = 1280) -> None:
        self.errors: list[str] = []
        self.page: Page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri())

    def marks_of(self, technique_id: str) -> Locator:
        return self.page.locator(f"mark.hl[data-techniques~='{technique_id}']")

    def assert_clean(self) -> None:
        """No console error (CSP violations are errors too) and no injected code ran."""
        assert self.errors == []
        assert self.page.evaluate("typeof window.__xss") == "undefined"


def write(tmp_path: Path, analysis: Analysis, name: str) -> Path:
    path = tmp_path / name
    path.write_text(render_html(analysis), encoding="utf-8")
    return path


def with_payloads(analysis: Analysis) -> Analysis:
    """Payloads in the URL, the title and a span's source, on top of those in the text."""
    spans = list(analysis.spans)
    if spans:
        spans[0] = replace(spans[0], voice="reported", source=XSS[0])
    return replace(
        analysis, title=XSS[1], url="javascript:window.__xss=1//" + XSS[2], spans=tuple(spans)
    )


@pytest.fixture
def hostile(browser: Browser, tmp_path: Path) -> Iterator[Report]:
    analysis = hostile_analysis()
    text = analysis.text + "".join(f"\n{payload} is text.\n" for payload in XSS)
    analysis = with_payloads(replace(analysis, text=text))
    report = Report(browser, write(tmp_path, analysis, "hostile.html"))
    yield report
    report.page.close()


def test_highlights_are_present_and_visible(hostile: Report):
    marks = hostile.page.locator("mark.hl")
    assert marks.count() >= 3
    for i in range(marks.count()):
        assert marks.nth(i).is_visible()
    colour = marks.first.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert hostile.page.locator("#article .lab").first.is_visible()  # the technique's name
    hostile.assert_clean()


def test_payloads_show_as_text(hostile: Report):
    article = hostile.page.locator("#article").inner_text()
    for payload in XSS:
        assert payload in article
    assert "javascript:" in hostile.page.locator(".url").inner_text()
    assert hostile.page.locator("#article img, #article svg, #article script").count() == 0
    assert hostile.page.locator("a[href^='javascript:' i]").count() == 0
    hostile.assert_clean()


def test_click_opens_the_explanation(hostile: Report):
    page = hostile.page
    panel = page.locator("#pw-panel")
    assert panel.is_hidden()
    mark = hostile.marks_of("name_calling").first
    mark.click()
    assert panel.is_visible()
    text = panel.inner_text()
    assert "Name calling / labeling" in text
    assert "Pins a label on a person or group" in text  # the definition
    assert "70% confident" in text and "Reported speech" in text
    assert "<script>alert(1)</script>" in text  # the hostile source, as text
    assert mark.get_attribute("aria-expanded") == "true"
    page.locator("#pw-panel .close").click()
    assert panel.is_hidden()
    hostile.assert_clean()


def test_hover_previews_and_keyboard_opens(hostile: Report):
    page = hostile.page
    panel = page.locator("#pw-panel")
    mark = hostile.marks_of("appeal_to_fear_prejudice").first
    mark.hover()
    assert panel.is_visible() and "Appeal to fear / prejudice" in panel.inner_text()
    page.mouse.move(2, 2)
    panel.wait_for(state="hidden", timeout=3000)
    mark.focus()
    page.keyboard.press("Enter")
    assert panel.is_visible()
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.tagName") == "MARK"  # focus returns
    page.keyboard.press(" ")
    assert panel.is_visible()
    hostile.assert_clean()


def test_filter_hides_highlights(hostile: Report):
    page = hostile.page
    only_loaded = page.locator("mark.hl[data-techniques='loaded_language']")
    assert only_loaded.count() >= 1
    box = page.get_by_role("checkbox", name=re.compile("Loaded language"))
    box.uncheck()
    for i in range(only_loaded.count()):
        mark = only_loaded.nth(i)
        assert "off" in (mark.get_attribute("class") or "")
        assert mark.evaluate("m => getComputedStyle(m).backgroundColor") == "rgba(0, 0, 0, 0)"
        assert mark.get_attribute("tabindex") == "-1"
    assert page.locator("#article .lab.t-loaded_language").first.is_hidden()
    assert "Showing" in page.locator(".filters .status").inner_text()
    box.check()
    assert "off" not in (only_loaded.first.get_attribute("class") or "")
    page.get_by_role("button", name="Hide all").click()
    assert page.locator("mark.hl:not(.off)").count() == 0
    hostile.assert_clean()


def test_confidence_slider_hides_less_confident_spans(hostile: Report):
    page = hostile.page
    fear = hostile.marks_of("appeal_to_fear_prejudice").first  # confidence 0.6, the lowest
    page.locator("#opt-conf").fill("700")
    assert "off" in (fear.get_attribute("class") or "")
    assert "off" not in (hostile.marks_of("loaded_language").first.get_attribute("class") or "")
    assert page.locator("#opt-conf-out").inner_text() == "70%"
    page.locator("#opt-conf").fill("0")
    assert "off" not in (fear.get_attribute("class") or "")
    hostile.assert_clean()


def test_overlap_shows_the_visible_technique(browser: Browser, tmp_path: Path):
    report = Report(browser, write(tmp_path, hand_analysis(), "overlap.html"))
    page = report.page
    nested = page.locator("mark.hl", has_text=re.compile("^shameful disgrace$"))
    assert "multi" in nested.get_attribute("class") and "t-loaded_language" in nested.get_attribute(
        "class"
    )
    nested.click()
    assert "2 techniques overlap here" in page.locator("#pw-panel").inner_text()
    page.get_by_role("checkbox", name=re.compile("Loaded language")).uncheck()
    classes = nested.get_attribute("class")
    assert "t-name_calling" in classes and "multi" not in classes  # the other one shows through
    report.assert_clean()
    report.page.close()


def test_example_report_and_screenshot(browser: Browser, tmp_path: Path):
    """analyze() end to end on the example article with payloads appended; keeps a screenshot."""
    if not EXAMPLE.is_file():
        pytest.skip(f"{EXAMPLE} is not beside the repository")
    from propwatch import analyze

    text = EXAMPLE.read_text(encoding="utf-8") + "".join(f"\n\n{p} is text." for p in XSS)
    analysis = analyze(text)
    assert analysis.spans, "the shipped model found nothing in the example article"
    report = Report(browser, write(tmp_path, analysis, "report.html"))
    page = report.page
    marks = page.locator("mark.hl")
    assert marks.count() >= len(analysis.spans)
    assert marks.first.is_visible()
    marks.nth(min(3, marks.count() - 1)).click()
    panel = page.locator("#pw-panel")
    assert panel.is_visible() and "confident" in panel.inner_text()
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    report.assert_clean()
    report.page.close()


def test_reported_speech_is_underlined_only_on_request(hostile: Report):
    page = hostile.page
    reported = page.locator(".article .rep").first
    style = "el => getComputedStyle(el).textDecorationLine"
    assert reported.evaluate(style) == "none"
    page.get_by_label("Underline reported speech").check()
    assert reported.evaluate(style) == "underline"
    hostile.assert_clean()


def test_on_a_phone_the_article_comes_right_after_the_key_figures(browser: Browser, tmp_path: Path):
    report = Report(browser, write(tmp_path, hand_analysis(), "phone.html"), width=390)
    top_of = "sel => document.querySelector(sel).getBoundingClientRect().top + window.scrollY"
    article, stats, voices = (
        report.page.evaluate(top_of, selector) for selector in ("#article", ".stats", ".who")
    )
    assert stats < article < 800 < voices  # the voices and sources panels follow the article
    report.assert_clean()
    report.page.close()


PAGE_BOXES = """el => Array.from(el.getClientRects()).map(r => (
    {left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX,
     bottom: r.bottom + scrollY}))"""


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def panel_box(page: Page) -> dict[str, float]:
    (box,) = page.locator("#pw-panel").evaluate(PAGE_BOXES)
    return box


@pytest.mark.parametrize(
    ("width", "where"),  # above the line; beside the article when the line is at the top
    [(1280, "center"), (820, "center"), (1280, "start")],
)
def test_the_popup_never_covers_the_highlight_or_the_next_one(
    browser: Browser, tmp_path: Path, width: int, where: str
):
    report = Report(browser, write(tmp_path, hand_analysis(), "popup.html"), width=width)
    page = report.page
    marks = page.locator("mark.hl")
    assert marks.count() > 3
    for i in range(marks.count() - 1):
        mark, following = marks.nth(i), marks.nth(i + 1)
        mark.evaluate(f"m => m.scrollIntoView({{block: '{where}'}})")
        mark.focus()
        page.keyboard.press("Enter")
        assert page.locator("#pw-panel").is_visible()
        panel = panel_box(page)
        for box in mark.evaluate(PAGE_BOXES) + following.evaluate(PAGE_BOXES):
            assert not overlaps(panel, box), f"pop-up of mark {i} covers {box}"
        page.keyboard.press("Escape")
    report.assert_clean()
    report.page.close()


def test_on_a_phone_the_sheet_leaves_the_highlight_in_view(browser: Browser, tmp_path: Path):
    report = Report(browser, write(tmp_path, hand_analysis(), "phone.html"), width=390)
    page = report.page
    mark = page.locator("mark.hl").last
    mark.evaluate("m => m.scrollIntoView({block: 'end'})")  # where the sheet will open
    mark.focus()
    page.keyboard.press("Enter")
    panel = panel_box(page)
    assert all(not overlaps(panel, box) for box in mark.evaluate(PAGE_BOXES))
    report.assert_clean()
    report.page.close()


def test_the_popup_puts_the_words_that_weighed_most_in_bold(browser: Browser, tmp_path: Path):
    analysis = hand_analysis()
    spans = list(analysis.spans)
    i = next(i for i, s in enumerate(spans) if s.text.startswith("Either we stop"))
    words = [
        KeyWord(spans[i].start + at, spans[i].start + at + len(word), word)
        for word in ("stop", "forever")
        for at in [spans[i].text.index(word)]
    ]
    spans[i] = replace(spans[i], key_words=tuple(words))
    report = Report(browser, write(tmp_path, replace(analysis, spans=tuple(spans)), "kw.html"))
    page = report.page
    page.locator("mark.hl[data-techniques~='black_and_white_fallacy']").first.click()
    panel = page.locator("#pw-panel")
    assert panel.locator("strong.kw").all_inner_texts() == ["stop", "forever"]
    assert "the words that weighed most for Black-and-white fallacy" in panel.inner_text()
    quote = panel.locator(".quote").first.inner_text()
    assert quote == f"\u201c{spans[i].text}\u201d"  # the bold words stay in their place
    report.assert_clean()
    report.page.close()


# Each label's box, the last line box of its highlight, and the box of the first character after
# the highlight's labels (null when that is white space, which may end a line).
LABEL_LINES = """article => {
  const marks = Array.from(article.querySelectorAll('mark.hl'));
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  return Array.from(article.querySelectorAll('.lab[data-span]')).map(lab => {
    const own = marks.filter(m => m.dataset.spans.split(' ').includes(lab.dataset.span));
    const lines = own[own.length - 1].getClientRects();
    walker.currentNode = lab;
    let next = walker.nextNode();
    while (next && next.parentElement.closest('.lab')) next = walker.nextNode();
    let after = null;
    if (next && /\\S/.test(next.data[0])) {
      const range = document.createRange();
      range.setStart(next, 0);
      range.setEnd(next, 1);
      after = range.getBoundingClientRect().toJSON();
    }
    return {label: lab.getBoundingClientRect().toJSON(), line: lines[lines.length - 1].toJSON(),
            after: after, text: own[own.length - 1].textContent};
  });
}"""


SELECT_ARTICLE = """() => {
  const range = document.createRange();
  range.selectNodeContents(document.getElementById('article'));
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  return getSelection().toString();
}"""


def label_article() -> Analysis:
    """Spans ending at every few characters along the lines, each followed by punctuation."""
    filler = "alpha be gamma delta ep zeta eta theta iota kappa lambda mu nu xi"
    sentences = [f"{filler[: 5 * (i % 13)]} the warlords{'.,;:!?'[i % 6]}" for i in range(60)]
    text = "Headline of the test\n\n" + " ".join(sentences)
    marks = [("warlords", i, "name_calling", 0.7, "outlet", None) for i in range(60)]
    return hand_analysis(text, marks)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_label_stays_on_the_line_of_its_highlight(browser: Browser, tmp_path: Path, width: int):
    analysis = label_article()
    report = Report(browser, write(tmp_path, analysis, "labels.html"), width=width)
    found = report.page.locator("#article").evaluate(LABEL_LINES)
    assert len(found) == 60
    for box in found:
        line, label, after = box["line"], box["label"], box["after"]
        assert line["top"] - 2 <= label["top"] and label["bottom"] <= line["bottom"] + 2, box
        assert after and line["top"] - 2 <= after["top"] and after["bottom"] <= line["bottom"] + 2
    assert report.page.evaluate(SELECT_ARTICLE) == analysis.text  # a copy leaves the labels out
    report.assert_clean()
    report.page.close()


def test_on_a_phone_the_sentence_table_gives_the_sentence_the_width(
    browser: Browser, tmp_path: Path
):
    report = Report(browser, write(tmp_path, hand_analysis(), "table.html"), width=390)
    page = report.page
    table = page.locator(".scores table").bounding_box()
    sentences = page.locator(".scores tbody td:nth-child(2)")
    assert table and sentences.count() >= 3
    for i in range(sentences.count()):
        cell = sentences.nth(i).bounding_box()
        assert cell and cell["width"] >= 0.6 * table["width"]
    report.assert_clean()
    report.page.close()


def test_the_voice_note_keeps_a_gap_below_the_key(browser: Browser, tmp_path: Path):
    report = Report(browser, write(tmp_path, hand_analysis(), "voice.html"))
    keys = report.page.locator(".voice .keys").bounding_box()
    note = report.page.locator(".voice .note").bounding_box()
    assert keys and note and note["y"] - (keys["y"] + keys["height"]) >= 8
    report.assert_clean()
    report.page.close()
