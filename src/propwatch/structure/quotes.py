"""Quotation marks: the text between each pair, found once per article.

The marks of the six languages propwatch reads: curly and straight double quotes (“ ” "),
guillemets either way round (« » in French, Italian and Russian, » « in German), the low-high
pairs „ “ (German) and „ ” (Polish), doubled single quotes, and single pairs (curly left and
right, or German low and left) outside double ones. Guillemets and the other double marks are
paired apart, so that „…“ inside «…» (Russian) or “…” inside «…» (French) leaves the outer
quotation whole; a quotation nested in another is part of it. A quotation may run over up to
`MAX_QUOTE_LINES` line breaks (PTC puts one sentence per line). Whether a mark opens or closes is
read from its spacing (French sets « » off with spaces, so a mark before `, . ; : ! ?`, a bracket
or a dash never opens, though one before an ellipsis may), else from its glyph.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

__all__ = ["MAX_QUOTE_LINES", "QUOTE_MARKS", "find_quotes", "inside", "words"]

MAX_QUOTE_LINES = 4  # a quotation closes within this many line breaks of its opening mark

_LEFT, _RIGHT = "\u2018", "\u2019"  # curly single quotes; the right one is also an apostrophe
_LOW, _LOW_SINGLE = "\u201e", "\u201a"  # the low marks open German and Polish quotations
QUOTE_MARKS = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a"

# Double marks: curly, straight, low, doubled single quotes (old newswire style); guillemets.
_DOUBLE = re.compile(f"{_LEFT * 2}|{_RIGHT * 2}|``|''|[\u201c\u201d\"{_LOW}]")
_GUILLEMETS = re.compile("[\u00ab\u00bb]")
_OPENERS = frozenset({_LEFT * 2, "``", "\u201c", "\u00ab", _LOW})
_CLOSERS = frozenset({_RIGHT * 2, "''", "\u201d", "\u00bb"})
_OPEN_AFTER = "([{/-\u2013\u2014"  # a mark right after these opens a quotation
_NEVER_OPENS_BEFORE = ",.;:!?)]}-\u2013\u2014"  # « text », and “ text ”- she wrote


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside every pair of quotation marks, marks excluded, in order."""
    double = _outermost([*_pair_double(text, _DOUBLE), *_pair_double(text, _GUILLEMETS)])
    single = [q for q in _pair_single(text) if not inside(q[0], double)]
    return sorted(double + single)


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that lie in no earlier-starting one, in order: the outer of two nested quotes."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def _pair_double(text: str, marks: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    opened = -1
    for match in marks.finditer(text):
        role = _role(text, match.start(), match.end(), opened >= 0)
        if role == "open":
            if opened >= 0 and _reopens(text, opened, match.start()):
                yield opened, _line_end(text, opened)  # "...\n“more": the first never closed
            opened = match.end()
        elif opened >= 0:
            if text.count("\n", opened, match.start()) <= MAX_QUOTE_LINES:
                yield opened, match.start()
            opened = -1


def _role(text: str, start: int, end: int, is_open: bool) -> str:
    """Whether the mark at [start, end) opens or closes: by its spacing, else by its glyph."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if (before.isspace() or before in _OPEN_AFTER) and not after.isspace():
        return "close" if _closes_before(text, end) else "open"
    if not before.isspace() and (after.isspace() or not after.isalnum()):
        return "close"
    mark = text[start:end]
    if mark in _OPENERS:
        return "open"
    if mark in _CLOSERS:
        return "close"
    return "close" if is_open else "open"  # a straight quote between two spaces or two letters


def _closes_before(text: str, end: int) -> bool:
    """Whether a mark that ends at `end` is followed by what never starts a quotation ("...")."""
    return text[end] in _NEVER_OPENS_BEFORE and not text.startswith("..", end)


def _reopens(text: str, opened: int, mark: int) -> bool:
    """An opening mark at the start of a later line re-opens a quote that ran over a line end."""
    line_start = text.rfind("\n", opened, mark)
    return line_start >= 0 and not text[line_start + 1 : mark].strip()


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


# An opening single quote after no word character; a closing one before none ("it's" is no quote).
_SINGLE = re.compile(
    f"(?P<open>(?<![\\w{_RIGHT}'])[{_LEFT}{_LOW_SINGLE}](?=\\S))"
    f"|(?<=\\S)[{_RIGHT}{_LEFT}](?![\\w{_RIGHT}])"
)


def _pair_single(text: str) -> Iterator[tuple[int, int]]:
    """Single pairs within one line; a right one with no left one is an apostrophe."""
    opened = -1
    for match in _SINGLE.finditer(text):
        if match["open"]:
            opened = match.end()
        elif opened >= 0:
            if "\n" not in text[opened : match.start()]:
                yield opened, match.start()
            opened = -1


def inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether `offset` lies in one of `spans` (sorted, not overlapping)."""
    i = bisect_right(spans, offset, key=lambda span: span[0]) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def words(text: str) -> int:
    """How many words `text` has."""
    return len(re.findall(r"\w+", text))
