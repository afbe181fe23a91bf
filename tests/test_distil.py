"""Distillation targets: a teacher's piece probabilities carried over to the student's pieces."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from propwatch.corpus.ptc import Label
from propwatch.model.artifact import shipped_detector
from propwatch.training.distil import carry_over, teacher_targets
from propwatch.training.examples import corpus_windows

TEXT = "The minister said the plan is a disaster for our glorious nation.\n" * 30


def test_carry_over_averages_the_characters_under_each_target_piece():
    text = "vile traitors, he said"
    source = np.asarray([[0, 13], [15, 17], [18, 22]])  # "vile traitors", "he", "said"
    values = np.asarray([[0.8], [0.2], [0.0]], dtype=np.float32)
    target = np.asarray([[0, 4], [4, 5], [5, 13], [13, 14], [14, 15], [15, 22]])
    carried = carry_over(source, values, target, len(text))[:, 0]
    np.testing.assert_allclose(carried[:3], [0.8, 0.8, 0.8])  # the space inside the piece too
    assert carried[3] == carried[4] == 0  # ", " is under no source piece
    np.testing.assert_allclose(carried[5], (2 * 0.2 + 4 * 0.0) / 6)  # the space not counted


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_carry_over_onto_the_same_pieces_changes_nothing(values: list[float]):
    offsets = np.asarray([[3 * i, 3 * i + 2] for i in range(len(values))])
    column = np.asarray(values, dtype=np.float32)[:, None]
    carried = carry_over(offsets, column, offsets, 3 * len(values))
    np.testing.assert_allclose(carried, column, atol=1e-6)


def test_teacher_targets_follow_the_teacher_and_soften_window_targets():
    detector = shipped_detector()
    soft = teacher_targets(detector, {"1": TEXT, "empty": " \n "})
    assert set(soft) == {"1"}  # nothing to teach on an article without word pieces
    tokens = detector.tokenizer.tokenize(TEXT)
    own = np.concatenate([s.probabilities for s in detector.segments(tokens)])
    carried = soft["1"].on(tokens.offsets)
    np.testing.assert_allclose(carried, own, atol=1e-6)

    start = TEXT.index("glorious nation")
    labels = {"1": [Label("1", start, start + len("glorious nation"), "Flag-Waving")]}
    articles = {"1": TEXT}
    halfway = corpus_windows(detector.tokenizer, articles, labels, 0, soft, 0.5)
    gold = corpus_windows(detector.tokenizer, articles, labels, 0)
    for taught, untaught in zip(halfway, gold, strict=True):
        assert not np.array_equal(taught.targets, untaught.targets)
        assert [s.technique for s in taught.spans] == [s.technique for s in untaught.spans]
    first = halfway[0].target_mask == 1
    expected = 0.5 * gold[0].targets[first] + 0.5 * carried[: first.sum()]
    np.testing.assert_allclose(halfway[0].targets[first], expected, atol=1e-6)
