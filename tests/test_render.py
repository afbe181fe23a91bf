"""JSON and HTML output: schema validity, a self-contained page, escaping, overlapping spans."""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.analysis import (
    SCHEMA_VERSION,
    Analysis,
    SectionResult,
    SentenceResult,
    SpanResult,
    summarise,
)
from propwatch.article import parse_article
from propwatch.errors import PropwatchError
from propwatch.render.html import render_html
from propwatch.render.json_output import render_json
from propwatch.render.terminal import CLOSE, OPEN
from propwatch.schema import load_schema, validate
from propwatch.structure.types import Attribution
from propwatch.techniques import TECHNIQUE_NAMES, TECHNIQUES, by_id
from terminal_palettes import NEUTRAL, PALETTES, coloured_runs, contrast

EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "syria-at-tanf.txt"
ROOT = Path(__file__).resolve().parents[1]
TYPICAL_FILE = ROOT / "src" / "propwatch" / "model" / "shipped" / "reference.json"

ARTICLE = """\
Officials slam reckless plan as a disgrace

City Hall unveiled the plan on Monday. Critics called it a reckless, shameful disgrace.

"This is a betrayal of every patriot in this city," said Mayor Ann Lee.

Editorial comment

Either we stop this folly now or we lose our city forever.
"""

# (phrase, occurrence, technique id, confidence, voice, source)
MARKS = [
    ("reckless plan", 0, "loaded_language", 0.71, "outlet", None),
    ("a disgrace", 0, "name_calling", 0.55, "outlet", None),
    ("reckless, shameful disgrace", 0, "loaded_language", 0.83, "outlet", None),
    ("shameful disgrace", 0, "name_calling", 0.64, "outlet", None),  # inside the one above
    ("betrayal of every patriot", 0, "flag_waving", 0.58, "reported", "Mayor Ann Lee"),
    ("a betrayal", 0, "loaded_language", 0.77, "reported", "Mayor Ann Lee"),  # crosses it
    (
        "Either we stop this folly now or we lose our city forever",
        0,
        "black_and_white_fallacy",
        0.62,
        "outlet",
        None,
    ),
    ("folly", 0, "loaded_language", 0.9, "outlet", None),
]


