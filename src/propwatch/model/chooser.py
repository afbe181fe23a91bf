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

from propwatch.model.correct import propaganda_probability, softmax
from propwatch.model.decode import FUNCTION_WORD_ENDS, DecodeSettings, RawSpan
from propwatch.model.propose import SegmentView
from propwatch.techniques import TECHNIQUE_NAMES

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


@dataclass(frozen=True)
class Pool:
    """A segment's distinct candidates, as the chooser sees them before reading their features.

    `likely` is the segment's piece span probability (decode.piece_span_probability); `pieces`
    and `bounds` each candidate's first and last piece there and its characters [start, end);
    `propaganda` and `techniques` the span head's P(propaganda) and uncorrected P(technique |
    propaganda).
    """

    likely: np.ndarray  # (pieces,)
    pieces: np.ndarray  # (n, 2) first and last piece, inclusive
    bounds: np.ndarray  # (n, 2)
    propaganda: np.ndarray  # (n,)
    techniques: np.ndarray  # (n, techniques)


def pool_features(pool: Pool, text: str) -> np.ndarray:
    """(n, features) what the chooser sees of each candidate: the heads' outputs inside and
    around it, and its shape. (Features for how it compares with overlapping candidates, how
    many decodings give it and where it sits scored lower out of fold: docs/training.md.)"""
    rows = []
    for (first, last), (start, end) in zip(pool.pieces, pool.bounds, strict=True):
        inside = pool.likely[first : last + 1]
        before, after = pool.likely[max(0, first - 3) : first], pool.likely[last + 1 : last + 4]
        fragment = text[start:end]
        words = fragment.split()
        rows.append(
            [
                inside.mean(),
                inside.max(),
                inside.min(),
                inside[0],
                inside[-1],
                before.mean() if len(before) else 0.0,
                after.mean() if len(after) else 0.0,
                last - first + 1,
                len(fragment),
                len(words),
                bool(words) and words[0].lower() in FUNCTION_WORD_ENDS,
                any(mark in fragment for mark in SENTENCE_ENDS),
                fragment.count(","),
            ]
        )
    techniques = pool.techniques
    entropy = -(techniques * np.log(techniques + 1e-9)).sum(axis=1)
    return np.column_stack(
        [
            np.asarray(rows, dtype=np.float64),
            pool.propaganda,
            techniques.max(axis=1),
            entropy,
            techniques,
        ]
    )


def chooser_features(view: SegmentView, spans: Sequence[RawSpan], logits: np.ndarray) -> np.ndarray:
    """The chooser's features of a segment's pool spans, from the span head's logits on them,
    uncorrected: the trees are fitted on fold models with no corrections tuned yet."""
    pool = Pool(
        likely=view.likely,
        pieces=np.asarray([(s.first_token, s.last_token) for s in spans]),
        bounds=np.asarray([(s.start, s.end) for s in spans]),
        propaganda=propaganda_probability(logits),
        techniques=softmax(logits[:, : len(TECHNIQUE_NAMES)]),
    )
    return pool_features(pool, view.text)


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
    columns: int  # how many features the trees were fitted on

    def predict(self, features: np.ndarray) -> np.ndarray:
        if features.shape[1] != self.columns:
            raise ValueError(
                f"the span chooser was fitted on {self.columns} features, not "
                f"{features.shape[1]}: re-select the model (scripts/reselect.py)"
            )
        trees = len(self.roots)
        rows = np.repeat(np.arange(len(features)), trees)
        node = np.tile(self.roots, len(features))  # (row, tree) pairs, flat
        todo = np.flatnonzero(~self.leaf[node])
        while len(todo):  # only the pairs not at a leaf yet take the next step
            at = node[todo]
            goes_left = features[rows[todo], self.feature[at]] <= self.threshold[at]
            node[todo] = np.where(goes_left, self.left[at], self.right[at])
            todo = todo[~self.leaf[node[todo]]]
        return np.asarray(self.base + self.value[node].reshape(len(features), trees).sum(axis=1))


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
            arrays = {
                name: stored[name]
                for name in Trees.__dataclass_fields__
                if name not in ("base", "columns")
            }
            trees = Trees(**arrays, base=float(stored["base"]), columns=int(stored["columns"]))
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
