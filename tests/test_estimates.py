"""Bootstrap intervals against hand-computed cases, and rates corrected for the detector's error on
a synthetic corpus of known prevalence read by a detector of known error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from propwatch.model.artifact import SHIPPED_MODEL, ModelConfig
from propwatch.statistics.correction import ALL, Accuracy, DetectorError, detector_error
from propwatch.statistics.estimates import COLUMNS, against_rest, compare, rates_of
from propwatch.statistics.intervals import bootstrap_rates, estimates, resample_weights
from propwatch.statistics.stats import TECHNIQUE_IDS, ArticleTable


def table(words: list[int], spans: list[int], outlets: list[str] | None = None) -> ArticleTable:
    counts = np.zeros((len(words), len(COLUMNS)), dtype=np.int64)
    counts[:, 0] = counts[:, 1] = spans  # every span is the first technique's
    keys = {"outlet": [(o,) for o in outlets or ["x"] * len(words)]}
    sentences = np.array([[10, min(s, 10)] for s in spans])
    return ArticleTable(np.arange(len(words)), keys, np.array(words), counts, sentences)


def test_two_articles_the_interval_runs_from_one_to_the_other():
    # A: 1 span in 100 words (10 per 1,000), B: 6 in 300 (20). Resamples of two: AA (10,
    # probability 1/4), AB or BA (7 in 400: 17.5, 1/2), BB (20, 1/4). With a quarter of the
    # replicates at each end, the 2.5th and 97.5th percentiles are exactly 10 and 20.
    rate = estimates(np.array([100, 300]), np.array([[1], [6]]))[0]
    assert (rate.value, rate.low, rate.high) == (17.5, 10.0, 20.0)
    samples = bootstrap_rates(np.array([100, 300]), np.array([[1], [6]]))[:, 0]
    shares = [np.mean(samples == v) for v in (10.0, 17.5, 20.0)]
    assert shares == pytest.approx([0.25, 0.5, 0.25], abs=0.04)


def test_three_equal_articles_the_interval_is_their_range():
    # 10, 20 and 30 per 1,000 words in equal articles: a resample's rate is the mean of three
    # draws; all three the same article has probability 1/27 = 3.7% > 2.5% at either end.
    rate = estimates(np.array([100, 100, 100]), np.array([[1], [2], [3]]))[0]
    assert (rate.value, rate.low, rate.high) == (20.0, 10.0, 30.0)


def test_each_replicate_draws_as_many_articles_as_the_group_has():
    weights = np.concatenate(list(resample_weights(7, 1000, np.random.default_rng(0))))
    assert weights.shape == (1000, 7) and set(weights.sum(axis=1)) == {7}


def test_a_single_article_has_no_spread_and_is_flagged_as_too_few():
    rates = rates_of(table([500], [5]), np.array([0]), None)
    assert (rates.raw[ALL].value, rates.raw[ALL].low, rates.raw[ALL].high) == (10.0, 10.0, 10.0)
    assert rates.few and rates.corrected == {}


def test_a_comparison_of_single_articles_is_their_exact_ratio():
    both = table([100, 100], [3, 2], ["A", "B"])
    result = compare(both, "outlet", ("A",), ("B",))
    assert (result.ratio.value, result.ratio.low, result.ratio.high) == (1.5, 1.5, 1.5)
    assert result.clear and result.few and result.articles == (1, 1)


def test_against_the_rest_of_two_groups_is_the_comparison_of_the_two():
    both = table([100, 200, 300, 100, 400], [1, 4, 3, 2, 9], ["A", "B", "A", "B", "A"])
    first = against_rest(both, "outlet")[0]
    direct = compare(both, "outlet", ("A",), ("B",))
    assert (first.a, first.b, first.articles) == ("A", "the rest", (3, 2))
    assert first.ratio == direct.ratio and first.values == direct.values


def test_the_rest_pools_every_other_group_and_its_interval_covers_the_ratio():
    rng = np.random.default_rng(5)
    words = list(rng.integers(200, 1000, 60))
    spans = list(rng.integers(0, 12, 60))
    outlets = [["A", "B", "C"][i % 3] for i in range(60)]
    result = {c.a: c for c in against_rest(table(words, spans, outlets), "outlet")}
    for outlet in "ABC":
        mine = [i for i in range(60) if outlets[i] == outlet]
        rest = [i for i in range(60) if outlets[i] != outlet]
        rates = [1000 * sum(spans[i] for i in rows) / sum(words[i] for i in rows)
                 for rows in (mine, rest)]  # fmt: skip
        comparison = result[outlet]
        assert comparison.values == pytest.approx(rates)
        assert comparison.ratio.low < rates[0] / rates[1] < comparison.ratio.high


def test_a_ratio_over_a_rate_that_can_resample_to_zero_has_no_upper_bound():
    # B's two articles: 2 spans in 100 words and none in 100; a quarter of B's resamples draw
    # the empty one twice, a rate of 0, so the ratio's 97.5th percentile is infinite, not unknown.
    both = table([100, 100, 100], [1, 2, 0], ["A", "B", "B"])
    result = compare(both, "outlet", ("A",), ("B",))
    assert result.ratio.value == 1.0 and result.ratio.low == 0.5 and math.isinf(result.ratio.high)


def test_the_shipped_models_error_table_is_its_out_of_fold_scores():
    error = detector_error("propwatch-minilm-ptc")
    assert error is not None and error.articles == 446
    assert "propwatch-minilm-ptc" in error.describe() and "446" in error.describe()
    loaded = error.accuracy["loaded_language"]
    assert loaded.factor == pytest.approx(loaded.precision / loaded.recall)
    card = ModelConfig.load(SHIPPED_MODEL).metrics["cross_validation"]["out_of_fold"]["flc"]
    stated = card["per_technique"]["Appeal_to_Authority"]
    authority = error.accuracy["appeal_to_authority"]
    assert (authority.precision, authority.recall) == (stated["precision"], stated["recall"])
    assert authority.gold == stated["support"] == 158
    assert detector_error("another-model") is None


def test_a_technique_never_right_out_of_fold_has_no_correction():
    never = Accuracy(precision=0.0, recall=0.0, predicted=0, gold=158)
    assert not never.correctable and math.isnan(never.factor)


# --- a corpus of known prevalence, a detector of known error -----------------------------------

PREVALENCE = 10.0  # true spans per 1,000 words
PRECISION, RECALL = 0.4, 0.5  # the detector's: it reports 25% more spans than there are


def simulate(rng: np.random.Generator, articles: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(words, true spans, detected spans) of a synthetic corpus: each true span is found with
    probability RECALL, and false alarms come in to make PRECISION."""
    words = rng.integers(200, 1200, articles)
    true = rng.poisson(PREVALENCE * words / 1000)
    found = rng.binomial(true, RECALL)
    false_alarms = rng.poisson(found * (1 - PRECISION) / PRECISION)
    return words, true, found + false_alarms


