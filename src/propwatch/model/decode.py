"""Token probabilities to character spans that keep the PTC v2 boundary rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NEWLINE = re.compile("\n")

# PTC v2: a span never starts or ends with whitespace or one of these.
BOUNDARY_PUNCTUATION = ".,:;"

# Closed-class words a reader's highlighter does not stop on: prepositions, determiners,
# conjunctions and auxiliaries. Particles that end phrasal verbs ("blow up", "wipe out") and "not"
# are left out: PTC train's gold spans end on them often.
_FUNCTION_WORDS = """
a an the this these those that its their his her our your my every each some any no
of in to for with on at by from about into onto upon over under between among through during
against without within toward towards than as like via per
and or but nor yet so if because while although though whether unless since when where
is are was were be been being am has have had do does did will would shall should can could
may might must
"""
FUNCTION_WORD_ENDS = frozenset(_FUNCTION_WORDS.split())
APOSTROPHE = "\u2019"
APOSTROPHES = "'\u2019"
OPEN_SINGLE, LOW_SINGLE = "\u2018", "\u201a"
# Quotations within one line: “…” „…“ „…” «…» "…", and single ones opened by OPEN_SINGLE or
# LOW_SINGLE; an apostrophe inside a word (don't) closes no single quotation.
QUOTATION = re.compile(
    r"“[^“”\n]*”|„[^„“”\n]*[“”]|«[^«»\n]*»|\"[^\"\n]*\""
    rf"|(?<!\w){OPEN_SINGLE}(?:[^{OPEN_SINGLE}{APOSTROPHE}\n]|{APOSTROPHE}(?=\w))*{APOSTROPHE}(?!\w)"
    rf"|{LOW_SINGLE}(?:[^{LOW_SINGLE}{OPEN_SINGLE}{APOSTROPHE}\n]|{APOSTROPHE}(?=\w))*"
    rf"[{OPEN_SINGLE}{APOSTROPHE}](?!\w)"
)
WORD = re.compile(rf"[\w'{APOSTROPHE}-]+")


@dataclass(frozen=True)
class DecodeSettings:
    """How token probabilities become spans; tuned on PTC dev and stored with the model."""

    threshold: float = 0.5  # a span needs a piece at least this likely
    join_tokens: int = 2  # fill gaps of at most this many tokens below the threshold
    min_chars: int = 3
    # Neighbours down to threshold - extend_margin join a span (hysteresis): a span's edges are
    # less certain than its core.
    extend_margin: float = 0.0
    # Share of the likeliest technique channel in a piece's span probability, beside channel 0
    technique_mix: float = 0.0
    # Drop function words (FUNCTION_WORD_ENDS) from the end of a span
    trim_function_words: bool = False


@dataclass(frozen=True)
class RawSpan:
    start: int
    end: int
    confidence: float
    first_token: int
    last_token: int  # inclusive


def trim_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink [start, end) until it keeps the PTC boundary rule; None when nothing is left."""
    while start < end and (text[start].isspace() or text[start] in BOUNDARY_PUNCTUATION):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in BOUNDARY_PUNCTUATION):
        end -= 1
    return (start, end) if start < end else None


