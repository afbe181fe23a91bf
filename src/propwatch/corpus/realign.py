"""Realign drifted span offsets onto the text they were annotated on (SemEval-2023 Task 3).

The organisers' offsets drift. Many articles count each line break as two characters (as if the
text had CRLF line ends), and a few characters more drift inside some articles. Two steps put a
span back:

1. The CRLF correction, per article: read every offset as a CRLF offset when that puts more of
   the article's spans on word boundaries in a line whose paragraph labels hold their technique.
2. A bounded local search, per span: move it by up to `MAX_SHIFT` characters and stretch each
   edge to the word it cuts (up to `MAX_STRETCH` characters), then trim it by the PTC v2 rule.
   A candidate must touch only lines the span touched (it never moves across a line break) and
   start and end on word boundaries; the best one lies in lines whose paragraph labels hold the
   span's technique and moved least (then spans fewest lines). A span with no candidate is
   dropped.

Paragraph labels are keyed by 1-based line number, lines being the text split on "\n".
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain

from propwatch.corpus.ptc import Label

MAX_SHIFT = 24  # characters a span may move as a whole
MAX_STRETCH = 12  # characters an edge may move on its own to reach the end of the word it cuts
TRIMMED = " \t\r\n\u00a0.,:;"  # the PTC v2 boundary rule: no span starts or ends with these

ParagraphLabels = Mapping[int, frozenset[str]]


@dataclass(frozen=True)
class Realigned:
    """One article's spans after realignment, and the spans it could not place."""

    spans: tuple[Label, ...]
    dropped: tuple[Label, ...]
    crlf: bool  # whether the offsets were read as counting each line break twice
    moved: tuple[int, ...]  # per placed span: characters its edges moved after the CRLF step


def crlf_offset(text: str, offset: int) -> int:
    """The position in `text` of `offset` counted in the same text with CRLF line ends."""
    breaks = [i + k for k, i in enumerate(_line_breaks(text))]  # where each CR would stand
    return offset - bisect.bisect_left(breaks, offset)


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether [start, end) is non-empty, starts and ends on non-space, and cuts no word."""
    if not 0 <= start < end <= len(text):
        return False
    if text[start].isspace() or text[end - 1].isspace():
        return False
    cuts_start = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    cuts_end = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not (cuts_start or cuts_end)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without leading or trailing whitespace and `. , : ;` (the PTC v2 rule)."""
    while start < end and text[start] in TRIMMED:
        start += 1
    while end > start and text[end - 1] in TRIMMED:
        end -= 1
    return start, end


def line_number(text: str, offset: int) -> int:
    """The 1-based line holding `offset`."""
    return text.count("\n", 0, offset) + 1


def touched_lines(text: str, start: int, end: int) -> range:
    """The 1-based lines that [start, end) touches, the range clipped to the text."""
    last = min(max(end, 1), len(text)) - 1
    return range(line_number(text, min(start, last)), line_number(text, last) + 1)


def in_labelled_lines(text: str, span: Label, paragraphs: ParagraphLabels) -> bool:
    """Whether every non-blank line the span touches has paragraph labels holding its
    technique, as the official paragraph labels give each line its spans' techniques."""
    lines = touched_lines(text, span.start, span.end)
    if len(lines) == 1:
        return span.technique in paragraphs.get(lines[0], frozenset())
    texts = text.split("\n")
    return all(
        span.technique in paragraphs.get(line, frozenset())
        for line in lines
        if texts[line - 1].strip()
    )


def aligned(text: str, span: Label, paragraphs: ParagraphLabels) -> bool:
    """The sharper measure: on word boundaries and in lines labelled with its technique."""
    return on_word_boundaries(text, span.start, span.end) and in_labelled_lines(
        text, span, paragraphs
    )


def realign_article(text: str, spans: Sequence[Label], paragraphs: ParagraphLabels) -> Realigned:
    """Realign one article's spans (technique names as in `paragraphs`): CRLF, then search."""
    as_given = list(spans)
    as_crlf = [
        replace(span, start=crlf_offset(text, span.start), end=crlf_offset(text, span.end))
        for span in spans
    ]
    crlf = _count_aligned(text, as_crlf, paragraphs) > _count_aligned(text, as_given, paragraphs)
    placed, dropped, moved = [], [], []
    for original, corrected in zip(spans, as_crlf if crlf else as_given, strict=True):
        found = realign_span(text, corrected, paragraphs)
        if found is None:
            dropped.append(original)
        else:
            placed.append(found)
            moved.append(abs(found.start - corrected.start) + abs(found.end - corrected.end))
    return Realigned(tuple(placed), tuple(dropped), crlf, tuple(moved))


def realign_span(text: str, span: Label, paragraphs: ParagraphLabels) -> Label | None:
    """The best placement of a span within `MAX_SHIFT` characters and the lines it touches, or
    None if there is none. A quotation over several paragraphs keeps them; a span the drift
    pushed over a line break into an unlabelled line goes back into its labelled one."""
    best: tuple[tuple[bool, int, int], Label] | None = None
    lines = touched_lines(text, span.start, span.end)
    for shift in _shifts():
        candidate = _snapped(text, span.start + shift, span.end + shift)
        if candidate is None:
            continue
        start, end = candidate
        spread = touched_lines(text, start, end)
        if spread[0] < lines[0] or spread[-1] > lines[-1]:
            continue
        moved = replace(span, start=start, end=end)
        rank = (
            not in_labelled_lines(text, moved, paragraphs),
            abs(start - span.start) + abs(end - span.end),
            len(spread),
        )
        if best is None or rank < best[0]:
            best = (rank, moved)
    return None if best is None else best[1]


def _shifts() -> chain[int]:
    """0, -1, 1, -2, 2, ...: the shifts tried, nearest first."""
    return chain([0], *((-k, k) for k in range(1, MAX_SHIFT + 1)))


def _snapped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) stretched to the words it cuts and trimmed, if it is then on word
    boundaries."""
    if start < 0 or end > len(text) or start >= end:
        return None
    start = _word_start(text, start)
    end = _word_end(text, end)
    start, end = trim(text, start, end)
    if not on_word_boundaries(text, start, end):
        return None
    return start, end


def _word_start(text: str, start: int) -> int:
    """`start` moved left to the beginning of the word it cuts, if that is near enough."""
    left = start
    while left > 0 and start - left < MAX_STRETCH and text[left - 1].isalnum():
        left -= 1
    return left if left == 0 or not text[left - 1].isalnum() else start


def _word_end(text: str, end: int) -> int:
    """`end` moved right to the end of the word it cuts, if that is near enough."""
    right = end
    while right < len(text) and right - end < MAX_STRETCH and text[right].isalnum():
        right += 1
    return right if right == len(text) or not text[right].isalnum() else end


def _count_aligned(text: str, spans: Sequence[Label], paragraphs: ParagraphLabels) -> int:
    return sum(aligned(text, span, paragraphs) for span in spans)


def _line_breaks(text: str) -> list[int]:
    return [i for i, char in enumerate(text) if char == "\n"]
