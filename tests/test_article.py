"""The article model: layout rules, news sentence splitting and the offset contract."""

from __future__ import annotations

import re
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import propwatch.article as article_module
from propwatch.article import MAX_TITLE_CHARS, Article, Segment, Sentence, parse_article

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "syria-at-tanf.txt"
PTC_TRAIN = SHARED / "data" / "ptc" / "train" / "train-articles"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}")

INVISIBLE = "\ufeff\u200b"  # trimmed like whitespace


def sentence_texts(text: str) -> list[str]:
    return [s.text for s in parse_article(text).sentences]


# --- news prose -------------------------------------------------------------------------------

NEWS_CASES = [
    # quotes
    (
        "“We will not back down,” she said. “Never.”",
        ["“We will not back down,” she said.", "“Never.”"],
    ),
    ('"Is it?" he asked. "Yes," she replied.', ['"Is it?" he asked.', '"Yes," she replied.']),
    ("“Is it true?” he asked. She nodded.", ["“Is it true?” he asked.", "She nodded."]),
    ("He said: “It is over.” Then he left.", ["He said: “It is over.”", "Then he left."]),
    (
        "‘Right decision’ said he. ‘Wrong,’ said she.",
        ["‘Right decision’ said he.", "‘Wrong,’ said she."],
    ),
    ("(He left.) Then he came back.", ["(He left.)", "Then he came back."]),
    # abbreviations
    (
        "The U.S. and the U.K. agreed. Talks resume.",
        ["The U.S. and the U.K. agreed.", "Talks resume."],
    ),
    (
        "He lives in the U.S. He works in New York.",
        ["He lives in the U.S.", "He works in New York."],
    ),
    ("Officials in the U.S. said on Monday that they would act.", None),
    ("Dr. Smith met Mr. Jones and Gen. Mattis on Jan. 5 at 3 p.m. in Washington.", None),
    (
        "The meeting ended at 3 p.m. The vote follows.",
        ["The meeting ended at 3 p.m.", "The vote follows."],
    ),
    ("He arrived at 10 a.m. on Friday. He left.", ["He arrived at 10 a.m. on Friday.", "He left."]),
    (
        "Gov. Cuomo and Lt. Gov. Hochul spoke. Sgt. Pepper agreed.",
        ["Gov. Cuomo and Lt. Gov. Hochul spoke.", "Sgt. Pepper agreed."],
    ),
    (
        "Apple Inc. announced profits. Shares rose.",
        ["Apple Inc. announced profits.", "Shares rose."],
    ),
    (
        "It happened in Washington, D.C. The police came.",
        ["It happened in Washington, D.C.", "The police came."],
    ),
    (
        "Smith et al. said it, i.e. twice. They were wrong.",
        ["Smith et al. said it, i.e. twice.", "They were wrong."],
    ),
    (
        "The Sept. 11 attacks changed everything. It is the No. 1 issue.",
        ["The Sept. 11 attacks changed everything.", "It is the No. 1 issue."],
    ),
    # words that nupunkt's legal model takes for abbreviations
    ("He said so. Mr. Smith disagreed.", ["He said so.", "Mr. Smith disagreed."]),
    ("It was a scandal. Russia denied it.", ["It was a scandal.", "Russia denied it."]),
    ("That is all. Putin left.", ["That is all.", "Putin left."]),
    # numbers
    (
        "Growth was 3.5% last year. Revenue hit $1.2 billion.",
        ["Growth was 3.5% last year.", "Revenue hit $1.2 billion."],
    ),
    ("04.11.2017, Russia.", None),
    (
        "It was signed on 04.11.2017 in Moscow. Nobody came.",
        ["It was signed on 04.11.2017 in Moscow.", "Nobody came."],
    ),
    (
        "Troops fired 1,200 rounds at 5.56 mm. Nobody counted.",
        ["Troops fired 1,200 rounds at 5.56 mm.", "Nobody counted."],
    ),
    # ellipses and runs of marks
    ("Well... I am not sure. We will see.", ["Well... I am not sure.", "We will see."]),
    ("Wait… what? That is crazy!", ["Wait… what?", "That is crazy!"]),
    ("This is it!!! Really?! Yes.", ["This is it!!!", "Really?!", "Yes."]),
    # lists and bullets on one line
    ("1. First item. 2. Second item.", ["1. First item.", "2. Second item."]),
    ("1) First. 2) Second.", ["1) First.", "2) Second."]),
    ("• First point. • Second point.", ["• First point.", "• Second point."]),
    ("- Bullet one. - Bullet two.", ["- Bullet one.", "- Bullet two."]),
]


@pytest.mark.parametrize(("text", "expected"), NEWS_CASES, ids=[c[0][:30] for c in NEWS_CASES])
def test_news_sentences(text: str, expected: list[str] | None) -> None:
    assert sentence_texts(text) == (expected if expected is not None else [text])


