"""Self-training pieces: silver windows, teacher ensembles and class-balanced span-head weights."""

from __future__ import annotations

import numpy as np
import pytest

from propwatch.model.artifact import shipped_detector
from propwatch.training.distil import ensemble_targets, teacher_targets
from propwatch.training.examples import NO_CLASS, NONE_CLASS, silver_windows

TEXT = "The corrupt elite LIES to you!\nThey are traitors, the minister said.\n" * 20


def test_an_ensemble_of_one_teacher_twice_is_that_teacher():
    detector = shipped_detector()
    single = teacher_targets(detector, {"a": TEXT})["a"]
    double = ensemble_targets([detector, detector], {"a": TEXT})["a"]
    np.testing.assert_allclose(double.probabilities, single.probabilities, atol=1e-6)


def test_silver_windows_carry_the_teacher_and_no_span_examples():
    detector = shipped_detector()
    teachers = teacher_targets(detector, {"a": TEXT})
    windows = silver_windows(detector.tokenizer, {"a": TEXT, "b": "no teacher"}, teachers, 0.3)
    assert windows and all(w.weight == 0.3 and not w.spans for w in windows)
    first = windows[0]
    inside = first.target_mask.astype(bool)
    expected = teachers["a"].on(detector.tokenizer.tokenize(TEXT).offsets)
    np.testing.assert_allclose(first.targets[inside], expected[: inside.sum()], atol=1e-6)


def test_class_weights_favour_rare_span_classes():
    torch = pytest.importorskip("torch")
    from propwatch.training.examples import SpanExample, WindowExample
    from propwatch.training.loop import class_weights

    def window(classes: list[int]) -> WindowExample:
        spans = tuple(SpanExample(1, 1, 1, 1, np.zeros(1), c, 0.0) for c in classes)
        return WindowExample({}, np.zeros((1, 1)), np.zeros(1), spans)

    examples = [
        window([0] * 50 + [1] * 5 + [NONE_CLASS] * 50 + [NO_CLASS] * 9)
    ]  # near misses: no class
    assert class_weights(examples, 0.0) is None
    weights = class_weights(examples, 0.99)
    assert isinstance(weights, torch.Tensor) and weights.mean().item() == pytest.approx(1.0)
    assert weights[1] > weights[0] > 0 and weights[0] == pytest.approx(weights[NONE_CLASS].item())
