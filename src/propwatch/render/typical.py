"""What a typical news article scores, for the reader to compare with: spans per 1,000 words over
the PTC dev articles, as the shipped model's own pipeline found them when it shipped (the model
folder's `reference.json`, written by `training/reference.py`)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from propwatch.model.artifact import REFERENCE_FILE, SHIPPED_MODEL

__all__ = ["TYPICAL", "Typical"]


@dataclass(frozen=True)
class Typical:
    corpus: str  # "PTC dev (75 articles)"
    model: str  # the model that found the spans
    median: float  # the model's spans per 1,000 words: median and quartiles over the corpus
    q1: float
    q3: float
    annotators: tuple[float, float, float]  # the gold spans' median, q1, q3

    def sentence(self) -> str:
        """One line for a reader: 'a typical article of PTC dev (75 articles): median 16.04, middle
        half 9.94 to 25.51 per 1,000 words', with an en dash for 'to'."""
        return (
            f"a typical article of {self.corpus}: median {self.median:g}, middle half "
            f"{self.q1:g}\u2013{self.q3:g} per 1,000 words"
        )


def _load() -> Typical:
    data = json.loads((SHIPPED_MODEL / REFERENCE_FILE).read_text(encoding="utf-8"))
    model, gold = data["model_density"], data["annotator_density"]
    return Typical(
        corpus=data["corpus"],
        model=data["model"],
        median=model["median"],
        q1=model["q1"],
        q3=model["q3"],
        annotators=(gold["median"], gold["q1"], gold["q3"]),
    )


TYPICAL = _load()
