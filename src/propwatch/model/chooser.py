"""Choosing spans among candidates decoded at several thresholds, by a learned SI credit.

One decoding threshold cuts every highlight the same way. Decoding at several thresholds and gap
settings gives, for each highlight, competing shorter and longer versions; gradient-boosted trees
predict each one's SI precision credit (the share of its characters inside gold spans) from the
token and span heads' outputs, and the best are kept, best first, none overlapping another. The
trees are trained out of fold (`training/chooser.py`) and stored as arrays: no scikit-learn here.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from propwatch.model.decode import FUNCTION_WORD_ENDS, DecodeSettings

CHOOSER_FILE = "chooser.npz"
POOL_THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
POOL_GAPS = ((0, 0.1), (4, 0.1), (2, 0.0), (2, 0.2))  # (join_tokens, extend_margin)
SENTENCE_ENDS = (". ", "? ", "! ")


def pool_decodes(base: DecodeSettings) -> list[DecodeSettings]:
    """The base decoding first, then thresholds x gap settings with the base's other settings
    (its technique mix among them: every decoding reads the same piece probabilities)."""
    grid = [
        replace(base, threshold=threshold, join_tokens=join, extend_margin=margin)
        for threshold, (join, margin) in itertools.product(POOL_THRESHOLDS, POOL_GAPS)
        if margin < threshold
    ]
    return [base, *(decode for decode in grid if decode != base)]


def candidate_features(
    likely: np.ndarray, pieces: tuple[int, int], fragment: str, head: tuple[float, np.ndarray]
) -> list[float]:
    """What the chooser sees of one candidate.

    `likely` is its segment's piece span probability (decode.piece_span_probability), `pieces`
    its first and last piece there, `head` the span head's P(propaganda) and
    P(technique | propaganda).
    """
    first, last = pieces
    inside = likely[first : last + 1]
    before, after = likely[max(0, first - 3) : first], likely[last + 1 : last + 4]
    propaganda, techniques = head
    words = fragment.split()
    return [
        float(inside.mean()),
        float(inside.max()),
        float(inside.min()),
        float(inside[0]),
        float(inside[-1]),
        float(before.mean()) if len(before) else 0.0,
        float(after.mean()) if len(after) else 0.0,
        float(last - first + 1),
        float(len(fragment)),
        float(len(words)),
        float(propaganda),
        float(techniques.max()),
        float(-(techniques * np.log(techniques + 1e-9)).sum()),
        float(bool(words) and words[0].lower() in FUNCTION_WORD_ENDS),
        float(any(mark in fragment for mark in SENTENCE_ENDS)),
        float(fragment.count(",")),
        *(float(p) for p in techniques),
    ]


@dataclass(frozen=True)
class Trees:
    """Regression trees in flat arrays; a prediction is `base` plus one leaf value per tree."""

    feature: np.ndarray  # (nodes,) the feature a split reads
    threshold: np.ndarray  # (nodes,) go left when the feature is at most this
    left: np.ndarray  # (nodes,) child indices, global
    right: np.ndarray
    value: np.ndarray  # (nodes,) a leaf's value
    leaf: np.ndarray  # (nodes,) bool
    roots: np.ndarray  # (trees,) index of each tree's root
    base: float

    def predict(self, features: np.ndarray) -> np.ndarray:
        rows = np.arange(len(features))[:, None]
        node = np.broadcast_to(self.roots, (len(features), len(self.roots))).copy()
        while not self.leaf[node].all():
            goes_left = features[rows, self.feature[node]] <= self.threshold[node]
            child = np.where(goes_left, self.left[node], self.right[node])
            node = np.where(self.leaf[node], node, child)
        return np.asarray(self.base + self.value[node].sum(axis=1))


@dataclass(frozen=True)
class SpanChooser:
    """Trees that predict a candidate's credit, and how the best candidates are kept."""

    trees: Trees
    floor: float  # candidates predicted under this credit are dropped
    length_bonus: float  # per log character of length, added to the credit when ranking

    def choose(self, features: np.ndarray, bounds: Sequence[tuple[int, int]]) -> list[int]:
        """Indices of the candidates kept, best first, none overlapping one kept before."""
        if not len(bounds):
            return []
        credit = self.trees.predict(features)
        return best_first(credit, bounds, self.floor, self.length_bonus)

    def save(self, folder: Path) -> None:
        arrays = {name: getattr(self.trees, name) for name in Trees.__dataclass_fields__}
        np.savez_compressed(
            folder / CHOOSER_FILE, **arrays, floor=self.floor, length_bonus=self.length_bonus
        )

    @classmethod
    def load(cls, folder: Path) -> SpanChooser | None:
        path = folder / CHOOSER_FILE
        if not path.is_file():
            return None
        with np.load(path) as stored:
            trees = Trees(
                **{name: stored[name] for name in Trees.__dataclass_fields__ if name != "base"},
                base=float(stored["base"]),
            )
            return cls(trees, float(stored["floor"]), float(stored["length_bonus"]))


def best_first(
    credit: np.ndarray, bounds: Sequence[tuple[int, int]], floor: float, length_bonus: float
) -> list[int]:
    """Indices by credit + length_bonus x log(length), best first, skipping any under `floor`
    or overlapping one already kept."""
    lengths = np.asarray([end - start for start, end in bounds], dtype=float)
    kept: list[int] = []
    for i in np.argsort(-(credit + length_bonus * np.log(lengths)), kind="stable"):
        start, end = bounds[i]
        if credit[i] < floor:
            continue
        if all(end <= bounds[k][0] or bounds[k][1] <= start for k in kept):
            kept.append(int(i))
    return kept
