"""Model selection on PTC dev: decoding settings and the official scores."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.corpus.ptc import Label, read_articles, read_labels
from propwatch.model.decode import DecodeSettings, decode_spans, piece_span_probability
from propwatch.model.detector import Detector, DetectorSettings, Segment
from propwatch.model.predict import predict_spans, predict_techniques
from propwatch.model.windows import TokenizedArticle
from propwatch.scoring import Score, score_flc, score_si, score_slc, score_tc
from propwatch.training.corrections import (
    accuracy,
    cross_fitted_accuracy,
    fit_correction,
    gold_spans,
)

THRESHOLDS = tuple(np.round(np.arange(0.2, 0.76, 0.05), 2))
EXTEND_MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2)
TECHNIQUE_MIXES = (0.0, 0.3, 0.5)
JOINS = (0, 1, 2, 4)
MIN_CHARS = (1, 4, 8)
SECOND_TECHNIQUE = (0.3, 0.5, 0.7, 0.9, 1.01)


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


MIN_SPAN_SCORES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)

Segments = dict[str, tuple[TokenizedArticle, list[Segment]]]


def _segments(detector: Detector, dev: DevSet) -> Segments:
    """Every dev article through the encoder once; the sweeps below reuse the outputs."""
    runs = {}
    for article_id, text in dev.articles.items():
        tokens = detector.tokenizer.tokenize(text)
        runs[article_id] = (tokens, list(detector.segments(tokens)) if len(tokens) else [])
    return runs


def best_decode(
    detector: Detector, runs: Segments, gold: list[Label]
) -> tuple[DecodeSettings, float, Score]:
    """The decoding settings, then the span-score floor, with the best SI F1 on dev."""
    decode, score = _best_token_decode(runs, gold)
    candidates = [
        (article_id, candidate)
        for article_id, (tokens, segments) in runs.items()
        for segment in segments
        for candidate in detector.candidates(tokens, segment, decode)
    ]
    floor = 0.0
    for higher_floor in MIN_SPAN_SCORES[1:]:
        pred = [
            Label(article_id, c.raw.start, c.raw.end)
            for article_id, c in candidates
            if c.score >= higher_floor
        ]
        floored = score_si(gold, pred)
        if floored.f1 > score.f1:
            floor, score = higher_floor, floored
    return decode, floor, score


def cross_fitted_si(runs: Segments, gold: list[Label]) -> Score:
    """SI with the token decoding always tuned on the other half of the articles."""
    articles = sorted(runs)
    halves = (set(articles[0::2]), set(articles[1::2]))
    pred = []
    for fit, held_out in (halves, halves[::-1]):
        fit_gold = [label for label in gold if label.article_id in fit]
        decode, _ = _best_token_decode({a: runs[a] for a in fit}, fit_gold)
        pred += _decoded({a: runs[a] for a in held_out}, decode)
    return score_si(gold, pred)


def _best_token_decode(runs: Segments, gold: list[Label]) -> tuple[DecodeSettings, Score]:
    """The decoding settings with the best SI F1 of the token head alone (no span head)."""
    best: tuple[Score, DecodeSettings] | None = None
    for mix in TECHNIQUE_MIXES:
        grid = itertools.product(THRESHOLDS, EXTEND_MARGINS, JOINS, MIN_CHARS)
        for threshold, margin, join, min_chars in grid:
            if margin >= threshold:
                continue
            decode = DecodeSettings(float(threshold), join, min_chars, float(margin), mix)
            score = score_si(gold, _decoded(runs, decode))
            if best is None or score.f1 > best[0].f1:
                best = (score, decode)
    assert best is not None
    return best[1], best[0]


def _decoded(runs: Segments, decode: DecodeSettings) -> list[Label]:
    return [
        Label(article_id, span.start, span.end)
        for article_id, (tokens, segments) in runs.items()
        for segment in segments
        for span in decode_spans(
            tokens.index.text,
            tokens.offsets[segment.first : segment.last],
            piece_span_probability(segment.probabilities, decode.technique_mix),
            decode,
        )
    ]


def select_settings(
    detector: Detector, dev: DevSet, full: bool = False
) -> tuple[DetectorSettings, dict[str, Any]]:
    """Tune decoding on dev and score SI and TC there (and FLC and SLC when `full`)."""
    runs = _segments(detector, dev)
    decode, floor, si = best_decode(detector, runs, dev.gold)
    detector.settings = replace(detector.settings, decode=decode, min_span_score=floor)
    metrics: dict[str, Any] = {"si": si.to_dict()}
    if full:
        metrics["si_cross_fitted"] = cross_fitted_si(runs, dev.gold).to_dict()
        metrics["tc_corrections"] = _correct_head(detector, dev)
        detector.settings = replace(
            detector.settings, second_technique=_best_second_technique(detector, dev)
        )
        pred = predict_spans(detector, dev.articles)
        metrics["si"] = score_si(dev.gold, pred).to_dict()
        metrics["flc"] = score_flc(dev.gold, pred).to_dict()
        metrics["slc"] = score_slc(dev.gold, pred, dev.articles).to_dict()
    template = [Label(g.article_id, g.start, g.end) for g in dev.gold]
    metrics["tc"] = score_tc(
        dev.gold, predict_techniques(detector, dev.articles, template)
    ).to_dict()
    return detector.settings, metrics


CORRECTIONS = {  # name: (Repetition correction, prior correction); simplest first wins ties
    "repetition": (True, False),
    "priors": (False, True),
    "repetition+priors": (True, True),
}


def _correct_head(detector: Detector, dev: DevSet) -> dict[str, Any]:
    """The span-head corrections with the best TC on held-out dev halves, tuned on all of dev."""
    spans = gold_spans(detector, dev.articles, dev.gold)
    scores = {"none": accuracy(spans)}
    scores |= {name: cross_fitted_accuracy(spans, *kind) for name, kind in CORRECTIONS.items()}
    kept = max(scores, key=lambda name: scores[name])
    if kept != "none":
        correction = fit_correction(spans, *CORRECTIONS[kept])
        detector.settings = replace(
            detector.settings,
            repetition_bias=correction.repetition,
            technique_bias=correction.technique_bias,
        )
    return {"cross_fitted_f1": scores, "kept": kept}


def _best_second_technique(detector: Detector, dev: DevSet) -> float:
    """The runner-up ratio with the best FLC F1 (spans may carry two techniques in PTC)."""
    scores = {}
    for ratio in SECOND_TECHNIQUE:
        detector.settings = replace(detector.settings, second_technique=ratio)
        scores[ratio] = score_flc(dev.gold, predict_spans(detector, dev.articles)).f1
    return max(scores, key=lambda ratio: scores[ratio])
