"""Paragraph-level micro-F1 of SemEval-2023 subtask 3, both sides in PTC's classes."""

from __future__ import annotations

import pytest

from propwatch.corpus.ptc import Label
from propwatch.errors import PropwatchError
from propwatch.scoring import paragraphs_of_spans, ptc_paragraphs, score_paragraphs


def test_micro_f1_counts_each_paragraph_technique_pair():
    gold = {
        ("a", 1): {"Doubt", "Loaded_Language"},
        ("a", 3): set(),
        ("b", 1): {"Slogans"},
    }
    pred = {("a", 1): {"Loaded_Language"}, ("a", 3): {"Doubt"}, ("b", 1): {"Slogans"}}
    score = score_paragraphs(gold, pred)
    # 2 hits of 3 predicted and 3 gold pairs
    assert (score.gold_count, score.pred_count) == (3, 3)
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 / 3)
    assert score.per_technique["Doubt"].recall == 0 and score.per_technique["Slogans"].f1 == 1


def test_a_gold_paragraph_without_prediction_predicts_nothing():
    score = score_paragraphs({("a", 1): {"Doubt"}, ("a", 2): {"Slogans"}}, {("a", 1): {"Doubt"}})
    assert score.precision == 1 and score.recall == 0.5


def test_predicting_a_paragraph_outside_the_gold_is_an_error():
    with pytest.raises(PropwatchError, match="not among the gold ones"):
        score_paragraphs({("a", 1): {"Doubt"}}, {("a", 2): {"Doubt"}})


def test_2023_labels_map_to_ptc_and_unmapped_ones_are_left_out():
    mapped = ptc_paragraphs(
        {("fr-1", 3): ["Straw_Man", "Appeal_to_Hypocrisy", "Appeal_to_Values", "Flag_Waving"]}
    )
    assert mapped == {("fr-1", 3): frozenset({"Whataboutism,Straw_Men,Red_Herring", "Flag-Waving"})}


def test_spans_label_every_line_they_touch():
    text = "Title\n\nFirst line.\nSecond line."
    start = text.index("line.")
    labels = [
        Label("a", start, text.index("Second") + 6, "Doubt"),
        Label("a", 0, 5, "Slogans"),
    ]
    assert paragraphs_of_spans(labels, {"a": text}) == {
        ("a", 1): frozenset({"Slogans"}),
        ("a", 3): frozenset({"Doubt"}),
        ("a", 4): frozenset({"Doubt"}),
    }


def test_spans_without_technique_cannot_make_paragraph_labels():
    with pytest.raises(PropwatchError, match="has no technique"):
        paragraphs_of_spans([Label("a", 0, 5)], {"a": "Title"})
