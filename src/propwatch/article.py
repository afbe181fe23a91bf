"""The article model: title, paragraphs and sentences, each with exact offsets.

Offsets are code point positions in `Article.text` (Python `str` indices), end exclusive, and every
segment keeps `article.text[seg.start:seg.end] == seg.text`. The text is never normalised.

Layout rules (PTC puts one sentence per line, web text one paragraph per line):

- Lines break where `str.splitlines` breaks them (\\n, \\r\\n, \\r, \\u2028, ...); a line holding
  only whitespace is blank.
- Title: the first non-blank line when a blank line follows it and it is short enough to be a
  headline (`MAX_TITLE_CHARS`); otherwise there is none.
- Paragraphs: every other non-blank line, trimmed. No paragraph or sentence crosses a line break.
- Sentences: the title is sentence 0 when present (headlines carry propaganda and PTC labels
  them); each paragraph is split with nupunkt. Sentences tile their paragraph: every
  non-whitespace character of a paragraph lies in exactly one sentence.
- No segment has leading or trailing whitespace (nor a BOM or zero-width space).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from propwatch.errors import TooLarge

if TYPE_CHECKING:
    from nupunkt import PunktSentenceTokenizer

__all__ = [
    "BLANK",
    "MAX_ARTICLE_CHARS",
    "MAX_TITLE_CHARS",
    "Article",
    "Segment",
    "Sentence",
    "check_length",
    "parse_article",
    "per_1000_words",
    "split_sentences",
]

log = logging.getLogger(__name__)

# Far above any news article (about 45,000 words); longer inputs are collections, not articles.
MAX_ARTICLE_CHARS = 300_000

# PTC headlines are at most 164 characters; a longer first line is a paragraph, not a title.
MAX_TITLE_CHARS = 300

# Trimmed from segment edges: every str.isspace() character (all lie below U+3001) plus the
# invisible BOM and zero-width space that web text often carries.
BLANK = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "\ufeff\u200b"

# nupunkt scans whole whitespace-free runs at each candidate boundary inside them, which is
# quadratic on runs such as "!?!?!?..." (seconds for 100 kB). Runs this long are no English
# prose (URLs, base64, CJK without spaces, where Punkt finds no boundary anyway), so the splitter
# sees their middle masked out.
_LONG_RUN = re.compile(r"(?<!\S)\S{64,}")
_RUN_KEEP = 16  # characters kept at each end of a masked run: the trailing ".” still counts

# A list marker that nupunkt cut off as a sentence of its own ("1. First. 2. Second.").
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxlcIVXLC]{1,6})[.)]")

# The default nupunkt model learned its abbreviations from legal and OCR text: among them are
# words that end news sentences ("so", "all", "how", "scandal", "war") and block the break before
# a name ("He said so. Mr. Smith left."). We keep its dotted abbreviations ("u.s", "a.m",
# "ph.d") and initials, and replace the rest with the abbreviations of news copy. Left out on
# purpose, because as words they end sentences: ill, mass, miss, wash, ore (states); wed, sat,
# sun (days); mar (March); fed, art, in, min, am, ed.
_NEWS_ABBREVIATIONS = frozenset(
    word
    for group in (
        "jan feb apr jun jul aug sep sept oct nov dec mon tue tues thu thur thurs fri",  # dates
        "mr mrs ms messrs mmes mme mlle dr drs prof profs rev msgr fr hon esq jr sr",  # people
        "gov govs lt sen sens rep reps gen col maj capt cpt cmdr cdr adm brig sgt cpl pvt pfc",
        "det insp supt atty amb pres",  # offices and ranks
        "ala ariz ark calif colo conn del fla ga ind kan kans ky la md mich minn mo mont neb nev",
        "okla pa tenn tex vt va wis wyo",  # US states (AP style)
        "inc corp co cos ltd plc bros assn dept univ intl natl govt mfg",  # organisations
        "st ste mt ft rd ave blvd hwy pkwy apt bldg",  # places
        "no nos vol vols pp para fig figs ch sec eds est approx vs etc cf al ibid viz ca",  # refs
        "u.s u.k u.n e.u u.s.a u.s.s.r d.c a.m p.m i.e e.g ph.d m.d",  # dotted
    )
    for word in group.split()
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the article text: `text == article.text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Sentence(Segment):
    """A sentence of the title or of one paragraph; it never crosses a line break."""

    paragraph: int | None  # index into Article.paragraphs; None for the title

    @property
    def is_title(self) -> bool:
        return self.paragraph is None


@dataclass(frozen=True, slots=True)
class Article:
    """An article's exact text and its layout; build it with `parse_article`."""

    text: str
    title: Segment | None
    paragraphs: tuple[Segment, ...]
    sentences: tuple[Sentence, ...]  # in text order; the title, when present, is sentence 0

    def sentence_at(self, offset: int) -> int | None:
        """Index of the sentence that contains `offset`, or None in gaps and out of range."""
        i = bisect_right(self.sentences, offset, key=lambda s: s.start) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return i
        return None


