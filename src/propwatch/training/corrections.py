"""Corrections of the span head, tuned on dev, each with an honest estimate of what it is worth.

The head learns PTC train's class balance and calibration. Two corrections are tried on top:

- Repetition evidence: the Repetition logit gets one bias when the fragment occurs once in the
  article and another when it recurs. Nine in ten dev Repetition spans recur, against about one
  in seven spans of the other techniques, and the head underrates that.
- Priors: one bias per technique logit, for what the TC metric rewards.

Both are chosen on dev, so a dev TC score with them is optimistic: `cross_fitted_accuracy` tunes
on one half of the dev articles and scores the other half (and the reverse), which is the figure
to trust and the one that decides which corrections the model keeps.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.correct import REPETITION, recurring
from propwatch.model.detector import Detector
from propwatch.model.encode import Segment
from propwatch.model.features import TextIndex
from propwatch.model.predict import distinct_top
from propwatch.techniques import TECHNIQUE_NAMES

GRID = np.round(np.arange(-1.5, 1.51, 0.25), 2)
ROUNDS = 3
REPETITION_ONCE = np.round(np.arange(-5.0, 0.51, 0.25), 2)
REPETITION_AGAIN = np.round(np.arange(-0.5, 4.01, 0.25), 2)


@dataclass(frozen=True)
class GoldSpans:
    """The distinct gold spans of a corpus with the head's log-probabilities for them."""

    article_ids: np.ndarray  # (N,) the article of each span
    bounds: np.ndarray  # (N, 2) start and end of each span
    log_probabilities: np.ndarray  # (N, techniques), without any correction
    gold: np.ndarray  # (N, techniques) how often each technique labels the span
    recurs: np.ndarray  # (N,) whether the span's fragment occurs more than once in its article

    def subset(self, rows: np.ndarray) -> GoldSpans:
        return GoldSpans(
            self.article_ids[rows],
            self.bounds[rows],
            self.log_probabilities[rows],
            self.gold[rows],
            self.recurs[rows],
        )

    def of_articles(self, articles: set[str]) -> GoldSpans:
        return self.subset(np.isin(self.article_ids, sorted(articles)))

    @staticmethod
    def concat(parts: list[GoldSpans]) -> GoldSpans:
        return GoldSpans(
            *(np.concatenate([getattr(p, name) for p in parts]) for name in GOLD_SPAN_FIELDS)
        )

    def shifted(self, shift: np.ndarray) -> GoldSpans:
        return replace(self, log_probabilities=self.log_probabilities + shift)


GOLD_SPAN_FIELDS = ("article_ids", "bounds", "log_probabilities", "gold", "recurs")


def gold_spans(
    detector: Detector,
    articles: Mapping[str, str],
    gold: list[Label],
    segments: Mapping[str, Sequence[Segment]] | None = None,
) -> GoldSpans:
    """Run the (uncorrected) span head on every distinct gold span; `segments` are the
    articles' encoder outputs, when they went through it already."""
    settings = detector.settings
    assert not settings.technique_bias and not any(settings.repetition_bias), "uncorrected head"
    index = {name: i for i, name in enumerate(TECHNIQUE_NAMES)}
    ids: list[str] = []
    bounds: list[tuple[int, int]] = []
    rows: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    recurs: list[bool] = []
    for article_id, labels in labels_by_article(gold).items():
        spans = list(dict.fromkeys((label.start, label.end) for label in labels))
        text = articles[article_id]
        own = None if segments is None else segments[article_id]
        probabilities = detector.technique_probabilities(text, spans, own)
        recurs.extend(recurring(TextIndex.build(text), spans))
        for span, probs in zip(spans, probabilities, strict=True):
            count = np.zeros(len(TECHNIQUE_NAMES))
            for label in labels:
                if (label.start, label.end) == span and label.technique is not None:
                    count[index[label.technique]] += 1
            ids.append(article_id)
            bounds.append(span)
            rows.append(np.log(np.maximum(probs, 1e-9)))
            counts.append(count)
    return GoldSpans(
        np.asarray(ids, dtype=str),
        np.asarray(bounds, dtype=np.int64).reshape(-1, 2),
        np.asarray(rows).reshape(-1, len(TECHNIQUE_NAMES)),
        np.asarray(counts).reshape(-1, len(TECHNIQUE_NAMES)),
        np.asarray(recurs, dtype=bool),
    )