def find(text: str, phrase: str, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    return start


def hand_analysis(
    text: str = ARTICLE,
    marks: list = MARKS,
    title: str | None = None,
    url: str | None = "https://example.org/news/plan",
) -> Analysis:
    """An Analysis built by hand from the dataclasses, without the model or the structure stage."""
    article = parse_article(text)
    opinion = text.find("Editorial comment")
    bounds = [article.paragraphs[0].start if article.paragraphs else 0, len(text)]
    if opinion > 0:
        bounds.insert(1, opinion)
    sections = [(a, b, "opinion" if a == opinion else "report") for a, b in pairwise(bounds)]

    def section_of(offset: int) -> int | None:
        return next((i for i, (a, b, _) in enumerate(sections) if a <= offset < b), None)

    spans = []
    for phrase, occurrence, technique_id, confidence, voice, source in marks:
        start = find(text, phrase, occurrence)
        end = start + len(phrase)
        spans.append(
            SpanResult(
                start,
                end,
                text[start:end],
                by_id(technique_id).name,
                technique_id,
                confidence,
                article.sentence_at(start),
                section_of(start),
                voice,
                source,
            )
        )
    spans.sort(key=lambda s: (s.start, s.end))
    sentences = tuple(
        SentenceResult(
            s.start,
            s.end,
            s.text,
            max((x.confidence for x in spans if x.sentence == i), default=0.05),
            tuple(dict.fromkeys(x.technique_id for x in spans if x.sentence == i)),
        )
        for i, s in enumerate(article.sentences)
    )
    section_results = []
    for i, (a, b, kind) in enumerate(sections):
        words = len(text[a:b].split())
        count = sum(1 for s in spans if s.section == i)
        heading = "Editorial comment" if kind == "opinion" else None
        section_results.append(
            SectionResult(a, b, kind, heading, words, count, round(1000 * count / max(words, 1), 2))
        )
    attributions = tuple(Attribution(s.start, s.end, s.source, "said") for s in spans if s.source)
    return Analysis(
        schema_version=SCHEMA_VERSION,
        model="test-model",
        min_confidence=0.0,
        text=text,
        title=title if title is not None else (article.title.text if article.title else None),
        url=url,
        spans=tuple(spans),
        sentences=sentences,
        sections=tuple(section_results),
        attributions=attributions[:1],
        summary=summarise(article, tuple(spans), sentences),
    )


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return hand_analysis()


@pytest.fixture(scope="module")
def example_analysis() -> Analysis:
    """analyze() end to end on the example article: the real model and structure stage."""
    if not EXAMPLE.is_file():
        pytest.skip(f"{EXAMPLE} is not beside the repository")
    from propwatch import analyze

    return analyze(EXAMPLE.read_text(encoding="utf-8"))


# --- JSON and its schema -----------------------------------------------------------------------


def test_json_output_validates_against_the_schema(analysis: Analysis):
    output = render_json(analysis)
    document = json.loads(output)
    validate(document)
    assert document == json.loads(json.dumps(analysis.to_dict()))
    assert "\\u" not in output  # ensure_ascii=False: text stays readable
    assert output.startswith("{\n  ")


def test_dataclass_dict_validates_too(analysis: Analysis):
    validate(analysis.to_dict())  # tuples count as arrays


def test_analyze_output_validates_against_the_schema(example_analysis: Analysis):
    validate(json.loads(render_json(example_analysis)))


def test_schema_describes_every_field_and_follows_the_taxonomy():
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert schema["$defs"]["technique_id"]["enum"] == [t.id for t in TECHNIQUES]
    assert schema["$defs"]["technique_name"]["enum"] == list(TECHNIQUE_NAMES)
    assert list(schema["required"]) == list(Analysis.__dataclass_fields__)

    def walk(node: dict, where: str) -> None:
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{where}.{name} has no description"
            walk(sub, f"{where}.{name}")

    walk(schema, "$")
    for name, definition in schema["$defs"].items():
        walk(definition, f"$defs.{name}")


def broken(analysis: Analysis, change) -> dict:
    document = copy.deepcopy(json.loads(render_json(analysis)))
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["spans"][0].update(confidence=1.5), "$.spans[0].confidence"),
        (lambda d: d["spans"][1].update(technique_id="propaganda"), "$.spans[1].technique_id"),
        (lambda d: d["spans"][0].pop("voice"), "$.spans[0]"),
        (lambda d: d["sections"][0].update(kind="sports"), "$.sections[0].kind"),
        (lambda d: d["summary"]["by_technique"].pop("doubt"), "$.summary.by_technique"),
        (lambda d: d.update(extra=1), "$"),
        (lambda d: d.update(schema_version="2.0"), "$.schema_version"),
        (lambda d: d["sentences"][0].update(score="high"), "$.sentences[0].score"),
        (lambda d: d["spans"][0].update(source="Interfax"), "$.spans[0].source"),  # outlet voice
    ],
)
def test_schema_rejects_a_broken_document(analysis: Analysis, change, where: str):
    with pytest.raises(PropwatchError) as error:
        validate(broken(analysis, change))
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"invalid analysis at {where}:")


def test_schema_error_stays_one_short_line(analysis: Analysis):
    document = broken(analysis, lambda d: d.update(text=["x\n" * 10_000]))
    with pytest.raises(PropwatchError) as error:
        validate(document)
    assert "\n" not in str(error.value) and len(str(error.value)) < 400


def test_render_json_refuses_nan(analysis: Analysis):
    span = replace(analysis.spans[0], confidence=float("nan"))
    with pytest.raises(PropwatchError, match="not a number"):
        render_json(replace(analysis, spans=(span, *analysis.spans[1:])))


# --- HTML ----------------------------------------------------------------------------------------

EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|@import|url\(\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)


def test_html_is_self_contained(analysis: Analysis):
    page = render_html(analysis)
    assert page.startswith("<!doctype html>")
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "<link rel='stylesheet'" not in page and "<script src" not in page
    assert "default-src 'none'" in csp(page)  # the browser refuses any fetch
    assert "https://example.org/news/plan" in page  # the URL is shown as text, not linked