def per_1000_words(count: int, words: int) -> float:
    """The one rate propwatch reports: 1000 x count / words (0 without words), unrounded.

    An article's words are `len(text.split())`, a corpus' the sum of its articles' words.
    """
    return 1000 * count / words if words else 0.0


def check_length(text: str) -> None:
    """Refuse a text longer than one article (`MAX_ARTICLE_CHARS`)."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise TooLarge(
            f"the text has {len(text):,} characters, more than the {MAX_ARTICLE_CHARS:,} of one "
            "article; split it into articles"
        )


def parse_article(text: str) -> Article:
    """Find the title, paragraphs and sentences of `text`, which is kept exactly as given."""
    lines = _lines(text)
    title = _title(lines)
    paragraphs = tuple(line for line in lines if line is not None and line is not title)
    sentences: list[Sentence] = []
    if title is not None:
        sentences.append(Sentence(title.start, title.end, title.text, None))
    for index, paragraph in enumerate(paragraphs):
        for a, b in split_sentences(paragraph.text):
            start, end = paragraph.start + a, paragraph.start + b
            sentences.append(Sentence(start, end, text[start:end], index))
    return Article(text, title, paragraphs, tuple(sentences))


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Trimmed (start, end) sentence bounds in one line of text; they tile its content."""
    bounds = [0, *_cuts(paragraph), len(paragraph)]
    pieces = [_trim(paragraph, a, b) for a, b in pairwise(bounds)]
    return _merge_enumerators(paragraph, [(a, b) for a, b in pieces if a < b])


def _lines(text: str) -> list[Segment | None]:
    """Each line of `text`, trimmed, or None when it is blank."""
    lines: list[Segment | None] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, end = _trim(text, pos, pos + len(raw))  # line breaks are whitespace too
        lines.append(Segment(start, end, text[start:end]) if start < end else None)
        pos += len(raw)
    return lines


def _title(lines: list[Segment | None]) -> Segment | None:
    first = next((i for i, line in enumerate(lines) if line is not None), None)
    if first is None or first + 1 >= len(lines) or lines[first + 1] is not None:
        return None
    title = lines[first]
    return title if title is not None and len(title.text) <= MAX_TITLE_CHARS else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past blank characters at both edges (start == end when all blank)."""
    chunk = text[start:end]
    left = len(chunk) - len(chunk.lstrip(BLANK))
    right = len(chunk.rstrip(BLANK))
    return start + left, start + max(left, right)


def _cuts(paragraph: str) -> list[int]:
    """Sentence boundaries nupunkt finds inside `paragraph`, as sorted positions.

    Only nupunkt's end offsets are used, as cut points, and they are clamped and deduplicated:
    whatever it returns, the pieces between cuts tile the paragraph exactly.
    """
    try:
        spans = _tokenizer().span_tokenize(_mask_long_runs(paragraph))
        ends = {end for _, end in spans}
    except Exception:  # third-party code on arbitrary input: degrade to one sentence, never crash
        log.warning(
            "nupunkt failed on a %d-character line; kept it as one sentence", len(paragraph)
        )
        return []
    return sorted(end for end in ends if 0 < end < len(paragraph))


def _mask_long_runs(text: str) -> str:
    """Same-length copy of `text` whose long whitespace-free runs keep only their edges."""

    def mask(match: re.Match[str]) -> str:
        run = match[0]
        return run[:_RUN_KEEP] + "x" * (len(run) - 2 * _RUN_KEEP) + run[-_RUN_KEEP:]

    return _LONG_RUN.sub(mask, text)


def _merge_enumerators(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a piece that is only a list marker ("2.") to the sentence that follows it."""
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and _ENUMERATOR.fullmatch(text, *merged[-1]):
            start = merged.pop()[0]
        merged.append((start, end))
    return merged


@lru_cache(maxsize=1)
def _tokenizer() -> PunktSentenceTokenizer:
    """nupunkt's default model with news abbreviations (a private copy: nupunkt.load is shared)."""
    from nupunkt.models import load_default_model

    tokenizer = load_default_model()
    params = tokenizer.parameters
    kept = {a for a in params.abbrev_types if "." in a or (len(a) == 1 and a.isalpha())}
    params.abbrev_types = kept | _NEWS_ABBREVIATIONS
    params.invalidate_patterns()
    params.freeze_sets()
    tokenizer.clear_decision_cache()
    return tokenizer
