"""Sections: the article body cut into report, opinion and credits stretches.

Sections tile the body (every paragraph; the title is left out: it is the article's headline, not
part of a section) in text order, with only whitespace between them. A section starts and ends on
paragraph edges and holds its heading line, if any. Rules, in order:

1. Credits. The trailing run of short lines (`is_short_line`: at most `MAX_HEADING_WORDS` words, no
   sentence-final punctuation) and credit lines ("Source: ...", "Photo: ...", "Image: ...",
   "Via: ...", "Credit: ...", "Photo by ...", "(c) 2018 ...") is a `credits` section when it
   holds at least one credit line. The whole run goes in, so bylines and leftovers such as "Leave
   a Reply" around the credit lines are credits too; a trailing run without a credit line stays
   with the section before it.
2. Headings. A short line followed by another paragraph is a heading. An opinion heading
   ("Editorial comment", "Editor's note", "Opinion", "Analysis", "Comment", "Commentary", "Our
   view", "Viewpoint", ...: `OPINION_HEADINGS`) opens an `opinion` section; any other heading
   after an opinion section opens a `report` section again. Other headings inside a report
   ("Advertisement", sub-headings) do not cut it: a plain report stays one section.
3. Register, without a heading. A report that ends in a run of at least `MIN_OPINION_RUN`
   opinion paragraphs (short lines between and after them ignored) ends in an `opinion` section
   with heading None, provided the run does not start the report (a register has to change). An
   opinion paragraph has no attribution and no reporting verb ("said", "according to", ...), and
   at least `MIN_MARKERS` opinion markers, and at least one per two sentences, counted outside
   quotation marks: first person (we, our, I, ...), evaluative adverbs ("apparently", "clearly",
   "obviously", ...), judgement modals ("should", "must", "ought to"), and questions.

The rule is deliberately conservative: a change of register in the middle of an article, and an
opinion that is one paragraph long, stay `report`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING

from propwatch.structure.types import Attribution, Section, SectionKind

if TYPE_CHECKING:
    from propwatch.article import Article, Segment

__all__ = ["MAX_HEADING_WORDS", "OPINION_HEADINGS", "find_sections", "is_short_line"]

OPINION_HEADINGS = frozenset(
    {
        "editorial",
        "editorial comment",
        "editor's note",
        "editors' note",
        "note from the editor",
        "opinion",
        "our opinion",
        "op-ed",
        "analysis",
        "news analysis",
        "comment",
        "commentary",
        "our comment",
        "our view",
        "my view",
        "our take",
        "my take",
        "viewpoint",
        "point of view",
        "perspective",
    }
)
MAX_HEADING_WORDS = 6
MAX_HEADING_CHARS = 60
MAX_CREDIT_CHARS = 300
MIN_OPINION_RUN = 2
MIN_MARKERS = 2

_SENTENCE_END = ".!?\u2026\"'\u201d\u2019)"  # a line ending so is prose, not a heading
# Matched at the start of a line: "Source: ...", "Photo by ...", "(c) 2018 ...".
_CREDIT = re.compile(
    r"(?:(?:photo|image|picture|video|featured image|top image|header image|cover image)s?"
    r"(?: credits?| source)?|sources?|via|credits?|h/t|hat tip)\s*[:|\-\u2013\u2014]\s*\S"
    r"|(?:photo|image|picture|video)s? (?:by|courtesy of)\s+\S"
    r"|\u00a9|copyright\b|\(c\)\s*\d",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]urs?|us|[Oo]urselves|I|[Mm]e|[Mm]y|[Mm]yself)\b")
_EVALUATIVE = re.compile(
    r"\b(?:apparently|clearly|obviously|evidently|surely|certainly|undoubtedly|unquestionably"
    r"|of course|needless to say|frankly|sadly|unfortunately|ironically|predictably|shamefully"
    r"|absurdly|outrageously|incredibly)\b",
    re.IGNORECASE,
)
_MODAL = re.compile(r"\b(?:should|must|ought to)\b", re.IGNORECASE)
_QUESTION = re.compile(r"\?(?=\s|$)")
_REPORTING = re.compile(
    r"\b(?:said|says|told|tells|reported|reports|according to|announced|stated|claimed|claims"
    r"|quoted|cited)\b",
    re.IGNORECASE,
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def find_sections(
    article: Article, attributions: Sequence[Attribution], quotes: list[tuple[int, int]]
) -> tuple[Section, ...]:
    """The sections of `article`'s body; `attributions` and `quotes` (what `find_quotes` finds)
    tell reported paragraphs from opinion."""
    paragraphs = article.paragraphs
    if not paragraphs:
        return ()
    credits = _credits_start(paragraphs)
    runs = _heading_runs(paragraphs[:credits])
    if runs:
        runs[-1:] = _split_register(_Context(article, attributions, quotes), runs[-1])
    sections = [
        _section(paragraphs, first, last, kind, heading) for first, last, kind, heading in runs
    ]
    if credits < len(paragraphs):
        sections.append(_section(paragraphs, credits, len(paragraphs), "credits", None))
    return tuple(sections)


_Run = tuple[int, int, SectionKind, str | None]  # paragraphs [first, last), kind, heading


def _section(
    paragraphs: Sequence[Segment], first: int, last: int, kind: SectionKind, heading: str | None
) -> Section:
    return Section(paragraphs[first].start, paragraphs[last - 1].end, kind, heading)


def is_short_line(text: str) -> bool:
    """A heading-like line: a few words and no sentence-final punctuation."""
    return (
        len(text) <= MAX_HEADING_CHARS
        and len(text.split()) <= MAX_HEADING_WORDS
        and not text.endswith(tuple(_SENTENCE_END))
    )


def _is_credit(text: str) -> bool:
    return len(text) <= MAX_CREDIT_CHARS and _CREDIT.match(text) is not None


def _credits_start(paragraphs: Sequence[Segment]) -> int:
    """Index of the first paragraph of the trailing credits, or len(paragraphs) when none."""
    start = len(paragraphs)
    while start > 0 and (
        _is_credit(paragraphs[start - 1].text) or is_short_line(paragraphs[start - 1].text)
    ):
        start -= 1
    if any(_is_credit(p.text) for p in paragraphs[start:]):
        return start
    return len(paragraphs)


def _opinion_heading(text: str) -> bool:
    words = text.translate(_APOSTROPHES).lower().rstrip(":.-\u2013\u2014 ").split()
    return " ".join(words) in OPINION_HEADINGS


def _heading_runs(paragraphs: Sequence[Segment]) -> list[_Run]:
    """Runs of paragraphs cut at opinion headings and at the headings that end an opinion."""
    runs: list[_Run] = []
    first = 0
    kind: SectionKind = "report"
    heading: str | None = None
    for i, paragraph in enumerate(paragraphs):
        if i + 1 == len(paragraphs) or not is_short_line(paragraph.text):
            continue  # a heading needs a paragraph to head
        opens: SectionKind | None = None
        if _opinion_heading(paragraph.text):
            opens = "opinion"
        elif kind == "opinion":
            opens = "report"
        if opens is None:
            continue
        if i > first:
            runs.append((first, i, kind, heading))
        first, kind, heading = i, opens, paragraph.text
    if first < len(paragraphs):
        runs.append((first, len(paragraphs), kind, heading))
    return runs


def _split_register(context: _Context, run: _Run) -> list[_Run]:
    """`run`, or a report and the opinion run it ends with (rule 3 of the module doc)."""
    first, last, kind, heading = run
    if kind != "report":
        return [run]
    paragraphs = context.paragraphs
    end = last
    while end > first and is_short_line(paragraphs[end - 1].text):
        end -= 1  # trailing short lines follow whatever precedes them
    start, count = end, 0
    while start > first:
        paragraph = paragraphs[start - 1]
        if is_short_line(paragraph.text):
            start -= 1
            continue
        if not _is_opinion(context, paragraph):
            break
        start, count = start - 1, count + 1
    while start < end and is_short_line(paragraphs[start].text):
        start += 1
    if count < MIN_OPINION_RUN or start <= first:
        return [run]
    return [(first, start, kind, heading), (start, last, "opinion", None)]


class _Context:
    """What the register test looks at besides the paragraph itself."""

    def __init__(
        self, article: Article, attributions: Sequence[Attribution], quotes: list[tuple[int, int]]
    ) -> None:
        self.text = article.text
        self.paragraphs = article.paragraphs
        self.attributions = attributions
        self.quotes = quotes
        self.sentence_starts = [s.start for s in article.sentences]


def _is_opinion(context: _Context, paragraph: Segment) -> bool:
    """Dense in opinion markers and free of reported speech (rule 3 of the module doc)."""
    if any(a.start < paragraph.end and paragraph.start < a.end for a in context.attributions):
        return False
    text = _unquoted(context.text, paragraph, context.quotes)
    if _REPORTING.search(text):
        return False
    markers = sum(
        len(pattern.findall(text)) for pattern in (_FIRST_PERSON, _EVALUATIVE, _MODAL, _QUESTION)
    )
    starts = context.sentence_starts
    sentences = bisect_left(starts, paragraph.end) - bisect_left(starts, paragraph.start)
    return markers >= MIN_MARKERS and 2 * markers >= sentences


def _unquoted(text: str, paragraph: Segment, quotes: list[tuple[int, int]]) -> str:
    """The paragraph's text with every quoted stretch blanked out: quoted words are not ours."""
    chars = list(text[paragraph.start : paragraph.end])
    first = bisect_left(quotes, paragraph.start, key=lambda q: q[1])
    for start, end in quotes[first:]:
        if start >= paragraph.end:
            break
        for i in range(max(start, paragraph.start), min(end, paragraph.end)):
            chars[i - paragraph.start] = " "
    return "".join(chars)
