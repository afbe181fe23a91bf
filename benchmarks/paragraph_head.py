"""Does a paragraph head beat paragraph labels read from the predicted spans, out of sample?

    .venv/bin/python benchmarks/paragraph_head.py [--work runs/e5-6-cv] [--fold 0] \\
        [--halves runs/lang-thresholds/halves] [--cache runs/paragraph-head/outputs.pkl]

SemEval-2023 subtask 3 scores paragraph-level micro-F1 over (paragraph, technique) pairs, both
sides in PTC's 14 techniques (`scoring.score_paragraphs`). Today a paragraph's labels are the
techniques of the predicted spans that touch it (`scoring.paragraphs_of_spans`). Here a head
reads every scored paragraph (line) of the fold's held-out articles instead, from the fold
model's outputs (the weights the multilingual model ships):

- the token head's pieces on the line: P(any technique), and per technique the max of
  P(any) x P(technique), the max and mean of P(technique);
- the spans the chooser keeps (`model/chooser.py`), per technique: the highest calibrated
  confidence among those labelled with it and their count, and the highest confidence any of
  them would have as that technique (runner-ups included);
- the whole candidate pool before the chooser, per technique: the highest such confidence;
- the line's length, its place in the article, and the language, one-hot.

The held-out articles are split into the two halves of `--halves` (`scripts/score_one_fold.py`).
For each half, everything is fitted on the other: the chooser, the corrections, calibration and
thresholds (`selection.tune`, exactly as `selection.cross_fit` does, so the span-derived labels
are the recipe's held-out ones), then one classifier per technique on the other half's
paragraphs, and its decision threshold (one for all techniques, the best micro-F1 over
predictions of five article-grouped inner folds of that half). The half is then scored with
them, and the pooled predictions of both halves are scored per language, next to the
span-derived labels of the same settings. The heads (`HEADS`): logistic regression, gradient
boosting, and logistic regression on the text features alone (length, place, language), which
shows how far base rates go. Also reported: the five target languages' micro-F1 in each half,
and each head's gain over the spans there with a 95% interval over articles resampled with
replacement.

Encoding the articles takes minutes on two cores; the model outputs that the classifiers read
are kept in `--cache` (rerun with `--fresh` to recompute). Writes
benchmarks/results/paragraph_head.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shlex
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from propwatch.corpus.semeval2023 import LANGUAGES, language_of
from propwatch.model.detector import DetectorSettings, chosen
from propwatch.scoring import Paragraph, score_paragraphs
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.chooser import POOL_BASE, POOL_PROPOSER, fit_chooser, pool_table
from propwatch.training.folds import PLAN_FILE, recipe_corpus
from propwatch.training.loop import Recipe
from propwatch.training.out_of_fold import fold_runs
from propwatch.training.per_language import paragraph_labels
from propwatch.training.runs import ArticleRun, Runs
from propwatch.training.selection import in_articles, tune
from propwatch.training.thresholds import ParagraphGold

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "paragraph_head.json"
EPOCH = 4  # the epoch both halves chose (runs/lang-thresholds/halves/out-of-fold.json)
ALL_LANGUAGES = ("en", *LANGUAGES)
TARGET_LANGUAGES = LANGUAGES  # fr, de, it, pl, ru: the 0.40 target of issue 27
DECISION_THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.05, 0.81, 0.01), 2))
INNER_FOLDS = 5
BOOTSTRAP = 2000  # article resamples for the gain's interval
T = len(TECHNIQUE_NAMES)


@dataclass(frozen=True)
class Spans:
    """Candidate spans of all articles under one half's settings: characters, the score
    (span confidence x P(propaganda)), P(technique) after corrections, and whether the chooser
    kept each one and it gives paragraph labels today (at or above the paragraph threshold)."""

    article: np.ndarray  # (n,) article id
    bounds: np.ndarray  # (n, 2) characters [start, end)
    score: np.ndarray  # (n,)
    techniques: np.ndarray  # (n, T)
    kept: np.ndarray  # (n,) bool: the chooser keeps it
    in_paragraphs: np.ndarray  # (n,) bool: kept, and its label at or above the paragraph floor
    as_technique: np.ndarray  # (n, T) calibrated confidence of the span as each technique


@dataclass(frozen=True)
class Outputs:
    """What the head reads, computed once: per article its text's line breaks and its pieces'
    lines and token-head probabilities; per half the candidate spans under that half's
    settings (tuned on the other half); the gold paragraphs; the halves."""

    texts: dict[str, str]
    piece_lines: dict[str, np.ndarray]  # (pieces,) 1-based line of each piece
    piece_probabilities: dict[str, np.ndarray]  # (pieces, 1 + T)
    spans: dict[int, Spans]  # by half whose articles were NOT used to tune them
    gold: dict[Paragraph, frozenset[str]]
    half_of: dict[str, int]


def line_of(text: str) -> Callable[[np.ndarray], np.ndarray]:
    """1-based line of character offsets, as `scoring.paragraphs_of_spans` counts lines."""
    breaks = np.asarray([i for i, c in enumerate(text) if c == "\n"], dtype=np.int64)
    return lambda offsets: np.searchsorted(breaks, offsets, side="left") + 1


def half_spans(runs: Runs, settings: DetectorSettings, chooser: Any) -> Spans:
    """Every pool candidate of `runs` with its verdict under `settings`; which `chooser` keeps."""
    rows: list[tuple[str, int, int, float, np.ndarray, bool]] = []
    for article_id, run in runs.items():
        for number, segment in enumerate(run.segments):
            judged = run.judged(number, POOL_PROPOSER)
            kept_bounds = {
                (c.raw.start, c.raw.end)
                for c in chosen(settings.correction, chooser, run.tokens, segment, judged)
            }
            pool = settings.correction.candidates(run.tokens, segment, judged.spans, judged.logits)
            for c in pool:
                bounds = (c.raw.start, c.raw.end)
                rows.append((article_id, *bounds, c.score, c.techniques, bounds in kept_bounds))
    score = np.asarray([r[3] for r in rows])
    techniques = np.asarray([r[4] for r in rows]).reshape(-1, T)
    kept = np.asarray([r[5] for r in rows], dtype=bool)
    as_technique = settings.calibration(score[:, None] * techniques)
    floors = np.asarray([settings.paragraph_floor(language_of(r[0])) for r in rows])
    # the recipe's labels: one per kept span (no runner-up), its best technique's confidence
    best = as_technique[np.arange(len(rows)), techniques.argmax(axis=1)]
    in_paragraphs = kept & (best >= floors)
    return Spans(
        np.asarray([r[0] for r in rows]),
        np.asarray([(r[1], r[2]) for r in rows]).reshape(-1, 2),
        score,
        techniques,
        kept,
        in_paragraphs,
        as_technique,
    )


def piece_outputs(text: str, run: ArticleRun) -> tuple[np.ndarray, np.ndarray]:
    """(lines (pieces,), probabilities (pieces, 1 + T)) of an article's pieces."""
    lines = line_of(text)(run.tokens.offsets[:, 0])
    if not run.segments:
        return lines, np.zeros((0, 1 + T))
    return lines, np.concatenate([s.probabilities for s in run.segments])