def test_list_lines_are_paragraphs() -> None:
    article = parse_article("Key points:\n• Prices rose\n• Wages fell\n\n1. Act now\n2. Vote")
    assert article.title is None
    assert [p.text for p in article.paragraphs] == [
        "Key points:",
        "• Prices rose",
        "• Wages fell",
        "1. Act now",
        "2. Vote",
    ]
    assert [s.paragraph for s in article.sentences] == [0, 1, 2, 3, 4]


def test_sentences_never_cross_line_breaks() -> None:
    text = "He met Dr.\nSmith in the U.S.\r\nHe left\u2028quickly"
    assert sentence_texts(text) == ["He met Dr.", "Smith in the U.S.", "He left", "quickly"]


def test_shared_nupunkt_model_is_untouched() -> None:
    import nupunkt

    parse_article("He said so. Mr. Smith disagreed.")
    assert "so" in nupunkt.load("default").abbreviations  # our tuning lives in a private copy


def test_splitter_failure_keeps_the_paragraph_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def span_tokenize(self, text: str) -> list[tuple[int, int]]:
            raise RuntimeError("boom")

    monkeypatch.setattr(article_module, "_tokenizer", Broken)
    assert sentence_texts("One. Two.\nThree.") == ["One. Two.", "Three."]


# --- layout -----------------------------------------------------------------------------------