def test_html_is_accessible_at_the_markup_level(analysis: Analysis):
    page = render_html(analysis)
    assert "<html lang='en'>" in page
    assert page.count("<h1>") == 1 and "<h2" in page
    for box in re.findall(r"<input[^>]*>", page):  # every control sits inside a <label>
        before = page[: page.index(box)]
        opened = max(before.rfind("<label>"), before.rfind("<label "))
        assert opened > before.rfind("</label>"), box
    for mark in re.findall(r"<mark [^>]*>", page):
        assert "tabindex='0'" in mark and "role='button'" in mark
        for target in re.search(r"aria-describedby='([^']*)'", mark).group(1).split():
            assert f"id='{target}'" in page


def test_every_span_is_highlighted_with_its_technique_named(analysis: Analysis):
    page = render_html(analysis)
    marks = re.findall(r"<mark [^>]*data-spans='([^']*)'", page)
    covered = {int(i) for ids in marks for i in ids.split()}
    assert covered == set(range(len(analysis.spans)))
    for technique_id in {s.technique_id for s in analysis.spans}:
        assert by_id(technique_id).display_name in page  # named, not only coloured
        assert f"lab t-{technique_id}" in page


def article_text_of(page: str) -> str:
    """The article as the reader sees it: the #article element without tags and labels."""
    body = page.split("<div id='article' class='article' tabindex='-1'>", 1)[1]
    body = body.split("</div></section>", 1)[0]
    body = re.sub(r"<span class='(?:lab|secmark)[^>]*>[^<]*</span>", "", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def coverage_of(page: str) -> list[set[int]]:
    """For each character of the article as rendered, the spans its <mark> lists."""
    body = page.split("<div id='article' class='article' tabindex='-1'>", 1)[1]
    body = body.split("</div></section>", 1)[0]
    body = re.sub(r"<span class='(?:lab|secmark)[^>]*>[^<]*</span>", "", body)
    covered: list[set[int]] = []
    spans: set[int] = set()
    for token in re.findall(r"<[^>]+>|[^<]+", body):
        if token.startswith("<mark "):
            spans = {int(i) for i in re.search(r"data-spans='([^']*)'", token).group(1).split()}
        elif token == "</mark>":
            spans = set()
        elif not token.startswith("<"):
            covered.extend(set(spans) for _ in html.unescape(token))
    return covered


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("ab <>&'\"\n.é🙂\u0301"), min_size=1, max_size=60),
    cuts=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=8),
)
def test_any_overlap_renders_every_character_once_with_its_spans(text: str, cuts: list):
    spans = tuple(
        SpanResult(
            a,
            min(a + n, len(text)),
            text[a : a + n],
            "Doubt",
            "doubt",
            0.5,
            None,
            None,
            "outlet",
            None,
        )
        for a, n in cuts
        if a < len(text)
    )
    article = SimpleNamespace(text=text)
    analysis = Analysis(
        SCHEMA_VERSION, "m", 0.0, text, None, None, spans, (), (), (), summarise(article, spans, ())
    )
    page = render_html(analysis)
    assert article_text_of(page) == text
    expected = [{i for i, s in enumerate(spans) if s.start <= c < s.end} for c in range(len(text))]
    assert coverage_of(page) == expected


def test_overlapping_spans_render_as_segments(analysis: Analysis):
    page = render_html(analysis)
    assert article_text_of(page) == analysis.text  # nothing lost, nothing doubled
    pieces = dict(
        (html.unescape(text), spans)
        for spans, text in re.findall(r"<mark [^>]*data-spans='([^']*)'[^>]*>([^<]*)</mark>", page)
    )
    # "a reckless, shameful disgrace": "shameful disgrace" is covered twice, most confident first.
    loaded = next(
        i for i, s in enumerate(analysis.spans) if s.text == "reckless, shameful disgrace"
    )
    nested = next(i for i, s in enumerate(analysis.spans) if s.text == "shameful disgrace")
    assert pieces["reckless, "] == str(loaded)
    assert pieces["shameful disgrace"] == f"{loaded} {nested}"
    # Crossing spans: "a betrayal" and "betrayal of every patriot" share "betrayal".
    assert len(pieces["betrayal"].split()) == 2
    multi = re.search(r"<mark class='([^']*)'[^>]*>shameful disgrace</mark>", page).group(1)
    assert "multi" in multi and "t-loaded_language" in multi  # the more confident colour


PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>window.__xss=1</script>",
    "' onmouseover='alert(1)",
]