def compute_outputs(work: Path, fold: int, halves: Path) -> Outputs:
    """The fold model through its held-out articles; each half's settings tuned on the other,
    as `selection.cross_fit` tunes them."""
    plan = json.loads((work / PLAN_FILE).read_text())
    half_of = json.loads((halves / PLAN_FILE).read_text())
    if sorted(half_of) != sorted(a for a, k in plan.items() if k == fold):
        raise SystemExit(f"{halves} does not split fold {fold} of {work}; give its halves folder")
    recipe = Recipe(semeval2023=str(DATA / "semeval2023"))
    corpus = recipe_corpus(DATA / "ptc", recipe)
    articles = {a: t for a, t in corpus.articles.items() if a in half_of}
    gold = [label for a in articles for label in corpus.labels.get(a, [])]
    runs, gold_spans = fold_runs(halves, dict.fromkeys((0, 1), EPOCH), articles, gold, half_of)
    pools = pool_table(runs, gold)
    paragraphs = ParagraphGold(
        articles, paragraph_labels(set(articles), gold, articles, corpus.paragraphs)
    )
    spans = {}
    for half in (0, 1):
        fit = {a for a in articles if half_of[a] != half}
        chooser = fit_chooser(pools, gold, half_of, fit)
        settings, _ = tune(
            {a: runs[a] for a in fit},
            in_articles(gold, fit),
            gold_spans.of_articles(fit),
            POOL_BASE,
            chooser,
            paragraphs,
        )
        spans[half] = half_spans(runs, settings, chooser)
        print(f"half {half}: settings tuned on the other half", file=sys.stderr, flush=True)
    pieces = {a: piece_outputs(articles[a], run) for a, run in runs.items()}
    return Outputs(
        articles,
        {a: p[0] for a, p in pieces.items()},
        {a: p[1] for a, p in pieces.items()},
        spans,
        dict(paragraphs.labels),
        half_of,
    )


