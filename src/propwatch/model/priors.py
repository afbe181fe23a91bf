"""Per-technique prior correction of the span head, tuned on dev, with an honest estimate.

The head learns PTC train's class balance and calibration; one bias per technique logit corrects
them for what the TC metric rewards. The biases are chosen on dev, so the dev TC score with them
is optimistic: `cross_fitted_accuracy` tunes on one half of the dev articles and scores the other
half (and the reverse), which is the figure to trust.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.detector import Detector
from propwatch.techniques import TECHNIQUE_NAMES

GRID = np.round(np.arange(-1.5, 1.51, 0.25), 2)
ROUNDS = 3


@dataclass(frozen=True)
class GoldSpans:
    """The distinct gold spans of a corpus with the head's log-probabilities for them."""

    article_ids: np.ndarray  # (N,) the article of each span
    log_probabilities: np.ndarray  # (N, techniques), without any bias
    gold: np.ndarray  # (N, techniques) how often each technique labels the span


def gold_spans(detector: Detector, articles: dict[str, str], gold: list[Label]) -> GoldSpans:
    """Run the (unbiased) span head on every distinct gold span."""
    assert not detector.settings.technique_bias, "tune the bias from an unbiased head"
    index = {name: i for i, name in enumerate(TECHNIQUE_NAMES)}
    ids, rows, counts = [], [], []
    for article_id, labels in labels_by_article(gold).items():
        spans = list(dict.fromkeys((label.start, label.end) for label in labels))
        probabilities = detector.technique_probabilities(articles[article_id], spans)
        for span, probs in zip(spans, probabilities, strict=True):
            count = np.zeros(len(TECHNIQUE_NAMES))
            for label in labels:
                if (label.start, label.end) == span:
                    count[index[label.technique]] += 1
            ids.append(article_id)
            rows.append(np.log(np.maximum(probs, 1e-9)))
            counts.append(count)
    return GoldSpans(np.asarray(ids), np.asarray(rows), np.asarray(counts))


def matches(scores: np.ndarray, gold: np.ndarray) -> int:
    """Correct labels when each span listed k times gets its k best techniques (as TC scores)."""
    ranks = np.argsort(np.argsort(-scores, axis=1, kind="stable"), axis=1)
    return int(((ranks < gold.sum(axis=1, keepdims=True)) & (gold > 0)).sum())


def tune_bias(log_probabilities: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Coordinate ascent over a grid of per-technique biases, maximising TC matches."""
    bias = np.zeros(log_probabilities.shape[1])
    best = matches(log_probabilities, gold)
    for _ in range(ROUNDS):
        improved = False
        for technique in range(len(bias)):
            for value in GRID:
                trial = bias.copy()
                trial[technique] = value
                found = matches(log_probabilities + trial, gold)
                if found > best:
                    best, bias, improved = found, trial, True
        if not improved:
            break
    return bias


def cross_fitted_accuracy(spans: GoldSpans) -> float:
    """TC micro-F1 with biases always tuned on the other half of the articles."""
    articles = sorted(set(spans.article_ids.tolist()))
    second_half = np.isin(spans.article_ids, articles[1::2])
    correct = 0
    for held_out in (second_half, ~second_half):
        bias = tune_bias(spans.log_probabilities[~held_out], spans.gold[~held_out])
        correct += matches(spans.log_probabilities[held_out] + bias, spans.gold[held_out])
    return correct / max(spans.gold.sum(), 1)