def measured_error(rng: np.random.Generator) -> DetectorError:
    """The detector's error as an evaluation on 400 annotated articles would measure it."""
    _, true, detected = simulate(rng, 400)
    right = rng.binomial(true, RECALL).sum()  # the found ones, measured again
    precision, recall = right / (right / PRECISION), right / true.sum()
    accuracy = Accuracy(float(precision), float(recall), int(detected.sum()), int(true.sum()))
    return DetectorError("synthetic", 400, 1, {ALL: accuracy, TECHNIQUE_IDS[0]: accuracy})


def test_the_corrected_interval_covers_the_true_prevalence_and_the_raw_one_does_not():
    rng = np.random.default_rng(2026)
    covered = raw_covered = 0
    trials = 40
    for _ in range(trials):
        words, _, detected = simulate(rng, 150)
        rates = rates_of(table(list(words), list(detected)), np.arange(150), measured_error(rng))
        corrected, raw = rates.corrected[ALL], rates.raw[ALL]
        covered += corrected.low <= PREVALENCE <= corrected.high
        raw_covered += raw.low <= PREVALENCE <= raw.high
        assert raw.value == pytest.approx(PREVALENCE * RECALL / PRECISION, rel=0.15)
    assert covered / trials >= 0.9  # a 95% interval, with the model's error folded in
    assert raw_covered / trials <= 0.1  # counting predictions overstates it by a quarter
    assert math.isnan(rates.corrected[TECHNIQUE_IDS[1]].value)  # no error table: no correction