def load_outputs(cache: Path, work: Path, fold: int, halves: Path, fresh: bool) -> Outputs:
    if cache.is_file() and not fresh:
        with cache.open("rb") as stream:
            outputs: Outputs = pickle.load(stream)
        return outputs
    outputs = compute_outputs(work, fold, halves)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as stream:
        pickle.dump(outputs, stream)
    return outputs


@dataclass(frozen=True)
class Table:
    """One row per scored paragraph: features of the text alone, features of the model's
    outputs shared by all techniques, and per technique."""

    paragraphs: list[Paragraph]
    text: np.ndarray  # (rows, text features): no model output in them
    shared: np.ndarray  # (rows, shared features)
    per_technique: np.ndarray  # (rows, T, technique features)
    from_spans: np.ndarray  # (rows, T) bool: today's labels (spans that touch the line)
    gold: np.ndarray  # (rows, T) bool

    def features(self, technique: int, model_outputs: bool) -> np.ndarray:
        if not model_outputs:
            return self.text
        return np.hstack([self.text, self.shared, self.per_technique[:, technique]])


def article_table(outputs: Outputs, spans: Spans, article_id: str) -> Table:
    """The rows of one article's scored paragraphs under one half's spans."""
    text = outputs.texts[article_id]
    numbers = sorted(n for a, n in outputs.gold if a == article_id)
    count = text.count("\n") + 2  # line numbers are 1-based; one spare row
    lines = outputs.piece_lines[article_id]
    probs = outputs.piece_probabilities[article_id]
    pieces = np.bincount(lines, minlength=count)[:count]
    any_technique = probs[:, :1]
    joint_max = np.zeros((count, T))
    own_max = np.zeros((count, T))
    own_sum = np.zeros((count, 1 + T))
    np.maximum.at(joint_max, lines, any_technique * probs[:, 1:])
    np.maximum.at(own_max, lines, probs[:, 1:])
    np.add.at(own_sum, lines, probs)
    any_max = np.zeros(count)
    np.maximum.at(any_max, lines, probs[:, 0])
    mean = own_sum / np.maximum(pieces, 1)[:, None]
    kept_best, kept_count, kept_any, pool_any, from_spans = span_maxima(
        text, spans, article_id, count
    )
    per_technique = np.stack(
        [joint_max, own_max, mean[:, 1:], kept_best, kept_count, kept_any, pool_any], axis=2
    )
    lengths = np.asarray([len(line) for line in text.split("\n")] + [0])
    language = language_of(article_id)
    text_features = np.column_stack(
        [
            np.log1p(pieces),
            np.log1p(lengths[:count]),
            np.arange(count) / count,
            np.arange(count) == 1,
            np.tile([language == name for name in ALL_LANGUAGES], (count, 1)),
        ]
    ).astype(float)
    shared = np.column_stack([any_max, mean[:, 0], kept_count.sum(axis=1)])
    gold = np.asarray(
        [[name in outputs.gold[(article_id, n)] for name in TECHNIQUE_NAMES] for n in numbers],
        dtype=bool,
    ).reshape(-1, T)
    return Table(
        [(article_id, n) for n in numbers],
        text_features[numbers],
        shared[numbers],
        per_technique[numbers],
        from_spans[numbers],
        gold,
    )


def span_maxima(text: str, spans: Spans, article_id: str, count: int) -> tuple[np.ndarray, ...]:
    """Per line and technique: best confidence and count of the kept spans labelled with it,
    best confidence of any kept span as it, of any pool span as it; today's labels."""
    kept_best, kept_count = np.zeros((count, T)), np.zeros((count, T))
    kept_any, pool_any = np.zeros((count, T)), np.zeros((count, T))
    from_spans = np.zeros((count, T), dtype=bool)
    rows = np.flatnonzero(spans.article == article_id)
    where = line_of(text)
    firsts = where(spans.bounds[rows, 0])
    lasts = where(spans.bounds[rows, 1] - 1)
    for row, first, last in zip(rows, firsts, lasts, strict=True):
        lines = slice(first, last + 1)
        confidence = spans.as_technique[row]
        pool_any[lines] = np.maximum(pool_any[lines], confidence)
        if not spans.kept[row]:
            continue
        best = int(np.argmax(spans.techniques[row]))
        kept_any[lines] = np.maximum(kept_any[lines], confidence)
        kept_best[lines, best] = np.maximum(kept_best[lines, best], confidence[best])
        kept_count[lines, best] += 1
        from_spans[lines, best] |= bool(spans.in_paragraphs[row])
    return kept_best, kept_count, kept_any, pool_any, from_spans


