"""Corpus-level predictions in PTC terms: joint spans (FLC) and techniques of given spans (TC)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.detector import Detector
from propwatch.techniques import TECHNIQUE_NAMES

Progress = Callable[[], None]


def _tick(progress: Progress | None) -> None:
    if progress is not None:
        progress()


def predict_spans(
    detector: Detector,
    articles: Mapping[str, str],
    progress: Progress | None = None,
    min_confidence: float | None = None,
) -> list[Label]:
    """Technique spans for every article, as PTC labels (from the model's display threshold up,
    or from `min_confidence`); PTC labels need no explanations."""
    labels = []
    for article_id, text in articles.items():
        for span in detector.detect(text, min_confidence, explained=False).spans:
            labels.append(Label(article_id, span.start, span.end, span.technique))
        _tick(progress)
    return labels


def distinct_top(probabilities: np.ndarray, count: int) -> list[str]:
    """The `count` most likely techniques, best first: a span listed k times gets k labels."""
    order = np.argsort(-probabilities)
    return [TECHNIQUE_NAMES[int(order[i % len(order)])] for i in range(count)]


def predict_techniques(
    detector: Detector,
    articles: Mapping[str, str],
    template: Sequence[Label],
    progress: Progress | None = None,
) -> list[Label]:
    """Fill in the technique of every template span, keeping the template's order."""
    filled: dict[tuple[str, int, int], list[str]] = {}
    for article_id, labels in labels_by_article(template).items():
        spans = list(dict.fromkeys((label.start, label.end) for label in labels))
        counts = _span_counts(labels)
        probabilities = detector.technique_probabilities(articles[article_id], spans)
        for (start, end), probs in zip(spans, probabilities, strict=True):
            filled[(article_id, start, end)] = distinct_top(probs, counts[(start, end)])
        _tick(progress)
    return [
        Label(label.article_id, label.start, label.end, filled[_key(label)].pop(0))
        for label in template
    ]


def _key(label: Label) -> tuple[str, int, int]:
    return (label.article_id, label.start, label.end)


def _span_counts(labels: Iterable[Label]) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for label in labels:
        counts[(label.start, label.end)] = counts.get((label.start, label.end), 0) + 1
    return counts
