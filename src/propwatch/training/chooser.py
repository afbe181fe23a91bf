"""Training the span chooser (model/chooser.py) on out-of-fold candidate pools.

Every labelled article's pool comes from the fold model that did not train on it, so the trees
learn how the model's outputs on unseen text relate to gold. The floor and length bonus are
chosen by inner cross-validation over the training articles' groups: the trees that rank a
group's candidates never saw that group.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor

from propwatch.corpus.ptc import Label
from propwatch.model.chooser import SpanChooser, Trees, best_first
from propwatch.model.decode import DecodeSettings
from propwatch.model.detector import pool_proposer
from propwatch.scoring import score_si
from propwatch.training.runs import ArticleRun

FLOORS = tuple(np.round(np.arange(0.0, 0.61, 0.025), 3))
LENGTH_BONUSES = (0.0, 0.05, 0.1, 0.2)
# The decoding a pool is built around (its thresholds and gaps are also in the grid): one fixed
# base, so that no pool depends on settings tuned on the articles it scores.
POOL_BASE = DecodeSettings(
    threshold=0.35,
    join_tokens=4,
    min_chars=4,
    extend_margin=0.1,
    technique_mix=0.5,
    trim_function_words=True,
)
POOL_PROPOSER = pool_proposer(POOL_BASE)


@dataclass(frozen=True)
class PoolTable:
    """Every candidate of every article's pool, one row each."""

    article: np.ndarray  # (rows,) article id
    segment: np.ndarray  # (rows,) segment number within the article
    bounds: np.ndarray  # (rows, 2) characters [start, end)
    features: np.ndarray
    credit: np.ndarray  # share of characters inside gold spans

    def rows_of(self, articles: set[str]) -> np.ndarray:
        return np.isin(self.article, list(articles))


def pool_table(runs: Mapping[str, ArticleRun], gold: list[Label]) -> PoolTable:
    """Pools of `runs` (by article) around POOL_BASE, with credits."""
    parts: list[tuple[str, int, np.ndarray, np.ndarray, np.ndarray]] = []
    gold_by_article: dict[str, list[Label]] = {}
    for label in gold:
        gold_by_article.setdefault(label.article_id, []).append(label)
    for article_id, run in runs.items():
        text = run.tokens.index.text
        inside = np.zeros(len(text) + 1, dtype=bool)
        for label in gold_by_article.get(article_id, []):
            inside[label.start : label.end] = True
        for number in range(len(run.segments)):
            judged = run.judged(number, POOL_PROPOSER)
            if not judged.spans or judged.features is None:
                continue
            bounds, features = np.asarray([(s.start, s.end) for s in judged.spans]), judged.features
            credit = np.asarray([inside[start:end].mean() for start, end in bounds])
            parts.append((article_id, number, bounds, features, credit))
    return PoolTable(
        article=np.concatenate([np.full(len(p[2]), p[0], dtype=object) for p in parts]),
        segment=np.concatenate([np.full(len(p[2]), p[1]) for p in parts]),
        bounds=np.concatenate([p[2] for p in parts]),
        features=np.concatenate([p[3] for p in parts]),
        credit=np.concatenate([p[4] for p in parts]),
    )


def fit_trees(features: np.ndarray, credit: np.ndarray) -> Trees:
    model = HistGradientBoostingRegressor(
        max_iter=300,
        learning_rate=0.05,
        min_samples_leaf=40,
        l2_regularization=1.0,
        random_state=0,
    )
    return trees_of(model.fit(features, credit))


def trees_of(model: HistGradientBoostingRegressor) -> Trees:
    """The fitted model's trees as flat arrays (scikit-learn's node layout, indices made global)."""
    nodes = [predictor.nodes for (predictor,) in model._predictors]
    offsets = np.cumsum([0] + [len(n) for n in nodes[:-1]])
    flat = np.concatenate(nodes)
    shift = np.concatenate(
        [np.full(len(n), offset) for n, offset in zip(nodes, offsets, strict=True)]
    )
    return Trees(
        feature=flat["feature_idx"].astype(np.int64),
        threshold=flat["num_threshold"].astype(np.float64),
        left=flat["left"].astype(np.int64) + shift,
        right=flat["right"].astype(np.int64) + shift,
        value=np.where(flat["is_leaf"], flat["value"], 0.0).astype(np.float64),
        leaf=flat["is_leaf"].astype(bool),
        roots=offsets.astype(np.int64),
        base=float(np.ravel(model._baseline_prediction)[0]),
        columns=int(model.n_features_in_),
    )


def kept_labels(
    table: PoolTable, rows: np.ndarray, credit: np.ndarray, floor: float, bonus: float
) -> list[Label]:
    """SI labels the chooser keeps among `rows`, segment by segment."""
    labels = []
    keys = list(zip(table.article[rows], table.segment[rows], strict=True))
    indices = np.flatnonzero(rows)
    groups: dict[tuple[str, int], list[int]] = {}
    for index, key in zip(indices, keys, strict=True):
        groups.setdefault(key, []).append(int(index))
    for (article_id, _), members in groups.items():
        bounds = [tuple(table.bounds[i]) for i in members]
        for k in best_first(credit[members], bounds, floor, bonus):
            start, end = bounds[k]
            labels.append(Label(article_id, int(start), int(end)))
    return labels


def fit_chooser(
    table: PoolTable, gold: list[Label], group_of: Mapping[str, int], articles: set[str]
) -> SpanChooser:
    """Trees fitted on the pools of `articles`, floor and bonus chosen by inner cross-validation
    over their groups (`group_of`, by article)."""
    rows = table.rows_of(articles)
    inner = inner_groups(group_of, articles)
    row_group = np.asarray([inner.get(a, -1) for a in table.article])
    predicted = np.zeros(len(table.credit))
    for group in sorted(set(inner.values())):
        fit_rows = rows & (row_group != group)
        held = rows & (row_group == group)
        predicted[held] = fit_trees(table.features[fit_rows], table.credit[fit_rows]).predict(
            table.features[held]
        )
    in_gold = [label for label in gold if label.article_id in articles]

    def si(choice: tuple[float, float]) -> float:
        return score_si(in_gold, kept_labels(table, rows, predicted, *choice)).f1

    floor, bonus = max(itertools.product(FLOORS, LENGTH_BONUSES), key=si)
    trees = fit_trees(table.features[rows], table.credit[rows])
    return SpanChooser(trees, float(floor), float(bonus))


def inner_groups(group_of: Mapping[str, int], articles: set[str]) -> dict[str, int]:
    """The articles' groups, or alternate halves of them when they are all in one group."""
    if len({group_of[a] for a in articles}) > 1:
        return {a: group_of[a] for a in articles}
    return {a: i % 2 for i, a in enumerate(sorted(articles))}
