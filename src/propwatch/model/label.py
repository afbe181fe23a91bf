"""The label stage: a judged candidate's technique, or two, with calibrated confidences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propwatch.model.calibration import Calibration
from propwatch.model.correct import Candidate


@dataclass(frozen=True)
class TechniqueLabel:
    technique: int  # index into TECHNIQUE_NAMES
    confidence: float  # calibrated (raw, under the identity calibration)


@dataclass(frozen=True)
class Labeller:
    """The best technique, plus the runner-up when it is at least `second_technique` times as
    likely; confidence is the calibrated candidate score times P(technique)."""

    second_technique: float
    calibration: Calibration

    def __call__(self, candidate: Candidate) -> list[TechniqueLabel]:
        probs = candidate.techniques
        order = np.argsort(-probs)
        chosen = [order[0]]
        if probs[order[1]] >= self.second_technique * probs[order[0]]:
            chosen.append(order[1])
        confidences = self.calibration(candidate.score * probs[chosen])
        return [
            TechniqueLabel(int(k), float(confidence))
            for k, confidence in zip(chosen, confidences, strict=True)
        ]
