"""Span confidences: the map through isotonic blocks, its reliability table and expected
calibration error, and the stored versions of the map."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from propwatch.corpus.ptc import Label
from propwatch.model.artifact import SHIPPED_MODEL, ModelConfig
from propwatch.model.calibration import BLOCK_CENTRES, STEPS, Calibration
from propwatch.training.calibration import (
    expected_calibration_error,
    fit_calibration,
    from_steps,
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


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=200))
def test_the_fitted_map_ranks_every_raw_score_and_never_reads_certain(
    pairs: list[tuple[float, bool]],
):
    raw = np.asarray([r for r, _ in pairs])
    hit = np.asarray([h for _, h in pairs])
    grid = fit_calibration(raw, hit)(np.linspace(0, 1, 101))
    assert (np.diff(grid) > 0).all()  # distinct raw scores, distinct confidences, in order
    assert ((grid >= 0) & (grid < 1)).all()


def test_a_few_spans_that_all_hit_do_not_make_a_certainty():
    rng = np.random.default_rng(1)
    most = rng.uniform(0, 0.8, size=2000)
    raw = np.r_[most, 0.95, 0.96]
    hit = np.r_[rng.uniform(size=2000) < 0.5 * most, True, True]
    calibration = fit_calibration(raw, hit)
    assert calibration(np.asarray([0.95, 0.96, 1.0])).max() < 0.7


def synthetic(size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw scores with a known P(hit) = raw**2 (overconfident raw scores)."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(size=size)
    return raw, rng.uniform(size=size) < raw**2


def test_the_fitted_map_is_calibrated_on_spans_it_was_not_fitted_on():
    raw, hit = synthetic(8000, 0)
    held_raw, held_hit = synthetic(8000, 1)
    assert expected_calibration_error(held_raw, held_hit) > 0.1
    confidence = fit_calibration(raw, hit)(held_raw)
    assert expected_calibration_error(confidence, held_hit) < 0.02
    assert len(np.unique(confidence)) == len(np.unique(held_raw))
    np.testing.assert_allclose(confidence, held_raw**2, atol=0.08)  # the known probability


def test_a_step_map_of_version_1_loads_as_it_was_measured(tmp_path: Path):
    config = json.loads((SHIPPED_MODEL / "config.json").read_text())
    config["settings"]["calibration"] = {
        "scores": [0.1, 0.3, 0.31, 0.6],
        "confidences": [0.2, 0.2, 0.5, 0.5],
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    steps = ModelConfig.load(tmp_path).settings.calibration
    assert steps.version == STEPS
    np.testing.assert_allclose(steps(np.asarray([0.15, 0.25, 0.5])), [0.2, 0.2, 0.5])


def test_a_step_map_becomes_one_that_ranks_with_its_blocks_read_back():
    steps = Calibration(
        (0.1, 0.3, 0.31, 0.6, 0.61, 0.62), (0.21, 0.21, 0.53, 0.53, 1.0, 1.0), version=STEPS
    )
    ranked = from_steps(steps)
    assert ranked.version == BLOCK_CENTRES
    # 0.21 and 0.53 read back as 21 and 53 of 100 spans, the last step as 1 of 1
    assert ranked.spans == (0, 100, 100, 1, 0)
    assert ranked.scores[1:4] == pytest.approx((0.2, 0.455, 0.615))
    grid = ranked(np.linspace(0, 1, 101))
    assert (np.diff(grid) > 0).all()
    assert grid.max() < 0.9


def test_the_shipped_map_ranks_and_keeps_its_steps_where_they_were_well_measured():
    calibration = ModelConfig.load(SHIPPED_MODEL).settings.calibration
    assert calibration.version == BLOCK_CENTRES
    assert (np.diff(calibration.confidences) > 0).all()
    assert max(calibration.confidences) < 1
    # The step of 1,521 held-out spans read 164/1521; its knot keeps that to within 0.001
    well_measured = calibration.spans.index(1521)
    assert calibration.confidences[well_measured] == pytest.approx(164 / 1521, abs=1e-3)


def test_a_hit_needs_overlap_and_the_same_technique():
    gold = [Label("1", 10, 20, "Doubt")]
    pred = [
        Label("1", 15, 30, "Doubt"),
        Label("1", 15, 30, "Slogans"),
        Label("1", 20, 30, "Doubt"),  # touches, does not overlap
        Label("2", 10, 20, "Doubt"),
    ]
    assert hits(gold, pred) == [True, False, False, False]
