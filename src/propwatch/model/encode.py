"""The encode stage: an article's word pieces through the encoder backend, segment by segment.

Each piece gets the token head's probabilities averaged over the windows that hold it, and the
hidden state of the window where it sits most centrally.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from propwatch.model.windows import TokenizedArticle, Window, WindowTokenizer
from propwatch.techniques import TECHNIQUE_NAMES

# Longer articles are cut at line breaks into segments of at most this many word pieces,
# so that memory stays flat however long the input is.
SEGMENT_PIECES = 4096
BATCH_WINDOWS = 8  # as fast as 16 on this CPU, with 80 MB less peak memory


class Backend(Protocol):
    def encode(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(token logits (B, L, 1 + techniques), hidden states (B, L, H)) for a window batch."""
        ...

    def classify(self, pooled: np.ndarray) -> np.ndarray:
        """Technique logits (N, techniques) for pooled span representations."""
        ...


@dataclass(frozen=True)
class Segment:
    """Pieces [first, last) of an article with their aggregated model outputs."""

    first: int
    last: int
    probabilities: np.ndarray  # (pieces, 1 + techniques): column 0 is "any technique"
    hidden: np.ndarray  # (pieces, H), each piece from the window where it sits most centrally


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


@dataclass(frozen=True)
class Encoder:
    """Runs tokenized articles through a backend in batches of windows."""

    backend: Backend
    tokenizer: WindowTokenizer

    def segments(self, tokens: TokenizedArticle) -> Iterator[Segment]:
        for first, last in segment_bounds(tokens):
            yield self.segment(tokens, first, last)

    def segment(self, tokens: TokenizedArticle, first: int, last: int) -> Segment:
        """Pieces [first, last) through the encoder, window batch by window batch."""
        pieces = last - first
        windows = [Window(first + w.first, w.length) for w in self.tokenizer.windows(pieces)]
        outputs: _Outputs | None = None
        for start in range(0, len(windows), BATCH_WINDOWS):
            batch = windows[start : start + BATCH_WINDOWS]
            logits, states = self.backend.encode(self.tokenizer.batch(tokens, batch))
            if outputs is None:
                outputs = _Outputs.empty(pieces, logits.shape[-1], states.shape[-1])
            for row, window in enumerate(batch):
                outputs.add(window.first - first, window.length, logits[row], states[row])
        if outputs is None:
            return Segment(first, last, np.zeros((0, 1 + len(TECHNIQUE_NAMES))), np.zeros((0, 1)))
        return Segment(first, last, outputs.mean_probabilities(), outputs.hidden)


@dataclass
class _Outputs:
    """A segment's outputs as its windows come in: summed probabilities, most central states."""

    probabilities: np.ndarray
    hidden: np.ndarray
    counts: np.ndarray
    centrality: np.ndarray

    @classmethod
    def empty(cls, pieces: int, labels: int, width: int) -> _Outputs:
        return cls(
            np.zeros((pieces, labels), dtype=np.float32),
            np.zeros((pieces, width), dtype=np.float32),
            np.zeros(pieces, dtype=np.float32),
            np.full(pieces, -1, dtype=np.int64),
        )

    def add(self, offset: int, length: int, logits: np.ndarray, states: np.ndarray) -> None:
        """One window of `length` pieces from `offset`, its row 0 the special start token."""
        rows = slice(offset, offset + length)
        self.probabilities[rows] += sigmoid(logits[1 : length + 1])
        self.counts[rows] += 1
        position = np.arange(length)
        central = np.minimum(position, length - 1 - position)
        better = central > self.centrality[rows]
        self.hidden[rows][better] = states[1 : length + 1][better]
        self.centrality[rows] = np.maximum(self.centrality[rows], central)

    def mean_probabilities(self) -> np.ndarray:
        return np.asarray(self.probabilities / np.maximum(self.counts, 1)[:, None])


def segment_bounds(tokens: TokenizedArticle) -> list[tuple[int, int]]:
    """Cut points at line starts so that no segment exceeds SEGMENT_PIECES pieces."""
    bounds, first = [], 0
    line_of = tokens.index.line_of(tokens.offsets[:, 0]) if len(tokens) else np.zeros(0)
    while len(tokens) - first > SEGMENT_PIECES:
        limit = first + SEGMENT_PIECES
        starts = np.flatnonzero(np.diff(line_of[first + 1 : limit + 1]) > 0) + first + 2
        cut = int(starts[-1]) if len(starts) else limit
        bounds.append((first, cut))
        first = cut
    bounds.append((first, len(tokens)))
    return bounds