def hostile_analysis() -> Analysis:
    text = (
        "Hostile <script>alert(1)</script> headline\n\n"
        'They are "><img src=x onerror=alert(1)> traitors. '
        "The end </script><script>window.__xss=1</script> is near, said ' onmouseover='alert(1).\n"
    )
    marks = [
        ("<script>alert(1)</script>", 0, "loaded_language", 0.8, "outlet", None),
        (
            '"><img src=x onerror=alert(1)> traitors',
            0,
            "name_calling",
            0.7,
            "reported",
            "<script>alert(1)</script>",
        ),
        (
            "</script><script>window.__xss=1</script>",
            0,
            "appeal_to_fear_prejudice",
            0.6,
            "reported",
            "' onmouseover='alert(1)",
        ),
    ]
    return hand_analysis(text, marks, url="javascript:alert(1)")


def test_article_markup_renders_as_text():
    analysis = hostile_analysis()
    page = render_html(analysis)
    for payload in PAYLOADS:
        assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "href='javascript:" not in page.lower() and 'href="javascript:' not in page.lower()
    assert "javascript:alert(1)" in page  # shown as text
    assert page.lower().count("</script>") == page.lower().count("<script")  # none broken out
    assert article_text_of(page) == analysis.text


def test_embedded_json_cannot_break_out_and_round_trips():
    analysis = hostile_analysis()
    page = render_html(analysis)
    raw = re.search(r"<script type='application/json' id='pw-data'>(.*?)</script>", page, re.S)
    assert raw and "<" not in raw.group(1) and ">" not in raw.group(1) and "&" not in raw.group(1)
    data = json.loads(raw.group(1))
    assert [s["text"] for s in data["spans"]] == [s.text for s in analysis.spans]
    assert data["spans"][1]["source"] == "<script>alert(1)</script>"


def test_only_our_script_may_run(analysis: Analysis):
    page = render_html(analysis)
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = dict(part.strip().split(" ", 1) for part in csp(page).split(";"))
    assert (
        policy["script-src"] == f"'sha256-{digest}'"
    )  # no 'unsafe-inline': injected code stays inert
    assert policy["default-src"] == "'none'"


def csp(page: str) -> str:
    meta = re.search(r"<meta http-equiv='Content-Security-Policy' content='([^']*)'>", page)
    assert meta, "no Content-Security-Policy"
    return html.unescape(meta.group(1))


def test_empty_article_renders():
    analysis = hand_analysis("", [], url=None)
    page = render_html(analysis)
    assert "Untitled article" in page and "<mark" not in page


def test_html_for_the_example_article(example_analysis: Analysis):
    page = render_html(example_analysis)
    assert article_text_of(page) == example_analysis.text
    assert page.count("<mark ") >= len(example_analysis.spans) > 0
    assert not EXTERNAL.search(page)


def terminal_output(analysis: Analysis, **console: object) -> str:
    from io import StringIO

    from rich.console import Console

    from propwatch.render.terminal import render

    out = StringIO()
    render(analysis, Console(file=out, width=200, **console))  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("console", [{"no_color": True}, {}])  # NO_COLOR, and piped
def test_without_colour_both_ends_are_marked_with_numbered_notes(console: dict):
    analysis = hand_analysis()
    out = terminal_output(analysis, **console)
    assert "\x1b[" not in out
    assert "Critics called it a ⟦reckless, ⟦shameful disgrace⟧⁴⟧³." in out  # nested
    assert '"This is ⟦a ⟦betrayal⟧⁵ of every patriot⟧⁶ in this city,"' in out  # crossing
    assert "⟦Either we stop this ⟦folly⟧⁸ now or we lose our city forever⟧⁷." in out
    lines = out.splitlines()
    critics = next(i for i, line in enumerate(lines) if line.startswith("City Hall unveiled"))
    assert lines[critics + 1 : critics + 4] == [
        "   ³ Loaded language, confidence 83%: “reckless, shameful disgrace”",
        "   ⁴ Name calling / labeling, confidence 64%: “shameful disgrace”",
        "",
    ]
    numbered = re.findall(r"⟧([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", out)
    assert len(numbered) == len(analysis.spans) == len(set(numbered))


