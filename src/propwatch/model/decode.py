"""Token probabilities to character spans that keep the PTC v2 boundary rule."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

NEWLINE = re.compile("\n")

# PTC v2: a span never starts or ends with whitespace or one of these.
BOUNDARY_PUNCTUATION = ".,:;"


@dataclass(frozen=True)
class DecodeSettings:
    """How token probabilities become spans; tuned on PTC dev and stored with the model."""

    threshold: float = 0.5
    join_tokens: int = 2  # fill gaps of at most this many tokens below the threshold
    min_chars: int = 3


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


def expand_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span so that it does not cut a word in two (word pieces cover parts of words)."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def token_runs(active: np.ndarray, breaks: np.ndarray, join_tokens: int) -> list[tuple[int, int]]:
    """Runs [first, last] of active tokens; gaps up to join_tokens are filled, not across breaks."""
    runs: list[tuple[int, int]] = []
    for position in np.flatnonzero(active):
        position = int(position)
        if runs:
            first, last = runs[-1]
            gap_ok = position - last - 1 <= join_tokens
            if gap_ok and not breaks[last + 1 : position + 1].any():
                runs[-1] = (first, position)
                continue
        runs.append((position, position))
    return runs


def line_breaks(text: str, offsets: np.ndarray) -> np.ndarray:
    """True for each token that starts after a line break following the previous token."""
    newlines = np.asarray([m.start() for m in NEWLINE.finditer(text)], dtype=np.int64)
    before_start = np.searchsorted(newlines, offsets[:, 0])
    before_end = np.searchsorted(newlines, offsets[:, 1])
    breaks = np.zeros(len(offsets), dtype=bool)
    breaks[1:] = before_start[1:] > before_end[:-1]
    return breaks


def decode_spans(
    text: str, offsets: np.ndarray, probabilities: np.ndarray, settings: DecodeSettings
) -> list[RawSpan]:
    """Spans of tokens whose probability reaches the threshold, snapped to words and trimmed."""
    breaks = line_breaks(text, offsets)
    spans = []
    for first, last in token_runs(
        probabilities >= settings.threshold, breaks, settings.join_tokens
    ):
        start, end = expand_to_words(text, int(offsets[first, 0]), int(offsets[last, 1]))
        trimmed = trim_span(text, start, end)
        if trimmed is None or trimmed[1] - trimmed[0] < settings.min_chars:
            continue
        confidence = float(probabilities[first : last + 1].mean())
        spans.append(RawSpan(trimmed[0], trimmed[1], confidence, first, last))
    return spans