def table(outputs: Outputs, spans: Spans, articles: set[str]) -> Table:
    parts = [article_table(outputs, spans, a) for a in sorted(articles)]
    return Table(
        [p for part in parts for p in part.paragraphs],
        np.vstack([part.text for part in parts]),
        np.vstack([part.shared for part in parts]),
        np.concatenate([part.per_technique for part in parts]),
        np.vstack([part.from_spans for part in parts]),
        np.vstack([part.gold for part in parts]),
    )


def micro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    hits = float((gold & predicted).sum())
    total = float(gold.sum() + predicted.sum())
    return 2 * hits / total if total else 0.0


@dataclass(frozen=True)
class Head:
    """A kind of classifier, one per technique, and whether it reads the model's outputs."""

    make: Callable[[], ClassifierMixin]
    model_outputs: bool = True


def logistic_regression() -> ClassifierMixin:
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))


def gradient_boosting() -> ClassifierMixin:
    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, random_state=0
    )


HEADS = {
    "logistic_regression": Head(logistic_regression),
    "gradient_boosting": Head(gradient_boosting),
    # the ablation: how far the techniques' base rates by language, length and place go alone
    "logistic_regression_text_only": Head(logistic_regression, model_outputs=False),
}


def fitted_probabilities(head: Head, fit: Table, score: Table) -> np.ndarray:
    """(score rows, T) P(technique) from one classifier per technique fitted on `fit`; a
    technique with under two positive paragraphs there gets its base rate."""
    probabilities = np.zeros(score.gold.shape)
    for t in range(T):
        positives = int(fit.gold[:, t].sum())
        if positives < 2 or positives == len(fit.gold):
            probabilities[:, t] = positives / max(len(fit.gold), 1)
            continue
        model = clone(head.make()).fit(fit.features(t, head.model_outputs), fit.gold[:, t])
        probabilities[:, t] = model.predict_proba(score.features(t, head.model_outputs))[:, 1]
    return probabilities


def subset(frame: Table, rows: np.ndarray) -> Table:
    return Table(
        [p for p, keep in zip(frame.paragraphs, rows, strict=True) if keep],
        frame.text[rows],
        frame.shared[rows],
        frame.per_technique[rows],
        frame.from_spans[rows],
        frame.gold[rows],
    )


def decision_threshold(head: Head, fit: Table) -> float:
    """The threshold with the best micro-F1 over `fit`'s inner out-of-fold probabilities
    (folds grouped by article)."""
    groups = np.asarray([p[0] for p in fit.paragraphs])
    inner = np.zeros(fit.gold.shape)
    for train, held in GroupKFold(INNER_FOLDS).split(fit.text, groups=groups):
        inner[held] = fitted_probabilities(
            head, subset(fit, _mask(train, len(groups))), subset(fit, _mask(held, len(groups)))
        )
    return max(DECISION_THRESHOLDS, key=lambda t: micro_f1(fit.gold, inner >= t))


