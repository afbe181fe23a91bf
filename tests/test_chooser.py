"""The span chooser: pools of decodings, trees as arrays, best-first choice, training."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingRegressor

from propwatch.corpus.ptc import Label
from propwatch.model.artifact import shipped_detector
from propwatch.model.chooser import (
    Pool,
    SpanChooser,
    best_first,
    pool_decodes,
    pool_features,
)
from propwatch.model.decode import DecodeSettings
from propwatch.model.detector import chosen, proposer_for
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.chooser import fit_chooser, pool_table, trees_of
from propwatch.training.runs import article_runs

TEXT = (
    "The corrupt elite LIES to you every single day!\n"
    "They are vile traitors to our glorious nation, the minister said.\n"
    "Critics call the plan a disaster that will destroy everything we love.\n"
) * 3


def test_best_first_keeps_the_best_of_overlapping_spans_above_the_floor():
    bounds = [(0, 10), (5, 20), (30, 40), (50, 52)]
    credit = np.asarray([0.5, 0.6, 0.4, 0.1])
    assert best_first(credit, bounds, floor=0.2, length_bonus=0.0) == [1, 2]
    # a bonus for length can rank a longer span first, never one under the floor
    assert best_first(np.asarray([0.5, 0.45]), [(0, 40), (0, 5)], 0.0, 0.1) == [0]
    assert best_first(credit, bounds, floor=0.9, length_bonus=0.0) == []


def test_pool_starts_with_the_base_decoding_and_varies_thresholds_and_gaps():
    base = DecodeSettings(0.35, 4, 4, 0.1, 0.5, True)
    pool = pool_decodes(base)
    assert pool[0] == base
    assert len(set(pool)) == len(pool)  # the base is not decoded twice
    assert {d.threshold for d in pool} >= {0.15, 0.6}
    assert all(d.extend_margin < d.threshold and d.trim_function_words for d in pool)


def test_pool_features_read_the_heads_uncorrected_and_the_candidates_shape():
    text = "Critics call the plan a disaster, they said. More follows."
    bounds = np.asarray([(text.index("the plan"), text.index(",")), (0, len(text))])
    techniques = np.full((2, len(TECHNIQUE_NAMES)), 1 / len(TECHNIQUE_NAMES))
    pool = Pool(
        likely=np.asarray([0.1, 0.9, 0.8, 0.2, 0.3]),
        pieces=np.asarray([(1, 2), (0, 4)]),
        bounds=bounds,
        propaganda=np.asarray([0.8, 0.6]),
        techniques=techniques,
    )
    features = pool_features(pool, text)
    assert features.shape == (2, 16 + len(TECHNIQUE_NAMES))
    np.testing.assert_allclose(features[:, 0], [0.85, 0.46])  # mean piece probability
    np.testing.assert_allclose(features[:, 7], [2, 5])  # pieces
    assert list(features[:, 11]) == [0.0, 1.0]  # crosses a sentence end
    assert list(features[:, 12]) == [0.0, 1.0]  # commas
    np.testing.assert_allclose(features[:, 13], [0.8, 0.6])  # P(propaganda)
    np.testing.assert_allclose(features[:, 16:], techniques)


def test_trees_as_arrays_predict_what_scikit_learn_predicts(tmp_path: Path):
    rng = np.random.default_rng(0)
    features = rng.normal(size=(3000, 6))
    target = (features[:, 0] > 0) * 0.5 + 0.2 * features[:, 1] + rng.normal(size=3000) * 0.05
    model = HistGradientBoostingRegressor(max_iter=50, random_state=0).fit(features, target)
    trees = trees_of(model)
    probe = rng.normal(size=(200, 6))
    np.testing.assert_allclose(trees.predict(probe), model.predict(probe), atol=1e-9)
    SpanChooser(trees, 0.25, 0.05).save(tmp_path)
    loaded = SpanChooser.load(tmp_path)
    assert loaded is not None and (loaded.floor, loaded.length_bonus) == (0.25, 0.05)
    np.testing.assert_allclose(loaded.trees.predict(probe), model.predict(probe), atol=1e-9)
    assert SpanChooser.load(tmp_path / "elsewhere") is None
    with pytest.raises(ValueError, match="fitted on 6 features, not 7"):
        loaded.trees.predict(rng.normal(size=(2, 7)))


@pytest.fixture(scope="module")
def runs_with_gold():
    detector = shipped_detector()
    articles = {"a": TEXT, "b": TEXT.replace("vile", "wicked"), "c": TEXT[:150], "d": TEXT[50:]}
    gold = []
    for article_id, text in articles.items():
        for fragment in ("corrupt elite", "traitors", "disaster"):
            start = text.find(fragment)
            if start >= 0:
                gold.append(Label(article_id, start, start + len(fragment), "Loaded_Language"))
    return article_runs(articles, lambda _: detector), gold


def test_a_trained_chooser_picks_non_overlapping_pool_candidates(runs_with_gold):
    runs, gold = runs_with_gold
    pools = pool_table(runs, gold)
    assert len(pools.credit) > len(runs) and set(pools.article) == set(runs)
    inside = pools.credit[pools.credit > 0]
    assert inside.max() <= 1.0 and len(inside) > 0
    chooser = fit_chooser(pools, gold, {"a": 0, "b": 0, "c": 1, "d": 1}, set(runs))
    run = runs["a"]
    settings = run.detector.settings
    proposer = proposer_for(settings.decode, chooser)
    for number, segment in enumerate(run.segments):
        judged = run.judged(number, proposer)
        kept = chosen(settings.correction, chooser, run.tokens, segment, judged)
        bounds = sorted((c.raw.start, c.raw.end) for c in kept)
        assert set(bounds) <= {(s.start, s.end) for s in judged.spans}
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(bounds))
