"""The propose stage: candidate spans decoded from a segment's piece span probability.

One decoding for a model without a span chooser; for one with a chooser, the distinct spans of
every pool decoding (chooser.pool_decodes), each kept once, in the order first decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propwatch.model.decode import (
    DecodeSettings,
    RawSpan,
    ShapeMemo,
    decode_spans,
    line_breaks,
    piece_span_probability,
)
from propwatch.model.encode import Segment
from propwatch.model.windows import TokenizedArticle


@dataclass(frozen=True)
class SegmentView:
    """What the proposers read of a segment: the text, its pieces' offsets, P(inside a span)
    and line breaks of each piece, computed once per segment."""

    text: str
    offsets: np.ndarray  # (pieces, 2) of the segment's pieces
    likely: np.ndarray  # (pieces,) decode.piece_span_probability
    breaks: np.ndarray  # (pieces,) decode.line_breaks

    @classmethod
    def of(cls, tokens: TokenizedArticle, segment: Segment, technique_mix: float) -> SegmentView:
        offsets = tokens.offsets[segment.first : segment.last]
        return cls(
            tokens.index.text,
            offsets,
            piece_span_probability(segment.probabilities, technique_mix),
            line_breaks(tokens.index.text, offsets),
        )


@dataclass(frozen=True)
class Proposer:
    """Decodes candidate spans under fixed decodings, which all share one technique mix."""

    decodes: tuple[DecodeSettings, ...]

    def __post_init__(self) -> None:
        if len({decode.technique_mix for decode in self.decodes}) != 1:
            raise ValueError("a proposer's decodings must share one technique mix")

    @property
    def technique_mix(self) -> float:
        return self.decodes[0].technique_mix

    @property
    def is_pool(self) -> bool:
        """Whether it proposes a pool for the span chooser (several decodings)."""
        return len(self.decodes) > 1

    def __call__(self, view: SegmentView) -> list[RawSpan]:
        shapes: ShapeMemo = {}
        found = [
            decode_spans(view.text, view.offsets, view.likely, decode, view.breaks, shapes)
            for decode in self.decodes
        ]
        if len(found) == 1:
            return found[0]
        distinct: dict[tuple[int, int], RawSpan] = {}
        for span in (span for spans in found for span in spans):
            distinct.setdefault((span.start, span.end), span)
        return list(distinct.values())
