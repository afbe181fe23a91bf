"""The judge stage: the span head's logits for candidate spans, from the encoder's hidden states.

A span is represented by its pieces' mean, first and last hidden states, its line's mean and the
span features (model/features.py); the PyTorch twin is training/network.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from propwatch.model.decode import RawSpan
from propwatch.model.encode import Backend, Segment
from propwatch.model.features import span_features
from propwatch.model.windows import TokenizedArticle


def mean_rows(hidden: np.ndarray, first: int, last: int) -> np.ndarray:
    return np.asarray(hidden[first : last + 1].mean(axis=0))


def pool_span(
    hidden: np.ndarray, span: tuple[int, int], line: tuple[int, int], features: np.ndarray
) -> np.ndarray:
    """The span representation the span head reads: span mean, first, last, line mean, features.

    Mirrored by the PyTorch pooling used in training (training/network.py).
    """
    first, last = span
    return np.concatenate(
        [
            mean_rows(hidden, first, last),
            hidden[first],
            hidden[last],
            mean_rows(hidden, *line),
            features,
        ]
    ).astype(np.float32)


def segment_lines(tokens: TokenizedArticle, segment: Segment) -> np.ndarray:
    """(pieces,) the line of each of the segment's pieces, non-decreasing."""
    return np.asarray(tokens.index.line_of(tokens.offsets[segment.first : segment.last, 0]))


def line_piece_range(lines: np.ndarray, piece: int) -> tuple[int, int]:
    """First and last piece on the line of `piece`, as indices into `lines` (segment_lines)."""
    own = lines[piece]
    return int(np.searchsorted(lines, own)), int(np.searchsorted(lines, own, "right")) - 1


def span_representation(
    tokens: TokenizedArticle,
    segment: Segment,
    pieces: tuple[int, int],
    chars: tuple[int, int],
    lines: np.ndarray | None = None,
) -> np.ndarray:
    """The pooled representation of article pieces [first, last] covering characters `chars`;
    `lines` are the segment's (segment_lines), when a caller pools many spans of it."""
    lines = segment_lines(tokens, segment) if lines is None else lines
    first = pieces[0] - segment.first
    last = min(pieces[1], segment.last - 1) - segment.first
    line = line_piece_range(lines, first)
    features = span_features(tokens.index, *chars)
    return pool_span(segment.hidden, (first, last), line, features)


@dataclass(frozen=True)
class Judge:
    """The span head of a backend."""

    backend: Backend

    def logits(
        self, tokens: TokenizedArticle, segment: Segment, raw: Sequence[RawSpan]
    ) -> np.ndarray:
        """(spans, outputs) the head's logits for decoded spans (piece indices in the segment)."""
        spans = [
            ((segment.first + s.first_token, segment.first + s.last_token), (s.start, s.end))
            for s in raw
        ]
        return self.given_logits(tokens, segment, spans)

    def given_logits(
        self,
        tokens: TokenizedArticle,
        segment: Segment,
        spans: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    ) -> np.ndarray:
        """(spans, outputs) the head's logits for (article pieces, characters) pairs."""
        lines = segment_lines(tokens, segment)
        pooled = [
            span_representation(tokens, segment, pieces, chars, lines) for pieces, chars in spans
        ]
        return self.backend.classify(np.stack(pooled))
