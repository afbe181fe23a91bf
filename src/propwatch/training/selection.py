"""Model selection: decoding, span-head corrections, calibration and the display threshold.

One procedure, `tune`, chooses every setting from a set of articles with gold labels. `cross_fit`
applies it honestly: the articles are split into folds, each fold is predicted with settings tuned
on the other folds only, and the pooled predictions are scored. With the fold models of
`folds.py` (each article run through the model that did not train on it) the scores are out of
fold for the weights and the settings alike; on dev with one model and two halves they are the
cross-fitted dev scores.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.corpus.ptc import Label, read_articles, read_labels
from propwatch.corpus.semeval2023 import language_of
from propwatch.model.calibration import Calibration
from propwatch.model.chooser import SpanChooser
from propwatch.model.decode import DecodeSettings, decode_spans, piece_span_probability
from propwatch.model.detector import Detector, DetectorSettings, chosen, proposer_for
from propwatch.model.label import Labeller
from propwatch.scoring import score_flc, score_si, score_slc, score_tc
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.calibration import (
    expected_calibration_error,
    fit_calibration,
    hits,
    reliability,
)
from propwatch.training.chooser import POOL_BASE, PoolTable, fit_chooser
from propwatch.training.corrections import (
    Correction,
    GoldSpans,
    accuracy,
    cross_fitted_accuracy,
    fit_correction,
    gold_spans,
    technique_labels,
)
from propwatch.training.results import CorrectionReport, DevScores, Scores, ThresholdRow
from propwatch.training.runs import Runs, article_runs, segments_of
from propwatch.training.thresholds import ParagraphGold, Spans, choose

THRESHOLDS = tuple(np.round(np.arange(0.2, 0.71, 0.05), 2))
EXTEND_MARGINS = (0.0, 0.1, 0.2)
TECHNIQUE_MIXES = (0.0, 0.5)
JOINS = (0, 2, 4)
MIN_CHARS = (1, 4)
MIN_CONFIDENCES = tuple(np.round(np.arange(0.0, 0.61, 0.025), 3))
REPORTED_THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
NO_RUNNER_UP = 1.01  # runner-up techniques did not raise dev FLC (issue 3)
# Phrase-shaped ends are kept unless they cost more SI F1 than this: a reader sees every span's
# ends, the metric barely does.
TRIM_TOLERANCE = 0.003

CORRECTIONS = {  # name: (Repetition correction, prior correction); simplest first wins ties
    "repetition": (True, False),
    "priors": (False, True),
    "repetition+priors": (True, True),
}


@dataclass(frozen=True)
class DevSet:
    articles: dict[str, str]
    gold: list[Label]  # TC/FLC gold; SI gold is the same spans without techniques

    @classmethod
    def load(cls, data: Path, limit: int | None = None) -> DevSet:
        articles = read_articles(data / "dev" / "dev-articles")
        if limit:
            articles = dict(list(articles.items())[:limit])
        gold = read_labels(data / "dev" / "dev-task-flc-tc.labels")
        return cls(articles, [label for label in gold if label.article_id in articles])


def decode_grid() -> list[DecodeSettings]:
    grid = itertools.product(TECHNIQUE_MIXES, THRESHOLDS, EXTEND_MARGINS, JOINS, MIN_CHARS)
    return [
        DecodeSettings(float(threshold), join, min_chars, float(margin), mix)
        for mix, threshold, margin, join, min_chars in grid
        if margin < threshold
    ]


def decoded(runs: Runs, decode: DecodeSettings) -> list[Label]:
    """SI labels of the token head alone (no span head) under `decode`."""
    return [
        Label(article_id, span.start, span.end)
        for article_id, run in runs.items()
        for segment in run.segments
        for span in decode_spans(
            run.tokens.index.text,
            run.tokens.offsets[segment.first : segment.last],
            piece_span_probability(segment.probabilities, decode.technique_mix),
            decode,
        )
    ]


def in_articles(labels: Iterable[Label], articles: set[str]) -> list[Label]:
    return [label for label in labels if label.article_id in articles]


def best_decodes(
    runs: Runs, gold: list[Label], subsets: Mapping[Any, set[str]]
) -> dict[Any, DecodeSettings]:
    """For each subset of articles, the decoding with the best SI F1 of the token head there.

    Every setting decodes all articles once and is scored on each subset, so tuning for several
    folds costs one sweep.
    """
    golds = {key: in_articles(gold, articles) for key, articles in subsets.items()}
    best: dict[Any, tuple[float, DecodeSettings]] = {}
    for decode in decode_grid():
        labels = decoded(runs, decode)
        for key, articles in subsets.items():
            f1 = score_si(golds[key], in_articles(labels, articles)).f1
            if key not in best or f1 > best[key][0]:
                best[key] = (f1, decode)
    chosen = {}
    for key, (f1, decode) in best.items():
        trimmed = replace(decode, trim_function_words=True)
        subset = {a: runs[a] for a in subsets[key]}
        trimmed_f1 = score_si(golds[key], decoded(subset, trimmed)).f1
        chosen[key] = trimmed if trimmed_f1 >= f1 - TRIM_TOLERANCE else decode
    return chosen


@dataclass(frozen=True)
class Predicted:
    """A predicted span with its raw score (before calibration)."""

    label: Label
    raw: float


def predictions(
    runs: Runs, settings: DetectorSettings, chooser: SpanChooser | None
) -> list[Predicted]:
    """Every span chosen under `settings` (by `chooser` from pools, if given), with raw scores:
    before calibration and display threshold."""
    proposer = proposer_for(settings.decode, chooser)
    labeller = Labeller(settings.second_technique, Calibration())
    found = []
    for article_id, run in runs.items():
        for number, segment in enumerate(run.segments):
            judged = run.judged(number, proposer)
            for candidate in chosen(settings.correction, chooser, run.tokens, segment, judged):
                for technique in labeller(candidate):
                    name = TECHNIQUE_NAMES[technique.technique]
                    label = Label(article_id, candidate.raw.start, candidate.raw.end, name)
                    found.append(Predicted(label, technique.confidence))
    return found


def choose_correction(spans: GoldSpans) -> tuple[Correction, CorrectionReport]:
    """The span-head corrections with the best TC on held-out halves, tuned on all `spans`."""
    scores = {"none": accuracy(spans)}
    scores |= {name: cross_fitted_accuracy(spans, *kind) for name, kind in CORRECTIONS.items()}
    kept = max(scores, key=lambda name: scores[name])
    correction = Correction() if kept == "none" else fit_correction(spans, *CORRECTIONS[kept])
    return correction, CorrectionReport(scores, kept)


def tune(
    runs: Runs,
    gold: list[Label],
    spans: GoldSpans,
    decode: DecodeSettings,
    chooser: SpanChooser | None,
    paragraphs: ParagraphGold | None = None,
) -> tuple[DetectorSettings, CorrectionReport]:
    """Every setting after decoding (and choosing, with `chooser`), from these articles:
    corrections, calibration, display threshold, and the thresholds of `thresholds.choose`
    (of paragraph labels with `paragraphs`, the gold of these articles' paragraphs)."""
    correction, report = choose_correction(spans)
    settings = DetectorSettings(
        decode=decode,
        second_technique=NO_RUNNER_UP,
        technique_bias=correction.technique_bias,
        repetition_bias=correction.repetition,
    )
    found = predictions(runs, settings, chooser)
    raw = np.asarray([p.raw for p in found])
    calibration = fit_calibration(raw, np.asarray(hits(gold, [p.label for p in found])))
    labels = np.asarray([p.label for p in found], dtype=object)
    confidence = calibration(raw)
    floors = {
        floor: score_si(gold, list(labels[confidence >= floor])).f1 for floor in MIN_CONFIDENCES
    }
    floor = float(max(floors, key=lambda f: floors[f]))
    found_spans = Spans(sorted(runs), list(labels), confidence, gold, paragraphs)
    more = choose(found_spans, floor)
    tuned = replace(
        settings,
        calibration=calibration,
        min_confidence=floor,
        language_min_confidence=more.language_min_confidence,
        paragraph_min_confidence=more.paragraph_min_confidence,
        language_paragraph_min_confidence=more.language_paragraph_min_confidence,
    )
    return tuned, report


@dataclass(frozen=True)
class Outcome:
    """Held-out predictions: spans with calibrated confidences, and techniques of gold spans."""

    spans: list[Predicted]
    confidences: np.ndarray
    shown: np.ndarray  # (spans,) at or above the display threshold of the settings used
    tc: list[Label]
    # (spans,) at or above the paragraph threshold of the settings used: paragraph labels
    in_paragraphs: np.ndarray

    @staticmethod
    def pooled(parts: list[Outcome]) -> Outcome:
        return Outcome(
            [s for part in parts for s in part.spans],
            np.concatenate([part.confidences for part in parts]),
            np.concatenate([part.shown for part in parts]),
            [label for part in parts for label in part.tc],
            np.concatenate([part.in_paragraphs for part in parts]),
        )

    def subset(self, articles: set[str]) -> Outcome:
        rows = np.asarray([s.label.article_id in articles for s in self.spans], dtype=bool)
        return Outcome(
            [s for s, keep in zip(self.spans, rows, strict=True) if keep],
            self.confidences[rows],
            self.shown[rows],
            in_articles(self.tc, articles),
            self.in_paragraphs[rows],
        )

    def shown_labels(self) -> list[Label]:
        return [s.label for s, shown in zip(self.spans, self.shown, strict=True) if shown]

    def paragraph_spans(self) -> list[Label]:
        """The spans that give paragraph labels (at or above the paragraph threshold)."""
        return [s.label for s, kept in zip(self.spans, self.in_paragraphs, strict=True) if kept]


def apply(
    runs: Runs, settings: DetectorSettings, spans: GoldSpans, chooser: SpanChooser | None
) -> Outcome:
    found = predictions(runs, settings, chooser)
    confidences = settings.calibration(np.asarray([p.raw for p in found]))
    correction = Correction(settings.repetition_bias, settings.technique_bias)
    languages = [language_of(p.label.article_id) for p in found]
    display = np.asarray([settings.display_floor(language) for language in languages])
    paragraph = np.asarray([settings.paragraph_floor(language) for language in languages])
    return Outcome(
        found,
        np.asarray(confidences, dtype=float),
        confidences >= display,
        technique_labels(spans, correction),
        confidences >= paragraph,
    )


def cross_fit(
    runs: Runs,
    gold: list[Label],
    spans: GoldSpans,
    fold_of: Mapping[str, int],
    pools: PoolTable | None = None,
    paragraphs: ParagraphGold | None = None,
) -> tuple[Outcome, dict[int, DetectorSettings]]:
    """Each fold predicted with settings tuned on the other folds; pooled predictions.

    With `pools`, spans are chosen from them by a chooser trained on the other folds' pools,
    else decoded once with the decoding tuned there. With `paragraphs` (their gold), the
    paragraph thresholds are tuned too.
    """
    folds = sorted(set(fold_of.values()))
    others = {k: {a for a in runs if fold_of[a] != k} for k in folds}
    decodes = (
        dict.fromkeys(folds, POOL_BASE) if pools is not None else best_decodes(runs, gold, others)
    )
    parts, settings = [], {}
    for k in folds:
        fit, held = others[k], set(runs) - others[k]
        chooser = fit_chooser(pools, gold, fold_of, fit) if pools is not None and fit else None
        fit_runs, held_runs = {a: runs[a] for a in fit}, {a: runs[a] for a in held}
        settings[k], _ = tune(
            fit_runs,
            in_articles(gold, fit),
            spans.of_articles(fit),
            decodes[k],
            chooser,
            paragraphs,
        )
        parts.append(apply(held_runs, settings[k], spans.of_articles(held), chooser))
    return Outcome.pooled(parts), settings


def scores(outcome: Outcome, gold: list[Label], articles: Mapping[str, str]) -> Scores:
    """The official scores, calibration and precision/recall at thresholds of an outcome."""
    shown = outcome.shown_labels()
    hit = np.asarray(hits(gold, [s.label for s in outcome.spans]), dtype=bool)
    visible = outcome.shown
    return Scores(
        si=score_si(gold, shown),
        flc=score_flc(gold, shown),
        slc=score_slc(gold, shown, articles),
        tc=score_tc(gold, outcome.tc),
        ece=expected_calibration_error(outcome.confidences[visible], hit[visible]),
        ece_all_spans=expected_calibration_error(outcome.confidences, hit),
        reliability=tuple(reliability(outcome.confidences, hit)),
        thresholds=tuple(
            _at_threshold(outcome, gold, hit, threshold) for threshold in REPORTED_THRESHOLDS
        ),
    )


def _at_threshold(
    outcome: Outcome, gold: list[Label], hit: np.ndarray, threshold: float
) -> ThresholdRow:
    kept = outcome.confidences >= threshold
    flc = score_flc(gold, [s.label for s, k in zip(outcome.spans, kept, strict=True) if k])
    return ThresholdRow(
        min_confidence=threshold,
        spans=int(kept.sum()),
        hit_rate=float(hit[kept].mean()) if kept.any() else 0.0,
        flc_precision=flc.precision,
        flc_recall=flc.recall,
    )


def halves(articles: Iterable[str]) -> dict[str, int]:
    """Alternate articles of the sorted ids into two folds (cross-fitting on dev)."""
    return {article_id: i % 2 for i, article_id in enumerate(sorted(articles))}


def select_settings(
    detector: Detector, dev: DevSet, full: bool = False
) -> tuple[DetectorSettings, DevScores]:
    """Tune every setting of `detector` (its span chooser kept) on dev and score there; `full`
    adds the cross-fitted dev scores."""
    detector = replace(detector, settings=DetectorSettings())
    runs = article_runs(dev.articles, lambda _: detector)
    spans = gold_spans(detector, dev.articles, dev.gold, segments_of(runs))
    decode = best_decodes(runs, dev.gold, {"dev": set(runs)})["dev"]
    settings, corrections = tune(runs, dev.gold, spans, decode, detector.chooser)
    metrics = scores(apply(runs, settings, spans, detector.chooser), dev.gold, dev.articles)
    fitted = None
    if full:
        fitted = scores(cross_fit(runs, dev.gold, spans, halves(runs))[0], dev.gold, dev.articles)
    return settings, DevScores.of(metrics, corrections, fitted)


def si_tc(score: Scores) -> float:
    """The sum that picks an epoch: SI F1 plus TC micro-F1."""
    return score.si.f1 + score.tc.f1