def _mask(indices: np.ndarray, size: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    mask[indices] = True
    return mask


def labels(frame: Table, predicted: np.ndarray) -> dict[Paragraph, frozenset[str]]:
    return {
        p: frozenset(TECHNIQUE_NAMES[t] for t in np.flatnonzero(row))
        for p, row in zip(frame.paragraphs, predicted, strict=True)
    }


def per_language(
    gold: Mapping[Paragraph, frozenset[str]], predicted: Mapping[Paragraph, frozenset[str]]
) -> dict[str, dict[str, float | int]]:
    """Micro-F1 (P, R) and paragraph counts per language, the five target languages together."""
    groups = {name: {name} for name in ALL_LANGUAGES} | {"fr+de+it+pl+ru": set(TARGET_LANGUAGES)}
    result = {}
    for name, languages in groups.items():
        own = {p: g for p, g in gold.items() if language_of(p[0]) in languages}
        score = score_paragraphs(own, {p: predicted.get(p, frozenset()) for p in own})
        result[name] = {
            "paragraphs": len(own),
            "gold_pairs": score.gold_count,
            "predicted_pairs": score.pred_count,
            "precision": round(score.precision, 4),
            "recall": round(score.recall, 4),
            "f1": round(score.f1, 4),
        }
    return result


def article_counts(
    gold: Mapping[Paragraph, frozenset[str]], predicted: Mapping[Paragraph, frozenset[str]]
) -> np.ndarray:
    """(articles, 3): hits, predicted and gold (paragraph, technique) pairs of each article."""
    counts: dict[str, np.ndarray] = {}
    for paragraph, names in gold.items():
        found = predicted.get(paragraph, frozenset())
        row = counts.setdefault(paragraph[0], np.zeros(3))
        row += (len(names & found), len(found), len(names))
    return np.asarray([counts[a] for a in sorted(counts)])


def bootstrap_gain(
    gold: Mapping[Paragraph, frozenset[str]],
    base: Mapping[Paragraph, frozenset[str]],
    head: Mapping[Paragraph, frozenset[str]],
) -> dict[str, float]:
    """The head's micro-F1 minus the base's on the five target languages, and its 95%
    interval over articles resampled with replacement (both sides on the same resamples)."""
    own = {p: g for p, g in gold.items() if language_of(p[0]) in TARGET_LANGUAGES}
    sides = [article_counts(own, base), article_counts(own, head)]
    draws = np.random.default_rng(0).integers(0, len(sides[0]), (BOOTSTRAP, len(sides[0])))
    f1 = [_f1(side[draws].sum(axis=1)) for side in sides]
    full = [_f1(side.sum(axis=0, keepdims=True))[0] for side in sides]
    low, high = np.percentile(f1[1] - f1[0], [2.5, 97.5])
    return {"gain": round(full[1] - full[0], 4), "low": round(low, 4), "high": round(high, 4)}


def _f1(totals: np.ndarray) -> np.ndarray:
    """Micro-F1 of rows (hits, predicted, gold)."""
    return np.asarray(2 * totals[:, 0] / np.maximum(totals[:, 1] + totals[:, 2], 1))


def experiment(outputs: Outputs) -> dict[str, Any]:
    """Span-derived labels against each paragraph head, both cross-fitted over the halves."""
    predicted: dict[str, dict[Paragraph, frozenset[str]]] = {"from_spans": {}}
    thresholds: dict[str, list[float]] = {}
    for half in (0, 1):
        held = {a for a, k in outputs.half_of.items() if k == half}
        fit = set(outputs.half_of) - held
        spans = outputs.spans[half]
        fit_table, held_table = table(outputs, spans, fit), table(outputs, spans, held)
        predicted["from_spans"] |= labels(held_table, held_table.from_spans)
        for name, head in HEADS.items():
            threshold = decision_threshold(head, fit_table)
            probabilities = fitted_probabilities(head, fit_table, held_table)
            predicted.setdefault(name, {}).update(labels(held_table, probabilities >= threshold))
            thresholds.setdefault(name, []).append(threshold)
            print(f"half {half} {name}: threshold {threshold}", file=sys.stderr, flush=True)
    gold = outputs.gold
    base = predicted["from_spans"]
    return {
        "scores": {name: per_language(gold, found) for name, found in predicted.items()},
        "five_languages_per_half": {
            name: [
                per_language(
                    {p: g for p, g in gold.items() if outputs.half_of[p[0]] == half}, found
                )["fr+de+it+pl+ru"]["f1"]
                for half in (0, 1)
            ]
            for name, found in predicted.items()
        },
        "five_languages_gain_over_from_spans": {
            name: bootstrap_gain(gold, base, found)
            for name, found in predicted.items()
            if name != "from_spans"
        },
        "decision_thresholds_per_half": thresholds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("runs/e5-6-cv"))
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--halves", type=Path, default=Path("runs/lang-thresholds/halves"))
    parser.add_argument("--cache", type=Path, default=Path("runs/paragraph-head/outputs.pkl"))
    parser.add_argument("--fresh", action="store_true", help="recompute the cached outputs")
    args = parser.parse_args()
    outputs = load_outputs(args.cache, args.work, args.fold, args.halves, args.fresh)
    result = {
        "command": shlex.join([".venv/bin/python", "benchmarks/paragraph_head.py", *sys.argv[1:]]),
        "work": str(args.work),
        "fold": args.fold,
        "epoch": EPOCH,
        "halves": str(args.halves),
        "articles": len(outputs.half_of),
        **experiment(outputs),
    }
    print(json.dumps(result, indent=1))
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