def matches(scores: np.ndarray, gold: np.ndarray) -> int:
    """Correct labels when each span listed k times gets its k best techniques (as TC scores)."""
    ranks = np.argsort(np.argsort(-scores, axis=1, kind="stable"), axis=1)
    return int(((ranks < gold.sum(axis=1, keepdims=True)) & (gold > 0)).sum())


def accuracy(spans: GoldSpans) -> float:
    """TC micro-F1 of the spans' log-probabilities as they are."""
    return matches(spans.log_probabilities, spans.gold) / max(float(spans.gold.sum()), 1.0)


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


def repetition_shift(recurs: np.ndarray, bias: tuple[float, float], width: int) -> np.ndarray:
    """(N, width) log-probability shift: `bias` (once, again) on the Repetition column."""
    shift = np.zeros((len(recurs), width))
    shift[:, REPETITION] = np.where(recurs, bias[1], bias[0])
    return shift


def tune_repetition(spans: GoldSpans) -> tuple[float, float]:
    """The (once, again) Repetition biases with the most TC matches; no change wins ties."""
    width = spans.gold.shape[1]
    best, found = (0.0, 0.0), matches(spans.log_probabilities, spans.gold)
    for bias in itertools.product(REPETITION_ONCE, REPETITION_AGAIN):
        shift = repetition_shift(spans.recurs, bias, width)
        trial = matches(spans.log_probabilities + shift, spans.gold)
        if trial > found:
            best, found = (float(bias[0]), float(bias[1])), trial
    return best


@dataclass(frozen=True)
class Correction:
    """Repetition biases (once, again) and per-technique biases, as the detector applies them."""

    repetition: tuple[float, float] = (0.0, 0.0)
    technique_bias: tuple[float, ...] = ()

    def shift(self, spans: GoldSpans) -> np.ndarray:
        shift = np.zeros(spans.gold.shape) + np.asarray(self.technique_bias or 0.0)
        if any(self.repetition):
            shift += repetition_shift(spans.recurs, self.repetition, spans.gold.shape[1])
        return np.asarray(shift)


def fit_correction(spans: GoldSpans, repetition: bool, priors: bool) -> Correction:
    """The chosen corrections tuned on `spans`: Repetition first, then the priors on top."""
    correction = Correction(tune_repetition(spans) if repetition else (0.0, 0.0))
    if priors:
        shifted = spans.shifted(correction.shift(spans))
        bias = tune_bias(shifted.log_probabilities, shifted.gold)
        correction = replace(correction, technique_bias=tuple(bias.tolist()))
    return correction


def cross_fitted_accuracy(spans: GoldSpans, repetition: bool, priors: bool) -> float:
    """TC micro-F1 with the corrections always tuned on the other half of the articles."""
    articles = sorted(set(spans.article_ids.tolist()))
    second_half = np.isin(spans.article_ids, articles[1::2])
    correct = 0
    for held_out in (second_half, ~second_half):
        fit, held = spans.subset(~held_out), spans.subset(held_out)
        correction = fit_correction(fit, repetition, priors)
        correct += matches(held.log_probabilities + correction.shift(held), held.gold)
    return correct / max(float(spans.gold.sum()), 1.0)


def technique_labels(spans: GoldSpans, correction: Correction) -> list[Label]:
    """TC predictions: a span listed k times in gold gets its k likeliest corrected techniques."""
    scores = spans.log_probabilities + correction.shift(spans)
    labels = []
    for article_id, (start, end), row, gold in zip(
        spans.article_ids, spans.bounds, scores, spans.gold, strict=True
    ):
        for technique in distinct_top(row, int(gold.sum())):
            labels.append(Label(str(article_id), int(start), int(end), technique))
    return labels
