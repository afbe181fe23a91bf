"""How much SI F1 could choosing among candidate spans gain; how much does a learned chooser get?

    .venv/bin/python benchmarks/span_selection.py --work runs/cv4 [--folds 0,1] [--epoch 4]

Each labelled article goes through the fold model of a cross-validation run that did not train on
it, and gets the candidate pool of the span chooser (`model/chooser.py`: decodings at several
thresholds and gap settings around `training/chooser.POOL_BASE`). Each candidate's SI precision
credit is the share of its characters inside gold spans. Reported, all by the official SI formula,
before calibration and display thresholds:

- baseline: the base decoding alone;
- oracles (gold used, upper bounds): the best-credit candidate overlapping each baseline span;
  baseline spans kept only where they touch gold; best-first selection by true credit;
- learned, each group chosen with what was fitted and tuned on the other groups (floor and length
  bonus by inner cross-validation): best-first by the token score; by the chooser's trees
  (`boosted_credit`); and, where the fold models' span head has a credit output
  (`train --near-misses`), by it alone and times the token score.

Groups are the run's folds, or halves of the articles when one fold is given. Adds the result
to benchmarks/results/span_selection.json under the run's name and folds.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.corpus.ptc import Label
from propwatch.model.artifact import load_detector
from propwatch.model.chooser import best_first
from propwatch.model.correct import Candidate
from propwatch.model.detector import chosen
from propwatch.model.encode import Segment, sigmoid
from propwatch.model.judge import span_representation
from propwatch.model.propose import Proposer
from propwatch.scoring import score_si
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.chooser import (
    FLOORS,
    LENGTH_BONUSES,
    POOL_BASE,
    POOL_PROPOSER,
    fit_trees,
    inner_groups,
)
from propwatch.training.folds import epoch_folder, labelled_corpus
from propwatch.training.runs import ArticleRun, article_runs

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "data" / "ptc"
RESULTS = ROOT / "benchmarks" / "results" / "span_selection.json"
CREDIT_HEAD_OUTPUTS = len(TECHNIQUE_NAMES) + 2


@dataclass(frozen=True)
class Pool:
    """Candidate spans of all articles, one row each."""

    article: np.ndarray
    bounds: np.ndarray  # (rows, 2)
    features: np.ndarray  # model/chooser.pool_features
    credit: np.ndarray  # share of characters inside gold
    token_score: np.ndarray  # mean span probability x P(propaganda), as the detector scores
    head_credit: np.ndarray  # the span head's credit output, NaN without one
    baseline: np.ndarray  # decoded by the base decoding alone


def head_credit(run: ArticleRun, segment: Segment, candidate: Candidate) -> float:
    detector = run.detector
    pieces = (segment.first + candidate.raw.first_token, segment.first + candidate.raw.last_token)
    chars = (candidate.raw.start, candidate.raw.end)
    pooled = span_representation(run.tokens, segment, pieces, chars)
    logits = detector.backend.classify(pooled[None])[0]
    return float(sigmoid(logits[-1])) if len(logits) == CREDIT_HEAD_OUTPUTS else float("nan")


def build_pool(runs: dict[str, ArticleRun], gold: list[Label]) -> Pool:
    rows: list[tuple[Any, ...]] = []
    for article_id, run in runs.items():
        inside = np.zeros(len(run.tokens.index.text) + 1, dtype=bool)
        for label in gold:
            if label.article_id == article_id:
                inside[label.start : label.end] = True
        correction = run.detector.settings.correction
        for number, segment in enumerate(run.segments):
            judged = run.judged(number, POOL_PROPOSER)
            candidates = chosen(correction, None, run.tokens, segment, judged)
            base = run.judged(number, Proposer((POOL_BASE,))).spans
            decoded = {(s.start, s.end) for s in base}
            features = judged.features if judged.features is not None else np.zeros((0, 0))
            for candidate, row in zip(candidates, features, strict=True):
                span = (candidate.raw.start, candidate.raw.end)
                rows.append(
                    (
                        article_id,
                        span,
                        row,
                        inside[span[0] : span[1]].mean(),
                        candidate.score,
                        head_credit(run, segment, candidate),
                        span in decoded,
                    )
                )
    columns = list(zip(*rows, strict=True))
    return Pool(
        article=np.asarray(columns[0]),
        bounds=np.asarray(columns[1]),
        features=np.asarray(columns[2]),
        credit=np.asarray(columns[3], dtype=float),
        token_score=np.asarray(columns[4], dtype=float),
        head_credit=np.asarray(columns[5], dtype=float),
        baseline=np.asarray(columns[6], dtype=bool),
    )


class Scorer:
    """SI F1 of chosen pool rows over the articles of some groups."""

    def __init__(self, pool: Pool, gold: list[Label], group_of: dict[str, int]) -> None:
        self.pool, self.gold, self.group_of = pool, gold, group_of
        self.row_group = np.asarray([group_of.get(a, -1) for a in pool.article])

    def si(self, chosen: np.ndarray, groups: list[int] | None = None) -> float:
        pool = self.pool
        articles = {a for a, g in self.group_of.items() if groups is None or g in groups}
        rows = np.flatnonzero(chosen & np.isin(pool.article, list(articles)))
        pred = [
            Label(pool.article[i], int(pool.bounds[i][0]), int(pool.bounds[i][1])) for i in rows
        ]
        return score_si([g for g in self.gold if g.article_id in articles], pred).f1


def select(pool: Pool, key: np.ndarray, rows: np.ndarray, floor: float, bonus: float) -> np.ndarray:
    """Rows kept by model/chooser.best_first, article by article."""
    chosen = np.zeros(len(key), dtype=bool)
    for article in set(pool.article[rows]):
        members = np.flatnonzero(rows & (pool.article == article))
        bounds = [tuple(pool.bounds[i]) for i in members]
        chosen[members[best_first(key[members], bounds, floor, bonus)]] = True
    return chosen


Predict = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (train rows, predict rows) -> key


def tuned_selection(scorer: Scorer, predict: Predict) -> np.ndarray:
    """Each group chosen with a key predicted from the others and a floor and bonus chosen by
    inner cross-validation among the others (training/chooser.inner_groups)."""
    groups = sorted(set(scorer.group_of.values()))
    pool, chosen = scorer.pool, np.zeros(len(scorer.pool.credit), dtype=bool)
    for held in groups:
        others = [g for g in groups if g != held]
        articles = {a for a, g in scorer.group_of.items() if g in others}
        inner = inner_groups(scorer.group_of, articles)
        inner_of_row = np.asarray([inner.get(a, -1) for a in pool.article])
        key = np.zeros(len(pool.credit))
        for g in set(inner.values()):
            fit_rows = (inner_of_row >= 0) & (inner_of_row != g)
            key[inner_of_row == g] = predict(fit_rows, inner_of_row == g)[inner_of_row == g]
        in_others = inner_of_row >= 0
        inner_scorer = Scorer(pool, scorer.gold, inner)
        floor, bonus = max(
            itertools.product(FLOORS, LENGTH_BONUSES),
            key=lambda fb: inner_scorer.si(select(pool, key, in_others, *fb)),
        )
        held_rows = scorer.row_group == held
        chosen |= select(pool, predict(in_others, held_rows), held_rows, floor, bonus)
    return chosen


def boosted_credit(pool: Pool) -> Predict:
    def predict(fit_rows: np.ndarray, rows: np.ndarray) -> np.ndarray:
        key = np.zeros(len(rows))
        trees = fit_trees(pool.features[fit_rows], pool.credit[fit_rows])
        key[rows] = trees.predict(pool.features[rows])
        return key

    return predict


def fixed(key: np.ndarray) -> Predict:
    return lambda fit_rows, rows: key


def oracles(pool: Pool, scorer: Scorer) -> dict[str, float]:
    best_boundary = np.zeros(len(pool.credit), dtype=bool)
    for i in np.flatnonzero(pool.baseline):
        start, end = pool.bounds[i]
        near = np.flatnonzero(
            (pool.article == pool.article[i])
            & (pool.bounds[:, 0] < end)
            & (start < pool.bounds[:, 1])
        )
        best_boundary[near[np.argmax(pool.credit[near])]] = True
    every = np.ones(len(pool.credit), dtype=bool)
    return {
        "best_boundary_per_baseline_span": scorer.si(best_boundary),
        "baseline_spans_touching_gold": scorer.si(pool.baseline & (pool.credit > 0)),
        "best_first_by_true_credit": max(
            scorer.si(select(pool, pool.credit, every, floor, bonus))
            for floor, bonus in itertools.product((0.3, 0.5), (0.0, 0.1, 0.3))
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "runs" / "cv4")
    parser.add_argument("--folds", help="only these folds' models and articles, e.g. 0,1")
    parser.add_argument("--epoch", type=int, help="the fold models' epoch (default: final)")
    args = parser.parse_args()
    plan = json.loads((args.work / "folds.json").read_text())
    folds = sorted(set(plan.values()))
    if args.folds:
        folds = [int(f) for f in args.folds.split(",")]
    epoch = args.epoch or json.loads((args.work / "out-of-fold.json").read_text())["final_epoch"]
    articles, labels = labelled_corpus(PTC)
    articles = {a: t for a, t in articles.items() if plan.get(a) in folds}
    gold = [Label(x.article_id, x.start, x.end) for a in articles for x in labels.get(a, [])]
    detectors = {k: load_detector(epoch_folder(args.work, k, epoch)) for k in folds}
    runs = article_runs(articles, lambda a: detectors[plan[a]])
    pool = build_pool(runs, gold)
    group_of = plan if len(folds) > 1 else {a: i % 2 for i, a in enumerate(sorted(articles))}
    scorer = Scorer(pool, gold, {a: group_of[a] for a in articles})
    result: dict[str, Any] = {
        "work": str(args.work),
        "epoch": epoch,
        "articles": len(articles),
        "groups": "folds" if len(folds) > 1 else "halves",
        "candidates": len(pool.credit),
        "baseline": scorer.si(pool.baseline),
        "oracles": oracles(pool, scorer),
        "learned": {
            "token_score": scorer.si(tuned_selection(scorer, fixed(pool.token_score))),
            "boosted_credit": scorer.si(tuned_selection(scorer, boosted_credit(pool))),
        },
    }
    if not np.isnan(pool.head_credit).any():
        result["learned"]["credit_head"] = scorer.si(
            tuned_selection(scorer, fixed(pool.head_credit))
        )
        result["learned"]["credit_head_x_token_score"] = scorer.si(
            tuned_selection(scorer, fixed(pool.head_credit * pool.token_score))
        )
    print(json.dumps(result, indent=1))
    runs_so_far = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    runs_so_far[f"{args.work.name} folds {','.join(map(str, folds))}"] = result
    RESULTS.write_text(json.dumps(runs_so_far, indent=1) + "\n")


if __name__ == "__main__":
    main()