def test_title_then_body() -> None:
    text = "\n  Big news: it happened  \n\nFirst line. Second one.\nThird line.\n"
    article = parse_article(text)
    assert article.text is text
    assert article.title == Segment(3, 24, "Big news: it happened")
    assert [p.text for p in article.paragraphs] == ["First line. Second one.", "Third line."]
    assert article.sentences[0] == Sentence(3, 24, "Big news: it happened", None)
    assert article.sentences[0].is_title
    assert [(s.text, s.paragraph) for s in article.sentences[1:]] == [
        ("First line.", 0),
        ("Second one.", 0),
        ("Third line.", 1),
    ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85"])
def test_line_endings(newline: str) -> None:
    text = newline.join(["Headline", " ", "Body one.", "Body two."])
    article = parse_article(text)
    assert article.title is not None
    assert article.title.text == "Headline"
    assert [p.text for p in article.paragraphs] == ["Body one.", "Body two."]


@pytest.mark.parametrize(
    "text",
    [
        "First line.\nSecond line.",  # no blank line after the first
        "Only one line.",
        "x" * (MAX_TITLE_CHARS + 1) + "\n\nBody.",  # too long for a headline
    ],
)
def test_no_title(text: str) -> None:
    article = parse_article(text)
    assert article.title is None
    assert article.paragraphs[0].text == text.splitlines()[0]
    assert article.sentences[0].paragraph == 0


def test_title_alone() -> None:
    article = parse_article("Just a headline\n\n")
    assert article.title is not None
    assert article.paragraphs == ()
    assert [s.text for s in article.sentences] == ["Just a headline"]


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", " \t\r\n\u2028\u3000\ufeff\u200b "])
def test_blank_text(text: str) -> None:
    assert parse_article(text) == Article(text, None, (), ())


def test_sentence_at() -> None:
    article = parse_article("Title\n\nOne. Two.\nThree.")
    starts = [s.start for s in article.sentences]
    assert starts == [0, 7, 12, 17]
    assert [article.sentence_at(i) for i in starts] == [0, 1, 2, 3]
    assert article.sentence_at(10) == 1  # the final "."
    assert article.sentence_at(11) is None  # the space between sentences
    assert article.sentence_at(5) is None  # a line break
    assert article.sentence_at(-1) is None
    assert article.sentence_at(len(article.text)) is None
    assert parse_article("").sentence_at(0) is None


def test_blank_covers_all_whitespace() -> None:
    blank = article_module.BLANK
    assert all(c in blank for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


@pytest.mark.parametrize(
    "unit",
    [
        "The U.S. said “no.” Mr. Smith agreed, at 3 p.m. ",  # prose
        "!?" * 40 + " ",  # the quadratic case of plain nupunkt: a long unspaced run of marks
        "!?",  # the same run, one megabyte long
        "a. ",
    ],
)
def test_one_megabyte_line_is_fast(unit: str) -> None:
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    began = time.perf_counter()
    article = parse_article(text)
    assert time.perf_counter() - began < 20  # about 2 s on a busy 2-core machine
    check_contract(article)


# --- real articles ----------------------------------------------------------------------------


@needs_shared
def test_example_article() -> None:
    article = parse_article(EXAMPLE.read_text(encoding="utf-8"))
    assert article.title is not None
    assert article.title.text == "Russian Ministry of Defense: US actions amount to war crime"
    assert article.sentences[0].is_title
    assert article.sentences[1].text == "04.11.2017, Russia."
    assert article.paragraphs[3].text.startswith("“Such actions")  # leading space trimmed
    assert 18 <= len(article.sentences) <= 28
    assert article.sentences[-1].text == "Leave a Reply"
    check_contract(article)


@needs_shared
def test_ptc_sentences_follow_lines() -> None:
    paragraphs = single = 0
    for path in sorted(PTC_TRAIN.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        article = parse_article(text)
        check_contract(article)
        lines = text.split("\n")
        content = [trim(line) for line in lines if trim(line)]
        title = [article.title.text] if article.title else []
        assert title + [p.text for p in article.paragraphs] == content
        if len(lines) > 1 and lines[0].strip() and not lines[1].strip():
            assert article.title is not None
        counts = [0] * len(article.paragraphs)
        for sentence in article.sentences:
            if sentence.paragraph is not None:
                counts[sentence.paragraph] += 1
        paragraphs += len(counts)
        single += counts.count(1)
    assert paragraphs > 10_000
    assert single / paragraphs > 0.9  # PTC lines are sentences; a few hold two


# --- the offset contract ----------------------------------------------------------------------


def trim(text: str) -> str:
    return re.fullmatch(r"[\s\ufeff\u200b]*(.*?)[\s\ufeff\u200b]*", text, re.DOTALL)[1]


def is_blank(text: str) -> bool:
    return all(c.isspace() or c in INVISIBLE for c in text)


def check_segment(text: str, segment: Segment) -> None:
    assert 0 <= segment.start < segment.end <= len(text)
    assert text[segment.start : segment.end] == segment.text
    assert not is_blank(segment.text[0])
    assert not is_blank(segment.text[-1])
    assert len(segment.text.splitlines()) == 1  # never across a line break


def check_contract(article: Article) -> None:
    text = article.text
    blocks = ([article.title] if article.title else []) + list(article.paragraphs)
    for segment in [*blocks, *article.sentences]:
        check_segment(text, segment)
    # blocks are ordered, and everything between them is blank
    edges = [0, *(x for b in blocks for x in (b.start, b.end)), len(text)]
    assert edges == sorted(edges)
    assert all(is_blank(text[a:b]) for a, b in zip(edges[::2], edges[1::2], strict=True))
    # sentences are ordered, the title is sentence 0, and each lies inside its block
    assert [s.start for s in article.sentences] == sorted(s.start for s in article.sentences)
    assert all(a.end <= b.start for a, b in pairwise(article.sentences))
    if article.title:
        title = article.title
        assert article.sentences[0] == Sentence(title.start, title.end, title.text, None)
    for i, sentence in enumerate(article.sentences):
        if sentence.paragraph is None:
            assert i == 0 and article.title is not None
            continue
        paragraph = article.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
        assert article.sentence_at(sentence.start) == i
        assert article.sentence_at(sentence.end - 1) == i
    # sentences tile their paragraph: only blanks between them
    for index, paragraph in enumerate(article.paragraphs):
        inner = [s for s in article.sentences if s.paragraph == index]
        assert inner, "every paragraph has a sentence"
        cuts = [paragraph.start, *(x for s in inner for x in (s.start, s.end)), paragraph.end]
        assert all(is_blank(text[a:b]) for a, b in zip(cuts[::2], cuts[1::2], strict=True))


LINE_BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
TRICKY = [
    " ",
    "\t",
    "\u00a0",
    "\u3000",
    "\ufeff",
    "\u200b",
    "\u200d",
    ".",
    "!",
    "?",
    "…",
    "...",
    "“",
    "”",
    "‘",
    "’",
    '"',
    "'",
    "(",
    ")",
    "•",
    "-",
    ":",
    ";",
    ",",
    "e\u0301",
    "\u0301",
    "👍🏽",
    "👨‍👩‍👧",
    "🇺🇦",
    "مرحبا",
    "שלום",
    "\u200f",
    "中文。",
    "日本語",
    "한국어",
]
WORDS = [
    "the",
    "The",
    "U.S.",
    "Dr.",
    "Mr.",
    "Gen.",
    "Jan.",
    "p.m.",
    "3.5%",
    "$1.2",
    "billion",
    "04.11.2017",
    "said",
    "He",
    "“Never.”",
    '"Is',
    'it?"',
    "1.",
    "2)",
    "•",
    "...",
    "war",
    "crime",
    "so.",
    "Russia",
    "é",
    "👍",
    "مرحبا",
    "中文",
    "–",
]

any_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.characters(), st.sampled_from(LINE_BREAKS + TRICKY)), max_size=200).map(
        "".join
    ),
)
news_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from([" ", " ", " ", ". ", "! ", "? ", ", ", "\n", "\n\n", "\r\n", " \n "]),
        st.sampled_from(LINE_BREAKS + TRICKY),
    ),
    max_size=120,
).map("".join)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(any_text)
def test_contract_on_any_text(text: str) -> None:
    check_contract(parse_article(text))


@FAST
@given(news_text)
def test_contract_on_news_like_text(text: str) -> None:
    check_contract(parse_article(text))


@settings(max_examples=60, deadline=None)
@given(st.lists(news_text, min_size=1, max_size=4))
def test_contract_with_headlines(parts: list[str]) -> None:
    text = "\n\n".join(parts)
    article = parse_article(text)
    check_contract(article)
    first = next((line for line in text.splitlines() if not is_blank(line)), None)
    if article.title is not None:
        assert first is not None and article.title.text in first
