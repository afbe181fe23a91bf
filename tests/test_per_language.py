"""Out-of-fold scores per language: each language scored on its own articles, paragraphs from the
official labels where SemEval-2023 gives them and from gold spans on PTC's articles."""

from __future__ import annotations

import numpy as np
import pytest

from propwatch.corpus.ptc import Label
from propwatch.training.per_language import paragraph_labels, per_language
from propwatch.training.selection import Outcome, Predicted

ENGLISH = "111"
FRENCH = "fr-7"
ARTICLES = {
    ENGLISH: "A title\n\nThey are traitors, all of them.\nThe rain fell.",
    FRENCH: "Un titre\n\nCes traîtres mentent.\nIl pleut.",
}
GOLD = [
    Label(ENGLISH, 18, 26, "Name_Calling,Labeling"),
    Label(FRENCH, 14, 22, "Name_Calling,Labeling"),
]
# the French paragraph labels name a technique no span holds, and one PTC has no class for
OFFICIAL = {
    (FRENCH, 1): frozenset(),
    (FRENCH, 3): frozenset({"Name_Calling-Labeling", "Doubt", "Appeal_to_Values"}),
    (FRENCH, 4): frozenset(),
}


def outcome(predicted: list[Label]) -> Outcome:
    return Outcome(
        [Predicted(label, 0.5) for label in predicted],
        np.full(len(predicted), 0.5),
        np.ones(len(predicted), dtype=bool),
        list(GOLD),
        np.ones(len(predicted), dtype=bool),
    )


def test_paragraph_gold_comes_from_official_labels_or_from_gold_spans() -> None:
    labels = paragraph_labels(set(ARTICLES), GOLD, ARTICLES, OFFICIAL)
    assert labels[(FRENCH, 3)] == {"Name_Calling,Labeling", "Doubt"}
    assert labels[(ENGLISH, 3)] == {"Name_Calling,Labeling"}
    assert labels[(ENGLISH, 1)] == frozenset() == labels[(ENGLISH, 4)]
    assert (ENGLISH, 2) not in labels  # a blank line is no paragraph


def test_each_language_is_scored_on_its_own_articles() -> None:
    exact_english = Label(ENGLISH, 18, 26, "Name_Calling,Labeling")
    wrong_french = Label(FRENCH, 23, 30, "Loaded_Language")
    scores = per_language(outcome([exact_english, wrong_french]), GOLD, ARTICLES, OFFICIAL)
    assert list(scores) == ["en", "fr"]
    assert scores["en"]["articles"] == 1 and scores["en"]["gold_spans"] == 1
    assert scores["en"]["si"] == pytest.approx(1.0)
    assert scores["en"]["flc"] == pytest.approx(1.0)
    assert scores["en"]["paragraph"] == pytest.approx(1.0)
    assert scores["fr"]["si"] == 0.0
    assert scores["fr"]["paragraph"] == 0.0  # Loaded_Language on a line whose gold lacks it


def test_a_right_technique_on_the_right_paragraph_counts_in_french() -> None:
    right_line = Label(FRENCH, 10, 13, "Doubt")  # "Ces": the span is wrong, the paragraph right
    scores = per_language(outcome([right_line]), GOLD, ARTICLES, OFFICIAL)
    # gold pairs on line 3: Name_Calling and Doubt; predicted: Doubt -> P 1, R 1/2
    assert scores["fr"]["paragraph"] == pytest.approx(2 / 3)
