"""Span confidences that mean what they say: a monotone map from the model's raw span score.

A span's confidence is the probability that it overlaps a gold span of the same technique. The
map is an isotonic regression fitted on out-of-fold predictions (training/calibration.py) and
stored as its knots; here it is only applied, by linear interpolation between the knots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Calibration:
    """Knots (raw score, confidence), raw scores increasing; no knots means the identity."""

    scores: tuple[float, ...] = ()
    confidences: tuple[float, ...] = ()

    def __call__(self, raw: np.ndarray | float) -> np.ndarray:
        values = np.asarray(raw, dtype=np.float64)
        if not self.scores:
            return values
        return np.interp(values, self.scores, self.confidences)
