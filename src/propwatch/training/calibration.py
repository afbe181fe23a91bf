"""Fitting span confidences and measuring how well they are calibrated.

A span's confidence is the probability that it overlaps a gold span of the same technique.
The raw score the detector computes (token confidence x P(propaganda) x P(technique)) ranks spans
well but is no probability; an isotonic regression on held-out spans maps it to one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.calibration import Calibration

BINS = 10
MAX_KNOTS = 64  # enough for a smooth map; keeps config.json short


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
    """The isotonic map from raw score to P(hit), as at most MAX_KNOTS knots."""
    if not len(raw):
        return Calibration()
    regression = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    regression.fit(raw, hit.astype(float))
    scores = np.asarray(regression.X_thresholds_)
    confidences = np.asarray(regression.y_thresholds_)
    if len(scores) > MAX_KNOTS:
        keep = np.unique(np.linspace(0, len(scores) - 1, MAX_KNOTS).round().astype(int))
        scores, confidences = scores[keep], confidences[keep]
    return Calibration(tuple(scores.tolist()), tuple(confidences.tolist()))


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