def test_with_colour_each_tag_carries_its_confidence():
    out = terminal_output(hand_analysis(), force_terminal=True, color_system="truecolor")
    assert "\x1b[" in out and "⟦" not in out
    assert "[Black-and-white fallacy 62%]" in out  # as the notes, the legend and the report


def pseudo_terminal_output(command: list[str], **environment: str) -> str:
    """What `command` writes to a real terminal (a pseudo-terminal 200 columns wide)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    inherited = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env = {**inherited, "TERM": "xterm-256color", "COLUMNS": "200", **environment}
    process = subprocess.Popen(
        [sys.executable, "-c", "from propwatch.cli import main; main()", *command],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


@pytest.fixture(scope="module")
def hand_article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("terminal") / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_no_color_on_a_real_terminal_marks_both_ends(hand_article: Path):
    out = pseudo_terminal_output(["analyze", str(hand_article)], NO_COLOR="1")
    assert re.search(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38|48)[;m]", out) is None  # no colour at all
    opened, closed = out.count(OPEN), len(re.findall(f"{CLOSE}[⁰¹²³⁴⁵⁶⁷⁸⁹]+", out))
    assert opened == closed > 0


def test_a_real_terminal_gets_highlights_not_brackets(hand_article: Path):
    out = pseudo_terminal_output(["analyze", str(hand_article)])
    assert OPEN not in out and re.search(r"\x1b\[[0-9;]*48;5;", out)


def test_where_and_whose_counts_every_span_headline_included():
    analysis = hand_analysis()
    out = terminal_output(analysis)
    table = out.split("Where and whose")[1].split("outlet's own voice")[0]
    rows = re.findall(r"│ (\S[^│]*?)\s+│\s+(\d+) │\s+([\d.]+) │", table)
    assert rows[0][:2] == ("headline and dateline", "2")  # "reckless plan", "a disgrace"
    assert sum(int(spans) for _, spans, _ in rows) == len(analysis.spans)


def test_less_sure_spans_are_underlined_not_filled():
    sure, unsure = hand_analysis().spans[0], hand_analysis().spans[1]
    analysis = replace(hand_analysis(), spans=(sure, replace(unsure, confidence=0.12)))
    out = terminal_output(analysis, force_terminal=True, color_system="truecolor")
    filled = {text for text, _, _ in coloured_runs(out)}
    assert sure.text in filled and unsure.text not in filled
    assert re.search(f"\x1b\\[4m{re.escape(unsure.text)}\x1b", out)
    assert "1 of 2 spans are under 20% confidence, less sure; they are underlined" in out


def test_a_long_span_is_quoted_by_whole_words_and_its_note_wrapped():
    from propwatch.render.terminal import marked_text

    sentence = "Either we stop this folly now or we lose our city forever"
    text = f"Intro.\n\n{sentence} and everything we ever built together here.\n"
    long_span = sentence + " and everything we ever built together here"
    analysis = hand_analysis(text, [(long_span, 0, "black_and_white_fallacy", 0.6, "outlet", None)])
    notes = marked_text(analysis, width=60).split(f"{CLOSE}¹.")[1].strip("\n").splitlines()
    assert notes == [
        "   ¹ Black-and-white fallacy, confidence 60%: “Either we",
        "     stop this folly … we ever built together here”",
    ]


def every_technique() -> Analysis:
    """One span of each of the 14 techniques, on a line of its own."""
    text = "".join(f"Here the {t.id} fragment sits.\n" for t in TECHNIQUES)
    return hand_analysis(text, [(t.id, 0, t.id, 0.5, "outlet", None) for t in TECHNIQUES])


@pytest.mark.parametrize("system", ["standard", "windows"])
@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_sixteen_colour_highlights_read_on_light_and_dark_terminals(system: str, palette: str):
    out = terminal_output(every_technique(), force_terminal=True, color_system=system)
    runs = coloured_runs(out)
    highlighted = {text for text, _, _ in runs}
    assert {t.id for t in TECHNIQUES} <= highlighted  # each span and its legend row
    for text, ink, background in runs:
        assert isinstance(ink, int) and isinstance(background, int), text
        assert background not in NEUTRAL, f"{text!r} on ANSI {background}"
        ratio = contrast(PALETTES[palette][ink], PALETTES[palette][background])
        assert ratio >= 4.5, f"{palette}: {text!r} ANSI {ink} on {background}: {ratio:.2f}"


@pytest.mark.parametrize("system", ["256", "truecolor"])
def test_colour_terminal_highlights_keep_their_contrast(system: str):
    out = terminal_output(every_technique(), force_terminal=True, color_system=system)
    runs = coloured_runs(out)
    assert {t.id for t in TECHNIQUES} <= {text for text, _, _ in runs}
    for text, ink, background in runs:
        assert isinstance(ink, str) and isinstance(background, str), text
        assert contrast(ink, background) >= 4.5, f"{text!r}: {ink} on {background}"


def test_a_technique_has_one_colour_in_the_terminal_and_the_report():
    out = terminal_output(every_technique(), force_terminal=True, color_system="truecolor")
    css = re.findall(
        r"\.t-([a-z_]+)\{background-color:(#[0-9A-F]{6});color:(#[0-9A-F]{6})\}",
        render_html(every_technique()),
    )
    report = {t: (bg, ink) for t, bg, ink in css[: len(TECHNIQUES)]}  # the light theme's rules
    spans = {text: (background, ink) for text, ink, background in coloured_runs(out)}
    assert {t: spans[t] for t in report} == report


def test_less_sure_highlights_are_paler():
    sure, unsure = hand_analysis().spans[0], hand_analysis().spans[1]
    analysis = replace(hand_analysis(), spans=(sure, replace(unsure, confidence=0.12)))
    page = render_html(analysis)
    classes = {
        text: cls.split() for cls, text in re.findall(r"<mark class='([^']*)'[^>]*>([^<]*)<", page)
    }
    assert "faint" in classes[unsure.text] and "faint" not in classes[sure.text]
    assert "Paler highlights are less sure: under 20% confidence." in page


def test_a_span_that_reads_20_percent_is_not_drawn_as_under_20_percent():
    sure, unsure = hand_analysis().spans[0], hand_analysis().spans[1]
    analysis = replace(hand_analysis(), spans=(sure, replace(unsure, confidence=0.197)))
    page = render_html(analysis)
    marks = re.findall(r"<mark class='([^']*)'[^>]*>([^<]*)<", page)
    assert all("faint" not in cls.split() for cls, _ in marks)
    out = terminal_output(analysis, force_terminal=False)
    assert "20%" in out and "under 20%" not in out


def test_the_report_says_what_its_numbers_mean_and_what_is_typical():
    typical = json.loads(TYPICAL_FILE.read_text(encoding="utf-8"))
    page = render_html(replace(hand_analysis(), model=typical["model"]))  # the shipped model's
    guide = html.unescape(
        re.sub(r"<[^>]+>", " ", page.split("id='h-guide'")[1].split("</section>")[0])
    )
    for term in ("Spans per 1,000 words", "Confidence", "Sentence score", "Voice"):
        assert term in guide
    model = typical["model_density"]
    assert f"median {model['median']:g}, middle half {model['q1']:g}–{model['q3']:g}" in guide
    assert "PTC dev (75 articles)" in guide
    stat = f"(typical: {model['q1']:g}–{model['q3']:g})"
    assert stat in html.unescape(page)  # beside the article's own rate


def test_the_typical_figures_say_where_they_come_from():
    typical = json.loads(TYPICAL_FILE.read_text(encoding="utf-8"))
    config = json.loads((TYPICAL_FILE.parent / "config.json").read_text(encoding="utf-8"))
    assert typical["model"] == config["name"]  # made by the shipping step from the model shipped
    for key in ("model_density", "annotator_density"):
        figures = typical[key]
        assert 0 < figures["q1"] <= figures["median"] <= figures["q3"]


def test_the_section_rows_add_up_to_the_article():
    in_body = [m for m in MARKS if m[0] not in ("reckless plan", "a disgrace")]  # not the title's
    analysis = hand_analysis(marks=in_body)
    page = render_html(analysis)
    words = [int(n.replace(",", "")) for n in re.findall(r"· ([\d,]+) words</span>", page)]
    assert "Headline" in page and sum(words) == analysis.summary.words


def test_the_terminal_says_a_sentence_score_is_no_confidence():
    out = " ".join(terminal_output(hand_analysis()).split())
    assert "score: how likely the sentence is to hold a technique at all; not calibrated" in out
