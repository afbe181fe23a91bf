"""Fitting span confidences and measuring how well they are calibrated.

A span's confidence is the probability that it overlaps a gold span of the same technique.
The raw score the detector computes (token confidence x P(propaganda) x P(technique)) ranks spans
well but is no probability. An isotonic regression on held-out spans groups them into blocks of
increasing hit rate; the map runs through the blocks' centres (so that it keeps the raw score's
order instead of tying every span of a block), with each block's hit rate shrunk towards its
neighbours' by how few spans it holds (so that two lucky spans never read 1.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from sklearn.isotonic import IsotonicRegression

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.calibration import STEPS, Calibration

BINS = 10
PRIOR_SPANS = 10  # a block's hit rate weighs as much as its neighbours' once it holds this many
LEVEL_DECIMALS = 12
MAX_BLOCK_SPANS = 100_000  # more held-out spans than any PTC run has, for reading version 1


@dataclass(frozen=True)
class Blocks:
    """Isotonic blocks in raw-score order: mean raw score, spans and hits of each."""

    centres: np.ndarray
    spans: np.ndarray
    hits: np.ndarray


@dataclass(frozen=True)
class ScoredSpan:
    """A predicted span with its raw score, its confidence and whether it hit gold."""

    label: Label
    raw: float
    confidence: float
    hit: bool


def hits(gold: Sequence[Label], pred: Sequence[Label]) -> list[bool]:
    """Whether each predicted span overlaps a gold span of the same technique in its article."""
    by_article = labels_by_article(gold)
    return [
        any(
            g.technique == p.technique and g.start < p.end and p.start < g.end
            for g in by_article.get(p.article_id, [])
        )
        for p in pred
    ]


def fit_calibration(raw: np.ndarray, hit: np.ndarray) -> Calibration:
    """The map from raw score to P(hit) through the isotonic blocks of (raw, hit)."""
    if not len(raw):
        return Calibration()
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0).fit(raw, hit.astype(float)).predict(raw)
    levels, block = np.unique(fitted, return_inverse=True)  # blocks rise with the raw score
    spans = np.bincount(block, minlength=len(levels))
    return through_blocks(
        Blocks(
            np.bincount(block, weights=raw, minlength=len(levels)) / spans,
            spans,
            np.bincount(block, weights=hit.astype(float), minlength=len(levels)),
        )
    )


def through_blocks(blocks: Blocks) -> Calibration:
    """The strictly increasing map through the blocks' centres, below 1 everywhere.

    Each block's hit rate is shrunk towards its neighbours' (`PRIOR_SPANS`), order is restored
    by isotonic regression weighted by spans, and blocks left at one level become one knot.
    """
    prior = _neighbour_rates(blocks.spans, blocks.hits)
    shrunk = (blocks.hits + PRIOR_SPANS * prior) / (blocks.spans + PRIOR_SPANS)
    ordered = IsotonicRegression().fit_transform(
        np.arange(len(shrunk)), shrunk, sample_weight=blocks.spans
    )
    # Levels within rounding error of each other are one level: the map rises visibly or not at all
    levels, knot = np.unique(ordered.round(LEVEL_DECIMALS), return_inverse=True)
    spans = np.bincount(knot, weights=blocks.spans).astype(int)
    centres = np.bincount(knot, weights=blocks.centres * blocks.spans) / spans
    return _with_end_knots(centres, levels, spans)


def _neighbour_rates(spans: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """Each block's neighbours' pooled hit rate, nearest first until they hold `PRIOR_SPANS`
    spans (itself when alone), never 0 or 1 (Laplace)."""
    rates = []
    for i in range(len(spans)):
        around = sorted((j for j in range(len(spans)) if j != i), key=lambda j: abs(j - i))
        held = np.cumsum(spans[around]) if around else np.zeros(0)
        near = around[: int(np.searchsorted(held, PRIOR_SPANS)) + 1] or [i]
        rates.append((hits[near].sum() + 1) / (spans[near].sum() + 2))
    return np.asarray(rates)


def _with_end_knots(centres: np.ndarray, levels: np.ndarray, spans: np.ndarray) -> Calibration:
    """The knots and one more at raw 0 and raw 1, so that order counts beyond the end centres
    too: on the end segments' slopes, but at most half way to 0 (or to 1)."""
    first_slope = last_slope = np.inf
    if len(levels) > 1:
        first_slope = (levels[1] - levels[0]) / (centres[1] - centres[0])
        last_slope = (levels[-1] - levels[-2]) / (centres[-1] - centres[-2])
    scores, confidences, counts = list(centres), list(levels), list(spans)
    if centres[0] > 0:
        low = levels[0] - min(first_slope * centres[0], levels[0] / 2)
        scores, confidences, counts = [0.0, *scores], [low, *confidences], [0, *counts]
    if centres[-1] < 1:
        high = levels[-1] + min(last_slope * (1 - centres[-1]), (1 - levels[-1]) / 2)
        scores, confidences = [*scores, 1.0], [*confidences, high]
        counts = [*counts, 0]
    return Calibration(
        tuple(float(x) for x in scores),
        tuple(float(x) for x in confidences),
        tuple(int(x) for x in counts),
    )


def from_steps(steps: Calibration) -> Calibration:
    """A version 1 map (isotonic steps) as version 2, without the spans it was fitted on.

    A step's knots are its first and last raw score, its confidence a hit rate hits/spans: the
    step's centre is taken midway between them, and its spans and hits are read back as the
    fraction's smallest denominator and numerator (so at most the spans it held: the shrinkage
    is, if anything, stronger than a refit would apply).
    """
    if steps.version != STEPS or not steps.scores:
        return steps
    scores, confidences = np.asarray(steps.scores), np.asarray(steps.confidences)
    starts = np.flatnonzero(np.r_[True, confidences[1:] != confidences[:-1]])
    ends = np.r_[starts[1:], len(scores)] - 1
    rates = [Fraction(float(c)).limit_denominator(MAX_BLOCK_SPANS) for c in confidences[starts]]
    return through_blocks(
        Blocks(
            (scores[starts] + scores[ends]) / 2,
            np.asarray([r.denominator for r in rates], dtype=float),
            np.asarray([r.numerator for r in rates], dtype=float),
        )
    )


@dataclass(frozen=True)
class ReliabilityRow:
    low: float
    high: float
    spans: int
    mean_confidence: float
    hit_rate: float


def reliability(confidence: np.ndarray, hit: np.ndarray) -> list[ReliabilityRow]:
    """Spans in equal-width confidence bins: mean confidence against the share that hit gold."""
    edges = np.linspace(0.0, 1.0, BINS + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, BINS - 1)
    rows = []
    for b in range(BINS):
        inside = which == b
        if inside.any():
            rows.append(
                ReliabilityRow(
                    float(edges[b]),
                    float(edges[b + 1]),
                    int(inside.sum()),
                    float(confidence[inside].mean()),
                    float(hit[inside].mean()),
                )
            )
    return rows


def expected_calibration_error(confidence: np.ndarray, hit: np.ndarray) -> float:
    """The spans-weighted mean gap between confidence and hit rate over the bins."""
    total = max(len(confidence), 1)
    return sum(
        row.spans / total * abs(row.mean_confidence - row.hit_rate)
        for row in reliability(confidence, hit)
    )
