"""A language's own display threshold, and the paragraph labels' own threshold, each kept only
where it gains out of sample.

`selection.tune` chooses one display threshold for all articles: the confidence from which spans
are shown, for the best SI F1. On the same articles and confidences, three more choices follow,
each replacing what would hold without it (its fallback) only when it passes the guard:

1. each language's display threshold (SI F1 of its articles), instead of the one for all;
2. one paragraph threshold: the confidence from which spans give SemEval-2023's paragraph labels
   (each line a span touches gets its technique; micro-F1 over all scored paragraphs), instead
   of reading them from the shown spans;
3. each language's paragraph threshold, instead of the result of 2.

The guard: the articles in question (a language's, or all for 2) are split into alternate halves
of their sorted ids, each half is scored with the threshold that is best on the other, and the
pooled F1 must beat the fallback's on the same articles by MARGIN. Fewer than MIN_ARTICLES
articles keep the fallback. A threshold that passes is then chosen on all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from propwatch.corpus.ptc import Label
from propwatch.corpus.semeval2023 import language_of
from propwatch.scoring import Paragraph, paragraphs_of_spans, score_paragraphs, score_si

FLOORS = tuple(float(f) for f in np.round(np.arange(0.0, 0.61, 0.025), 3))
MIN_ARTICLES = 20  # a language with fewer articles keeps the thresholds of all
MARGIN = 0.01  # F1 a threshold must gain out of sample over its fallback

FloorOf = Callable[[str], float]  # article id -> the confidence its spans count from
Measure = Callable[[set[str], FloorOf], float]  # F1 over some articles under such floors


@dataclass(frozen=True)
class ParagraphGold:
    """The texts of the articles and the gold labels of every paragraph scored in them."""

    articles: Mapping[str, str]
    labels: Mapping[Paragraph, frozenset[str]]

    def of(self, ids: set[str]) -> dict[Paragraph, frozenset[str]]:
        return {paragraph: names for paragraph, names in self.labels.items() if paragraph[0] in ids}


@dataclass(frozen=True)
class Thresholds:
    """What `choose` adds to the one display threshold (DetectorSettings' fields of the names)."""

    language_min_confidence: dict[str, float]
    paragraph_min_confidence: float | None
    language_paragraph_min_confidence: dict[str, float]


@dataclass(frozen=True)
class Spans:
    """Spans found on the tuning articles, their calibrated confidences, and the gold."""

    articles: list[str]  # the ids of the tuning articles
    labels: list[Label]
    confidences: np.ndarray
    gold: list[Label]
    paragraphs: ParagraphGold | None = None

    @cached_property
    def article(self) -> np.ndarray:
        return np.asarray([label.article_id for label in self.labels], dtype=object)

    def kept(self, ids: set[str], floor_of: FloorOf) -> list[Label]:
        """The spans of the articles `ids` at or above their article's floor."""
        floors = np.asarray([floor_of(a) if a in ids else np.inf for a in self.article])
        return [
            label
            for label, keep in zip(self.labels, self.confidences >= floors, strict=True)
            if keep
        ]

    def si(self, ids: set[str], floor_of: FloorOf) -> float:
        gold = [label for label in self.gold if label.article_id in ids]
        return score_si(gold, self.kept(ids, floor_of)).f1

    def paragraph(self, ids: set[str], floor_of: FloorOf) -> float:
        assert self.paragraphs is not None, "paragraph scores need the paragraph gold"
        gold = self.paragraphs.of(ids)
        found = paragraphs_of_spans(self.kept(ids, floor_of), self.paragraphs.articles)
        return score_paragraphs(gold, {p: n for p, n in found.items() if p in gold}).f1


def choose(spans: Spans, min_confidence: float) -> Thresholds:
    """The thresholds that pass the guard, around the display threshold `min_confidence`."""
    by_language: dict[str, list[str]] = {}
    for article_id in spans.articles:
        by_language.setdefault(language_of(article_id), []).append(article_id)
    if len(by_language) < 2:  # one language: its threshold is the one for all
        by_language = {}
    display = _per_language(spans.si, by_language, constant(min_confidence))
    shown = _floor_of(display, min_confidence)
    if spans.paragraphs is None:
        return Thresholds(display, None, {})
    paragraph = guarded(spans.paragraph, spans.articles, shown)
    fallback = shown if paragraph is None else constant(paragraph)
    own = _per_language(spans.paragraph, by_language, fallback)
    return Thresholds(display, paragraph, own)


def _per_language(
    measure: Measure, by_language: Mapping[str, list[str]], fallback: FloorOf
) -> dict[str, float]:
    chosen = {language: guarded(measure, ids, fallback) for language, ids in by_language.items()}
    return {language: floor for language, floor in chosen.items() if floor is not None}


def constant(floor: float) -> FloorOf:
    return lambda _: floor


def _floor_of(languages: Mapping[str, float], default: float) -> FloorOf:
    return lambda article_id: languages.get(language_of(article_id), default)


def guarded(measure: Measure, ids: list[str], fallback: FloorOf) -> float | None:
    """The best floor on the articles `ids` if, cross-fitted between their halves, it beats
    `fallback` by MARGIN; else None."""
    if len(ids) < MIN_ARTICLES:
        return None
    ordered = sorted(ids)
    halves = (set(ordered[0::2]), set(ordered[1::2]))
    crossed: dict[str, float] = {}
    for half, other in (halves, halves[::-1]):
        crossed |= dict.fromkeys(half, best_floor(measure, other))
    every = set(ordered)
    if measure(every, crossed.__getitem__) < measure(every, fallback) + MARGIN:
        return None
    return best_floor(measure, every)


def best_floor(measure: Measure, ids: set[str]) -> float:
    """The floor of FLOORS with the best F1 on `ids` (the lowest of equals)."""
    scored = {floor: measure(ids, constant(floor)) for floor in FLOORS}
    return max(scored, key=lambda floor: scored[floor])