def trim_function_word_ends(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink [start, end) until its last word is not a function word; None when none is left."""
    while True:
        words = list(WORD.finditer(text, start, end))
        if not words:
            return None
        if words[-1].group().lower().replace(APOSTROPHE, "'") not in FUNCTION_WORD_ENDS:
            return start, end
        if len(words) == 1:
            return None
        trimmed = trim_span(text, start, words[-1].start())
        if trimmed is None:
            return None
        start, end = trimmed


def is_word_character(text: str, i: int) -> bool:
    """Letters and digits, and an apostrophe between two of them (council's, don't)."""
    if text[i].isalnum():
        return True
    return (
        text[i] in APOSTROPHES
        and 0 < i < len(text) - 1
        and text[i - 1].isalnum()
        and text[i + 1].isalnum()
    )


def inside_word(text: str, offset: int) -> bool:
    """Whether a span boundary at `offset` would cut a word in two."""
    return (
        0 < offset < len(text)
        and is_word_character(text, offset - 1)
        and is_word_character(text, offset)
    )


def expand_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span so that it does not cut a word in two (word pieces cover parts of words)."""
    while inside_word(text, start):
        start -= 1
    while inside_word(text, end):
        end += 1
    return start, end


@lru_cache(maxsize=8)
def quotations(text: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each quotation in `text`, its marks included, within one line."""
    return tuple(match.span() for match in QUOTATION.finditer(text))


def cuts_quotation(start: int, end: int, quotation: tuple[int, int]) -> bool:
    """Whether [start, end) holds one of the quotation's marks but not the other."""
    opening, closing = quotation[0], quotation[1] - 1
    return (start <= opening < end) != (start <= closing < end)


def cuts_any_quotation(text: str, start: int, end: int) -> bool:
    """Whether [start, end) holds one mark of some quotation in `text` but not the other."""
    return any(cuts_quotation(start, end, quotation) for quotation in quotations(text))


def respect_quotations(text: str, start: int, end: int) -> tuple[int, int]:
    """A span that crosses a quotation mark holds the whole quotation when it already holds
    most of it, and else stops at the mark."""
    for quotation in quotations(text):
        if quotation[0] >= end:
            break
        if not cuts_quotation(start, end, quotation):
            continue
        inside = min(end, quotation[1]) - max(start, quotation[0])
        if 2 * inside >= quotation[1] - quotation[0]:
            start, end = min(start, quotation[0]), max(end, quotation[1])
        elif start > quotation[0]:
            start = quotation[1]
        else:
            end = quotation[0]
        if start >= end:
            break
    return start, end


def token_runs(active: np.ndarray, breaks: np.ndarray, join_tokens: int) -> list[tuple[int, int]]:
    """Runs [first, last] of active tokens; gaps up to join_tokens are filled, not across breaks."""
    positions = np.flatnonzero(active)
    if not len(positions):
        return []
    breaks_up_to = np.cumsum(breaks)
    gap_too_wide = np.diff(positions) - 1 > join_tokens
    crosses_break = breaks_up_to[positions[1:]] > breaks_up_to[positions[:-1]]
    starts = np.concatenate([[True], gap_too_wide | crosses_break])
    ends = np.concatenate([starts[1:], [True]])
    return list(zip(positions[starts].tolist(), positions[ends].tolist(), strict=True))


def line_breaks(text: str, offsets: np.ndarray) -> np.ndarray:
    """True for each token that starts after a line break following the previous token."""
    newlines = np.asarray([m.start() for m in NEWLINE.finditer(text)], dtype=np.int64)
    before_start = np.searchsorted(newlines, offsets[:, 0])
    before_end = np.searchsorted(newlines, offsets[:, 1])
    breaks = np.zeros(len(offsets), dtype=bool)
    breaks[1:] = before_start[1:] > before_end[:-1]
    return breaks


def piece_span_probability(probabilities: np.ndarray, technique_mix: float) -> np.ndarray:
    """(pieces,) P(inside a span) from the token head's (pieces, 1 + techniques) outputs."""
    strongest_technique = probabilities[:, 1:].max(axis=1, initial=0.0)
    return np.asarray(
        (1 - technique_mix) * probabilities[:, 0] + technique_mix * strongest_technique
    )


def shape_span(
    text: str, start: int, end: int, trim_function_words: bool
) -> tuple[int, int] | None:
    """A run's characters snapped to whole words and quotations, trimmed; None when nothing
    is left."""
    start, end = expand_to_words(text, start, end)
    trimmed = trim_span(text, start, end)
    if trimmed is not None and trim_function_words:
        trimmed = trim_function_word_ends(text, *trimmed)
    if trimmed is not None:
        trimmed = trim_span(text, *respect_quotations(text, *trimmed))
    return trimmed


# Shaped characters by (start, end, trim_function_words) of runs in one text: decodings of the
# same pieces find many of the same runs.
ShapeMemo = dict[tuple[int, int, bool], tuple[int, int] | None]


def decode_spans(
    text: str,
    offsets: np.ndarray,
    probabilities: np.ndarray,
    settings: DecodeSettings,
    breaks: np.ndarray | None = None,
    shapes: ShapeMemo | None = None,
) -> list[RawSpan]:
    """Runs of likely tokens holding one that reaches the threshold, snapped to whole words and
    quotations, trimmed. Decodings of the same pieces may share their `breaks` (line_breaks)
    and `shapes`."""
    breaks = line_breaks(text, offsets) if breaks is None else breaks
    shapes = {} if shapes is None else shapes
    spans = []
    extend_to = settings.threshold - settings.extend_margin
    for first, last in token_runs(probabilities >= extend_to, breaks, settings.join_tokens):
        if probabilities[first : last + 1].max() < settings.threshold:
            continue
        key = (int(offsets[first, 0]), int(offsets[last, 1]), settings.trim_function_words)
        if key not in shapes:
            shapes[key] = shape_span(text, *key)
        trimmed = shapes[key]
        if trimmed is None or trimmed[1] - trimmed[0] < settings.min_chars:
            continue
        confidence = float(probabilities[first : last + 1].mean())
        spans.append(RawSpan(trimmed[0], trimmed[1], confidence, first, last))
    return spans
