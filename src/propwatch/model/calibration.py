"""Span confidences that mean what they say: a monotone map from the model's raw span score.

A span's confidence is the probability that it overlaps a gold span of the same technique. The
map is fitted on out-of-fold predictions (training/calibration.py) and stored as knots (raw
score, confidence); here it is only applied, by linear interpolation between the knots.

Stored versions (`version` in config.json's settings.calibration):
1. the knots of an isotonic step function (each step's first and last raw score): spans whose
   raw scores differ can read the same confidence, and a step fitted on a few spans can read 1.0;
2. one knot per isotonic block, at its mean raw score, with its confidence shrunk towards its
   neighbours by how few spans it holds, and an end knot on each side: strictly increasing, so
   a higher raw score always reads a higher confidence, and always below 1.
A folder without a version was written with version 1 and is applied as it was measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

STEPS = 1
BLOCK_CENTRES = 2


@dataclass(frozen=True)
class Calibration:
    """Knots (raw score, confidence), raw scores increasing; no knots means the identity."""

    scores: tuple[float, ...] = ()
    confidences: tuple[float, ...] = ()
    spans: tuple[int, ...] = ()  # held-out spans behind each knot (version 2; 0 at end knots)
    version: int = BLOCK_CENTRES

    def __call__(self, raw: np.ndarray | float) -> np.ndarray:
        values = np.asarray(raw, dtype=np.float64)
        if not self.scores:
            return values
        return np.interp(values, self.scores, self.confidences)

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Calibration:
        """The map as config.json stores it; a map without a version is version 1 (steps)."""
        return cls(
            tuple(stored.get("scores", ())),
            tuple(stored.get("confidences", ())),
            tuple(stored.get("spans", ())),
            int(stored.get("version", STEPS)),
        )
