"""Span confidences: the isotonic map, its reliability table and expected calibration error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from propwatch.corpus.ptc import Label
from propwatch.model.calibration import Calibration
from propwatch.training.calibration import (
    expected_calibration_error,
    fit_calibration,
    hits,
    reliability,
)


def test_no_knots_is_the_identity_and_knots_interpolate():
    assert Calibration()(0.37) == pytest.approx(0.37)
    calibration = Calibration((0.1, 0.5), (0.2, 0.6))
    np.testing.assert_allclose(calibration(np.asarray([0.0, 0.3, 0.9])), [0.2, 0.4, 0.6])


def test_expected_calibration_error_by_hand():
    # Bin 0.1-0.2: confidences 0.15, 0.15, hit 1 of 2 -> gap 0.35, weight 2/4.
    # Bin 0.8-0.9: confidences 0.85, 0.85, hit 2 of 2 -> gap 0.15, weight 2/4.
    confidence = np.asarray([0.15, 0.15, 0.85, 0.85])
    hit = np.asarray([True, False, True, True])
    assert expected_calibration_error(confidence, hit) == pytest.approx(0.25)
    rows = reliability(confidence, hit)
    assert [(r.spans, r.hit_rate) for r in rows] == [(2, 0.5), (2, 1.0)]


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=2, max_size=200))
def test_the_fitted_map_is_monotone_and_stays_in_0_1(pairs: list[tuple[float, bool]]):
    raw = np.asarray([r for r, _ in pairs])
    hit = np.asarray([h for _, h in pairs])
    calibration = fit_calibration(raw, hit)
    grid = calibration(np.linspace(-0.5, 1.5, 101))
    assert (np.diff(grid) >= -1e-12).all()
    assert ((grid >= 0) & (grid <= 1)).all()


def test_a_fitted_map_is_calibrated_on_what_it_was_fitted_on():
    rng = np.random.default_rng(0)
    raw = rng.uniform(size=4000)
    hit = rng.uniform(size=4000) < raw**2  # overconfident raw scores
    assert expected_calibration_error(raw, hit) > 0.1
    assert expected_calibration_error(fit_calibration(raw, hit)(raw), hit) < 0.02


def test_a_hit_needs_overlap_and_the_same_technique():
    gold = [Label("1", 10, 20, "Doubt")]
    pred = [
        Label("1", 15, 30, "Doubt"),
        Label("1", 15, 30, "Slogans"),
        Label("1", 20, 30, "Doubt"),  # touches, does not overlap
        Label("2", 10, 20, "Doubt"),
    ]
    assert hits(gold, pred) == [True, False, False, False]
