"""Span-head corrections: the TC match count, the bias searches, the cross-fitted score."""

from __future__ import annotations

import numpy as np

from propwatch.model.correct import REPETITION
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.corrections import (
    GoldSpans,
    cross_fitted_accuracy,
    matches,
    tune_bias,
    tune_repetition,
)


def one_hot(columns: list[int], width: int = 3) -> np.ndarray:
    gold = np.zeros((len(columns), width))
    gold[np.arange(len(columns)), columns] = 1
    return gold


def test_matches_counts_the_k_best_techniques_of_a_span_listed_k_times():
    scores = np.log(np.asarray([[0.5, 0.3, 0.2], [0.6, 0.3, 0.1]]))
    gold = np.asarray([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # span 1 twice; span 2 wrong
    assert matches(scores, gold) == 2
    assert matches(scores, np.asarray([[0.0, 0.0, 2.0], [1.0, 0.0, 0.0]])) == 1


def test_the_bias_lifts_a_technique_the_head_underrates():
    # The head always puts technique 1 just below technique 0, but gold says 1 half the time.
    scores = np.log(np.tile([0.45, 0.40, 0.15], (10, 1)))
    scores[::2] = np.log([0.80, 0.15, 0.05])
    gold = one_hot([0, 1] * 5)
    bias = tune_bias(scores, gold)
    assert matches(scores, gold) == 5
    assert matches(scores + bias, gold) == 10
    assert bias[1] > bias[0]


def spans_at(count: int) -> np.ndarray:
    """(count, 2) distinct span bounds: the tests here never read them."""
    return np.stack([np.arange(count) * 10, np.arange(count) * 10 + 5], axis=1)


def test_no_bias_when_the_head_is_already_right():
    scores = np.log(np.asarray([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]]))
    assert not tune_bias(scores, one_hot([0, 1, 2])).any()


def test_the_cross_fitted_score_never_sees_the_half_it_scores():
    # Half A needs a bias towards technique 1, half B towards technique 0: what one half
    # teaches hurts the other, so the cross-fitted score falls below the in-sample one.
    scores = np.log(np.tile([0.5, 0.45, 0.05], (8, 1)))
    gold = one_hot([1, 1, 1, 1, 0, 0, 0, 0])
    articles = np.asarray(["a", "a", "c", "c", "b", "b", "d", "d"])
    spans = GoldSpans(articles, spans_at(8), scores, gold, np.zeros(8, dtype=bool))
    in_sample = matches(scores + tune_bias(scores, gold), gold) / 8
    assert in_sample == 0.5
    assert cross_fitted_accuracy(spans, repetition=False, priors=True) == 0.0


def repetition_case(recurs: list[bool], repetition: list[bool]) -> GoldSpans:
    """Spans the head calls Loaded_Language, Repetition a close second; gold as given."""
    width = len(TECHNIQUE_NAMES)
    loaded = TECHNIQUE_NAMES.index("Loaded_Language")
    probabilities = np.full((len(recurs), width), 0.01)
    probabilities[:, loaded], probabilities[:, REPETITION] = 0.5, 0.3
    gold = one_hot([REPETITION if r else loaded for r in repetition], width)
    articles = np.asarray([f"a{i // 4}" for i in range(len(recurs))])
    return GoldSpans(
        articles, spans_at(len(recurs)), np.log(probabilities), gold, np.asarray(recurs)
    )


def test_recurring_fragments_are_lifted_towards_repetition_and_the_others_are_not():
    recurs = [True, False] * 8
    spans = repetition_case(recurs, repetition=recurs)
    once, again = tune_repetition(spans)
    assert again > 0 >= once
    assert cross_fitted_accuracy(spans, repetition=True, priors=False) == 1.0
    assert matches(spans.log_probabilities, spans.gold) == 8


def test_no_repetition_correction_when_recurrence_says_nothing():
    recurs = [True, True, False, False] * 4
    spans = repetition_case(recurs, repetition=[False] * 16)
    assert tune_repetition(spans) == (0.0, 0.0)
