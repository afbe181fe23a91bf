"""Rates corrected for the detector's known error: adjusted classify-and-count over spans.

The detector finds some spans that annotators would not mark (precision P < 1) and misses some
they would (recall R < 1). Of n predicted spans about n x P are right, and those are R of the true
spans, so the true count is about n x P / R. P and R per technique come from the model's
out-of-fold evaluation (its config's `metrics.cross_validation.out_of_fold`: FLC precision and
recall, with partial-overlap credit, per technique; SI for all techniques together). They are
estimates too: each replicate of the bootstrap draws P and R from Beta distributions around
them, so their uncertainty widens the corrected interval. A technique's spans cluster in
articles, so the sample size behind each is capped at the number of articles evaluated.
A technique the model never got right out of fold (P or R of 0) has no corrected rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.model.artifact import SHIPPED_MODEL, ModelConfig
from propwatch.techniques import by_name

ALL = "all"  # the column of spans of any technique


@dataclass(frozen=True)
class Accuracy:
    """Out-of-fold precision and recall, and the span counts behind them."""

    precision: float
    recall: float
    predicted: int
    gold: int

    @property
    def correctable(self) -> bool:
        return self.precision > 0 and self.recall > 0

    @property
    def factor(self) -> float:
        return self.precision / self.recall if self.correctable else float("nan")


@dataclass(frozen=True)
class DetectorError:
    """What the model's out-of-fold evaluation says of its errors, by technique id and overall."""

    model: str
    articles: int
    folds: int
    accuracy: dict[str, Accuracy]  # technique id or ALL

    def describe(self) -> str:
        return (
            f"model {self.model}: precision and recall out of fold ({self.folds}-fold cross-"
            f"validation over {self.articles} PTC articles)"
        )

    def factors(self, columns: Sequence[str]) -> np.ndarray:
        """P / R of each column (NaN where it cannot be corrected)."""
        return np.array([self._of(c).factor for c in columns])

    def factor_draws(self, columns: Sequence[str], replicates: int, seed: int) -> np.ndarray:
        """(replicates, columns) draws of P / R from the Beta distributions of P and R."""
        rng = np.random.default_rng(seed)
        draws = np.full((replicates, len(columns)), np.nan)
        for index, column in enumerate(columns):
            accuracy = self._of(column)
            if accuracy.correctable:
                precision = _beta(
                    rng, accuracy.precision, self._size(accuracy.predicted), replicates
                )
                recall = _beta(rng, accuracy.recall, self._size(accuracy.gold), replicates)
                draws[:, index] = precision / recall
        return draws

    def _of(self, column: str) -> Accuracy:
        return self.accuracy.get(column, Accuracy(0.0, 0.0, 0, 0))

    def _size(self, spans: int) -> int:
        return max(1, min(spans, self.articles))


def _beta(rng: np.random.Generator, share: float, size: int, replicates: int) -> np.ndarray:
    """Draws of a proportion seen as `share` of `size` (Jeffreys prior)."""
    return rng.beta(share * size + 0.5, (1 - share) * size + 0.5, replicates)


def detector_error(model: str, folder: Path | None = None) -> DetectorError | None:
    """The error table of the stored model `model`, read from its folder (default: the shipped
    model's), or None when that folder holds another model or no out-of-fold evaluation."""
    folder = folder or SHIPPED_MODEL
    if not (folder / "config.json").is_file():
        return None
    config = ModelConfig.load(folder)
    cross = config.metrics.get("cross_validation", {})
    if config.name != model or "out_of_fold" not in cross:
        return None
    return _from_scores(model, cross)


def _from_scores(model: str, cross: dict[str, Any]) -> DetectorError:
    scores = cross["out_of_fold"]
    si = scores["si"]
    accuracy = {ALL: Accuracy(si["precision"], si["recall"], si["pred_count"], si["gold_count"])}
    for name, flc in scores["flc"]["per_technique"].items():
        precision, recall, gold = flc["precision"], flc["recall"], flc["support"]
        # the count of predicted spans is not kept per technique: P x predicted ~ R x gold
        predicted = round(recall * gold / precision) if precision else 0
        accuracy[by_name(name).id] = Accuracy(precision, recall, predicted, gold)
    return DetectorError(model, int(cross["articles"]), int(cross["folds"]), accuracy)
