"""Spans end on the noun their last word modifies, as the parse says."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.article import parse_article
from propwatch.structure.nlp import load_pipeline, parse
from propwatch.structure.phrases import complete_end, phrase_ends

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "examples"


def ends_of(text: str) -> dict[int, int]:
    return phrase_ends(parse(parse_article(text), load_pipeline()))


@pytest.mark.parametrize(
    ("text", "cut", "whole"),
    [
        (
            "The FSA is essentially a patchy alliance of insurgent groups.",
            "a patchy alliance of insurgent",
            "a patchy alliance of insurgent groups",
        ),
        (
            "It was a gross violation of international humanitarian law.",
            "gross violation of international humanitarian",
            "gross violation of international humanitarian law",
        ),
        (
            "It counts killing of civilians and other violent acts.",
            "killing of civilians and other violent",
            "killing of civilians and other violent acts",
        ),
    ],
)
def test_a_span_cut_before_its_head_noun_ends_on_it(text: str, cut: str, whole: str) -> None:
    start = text.index(cut)
    assert text[start : complete_end(start + len(cut), ends_of(text))] == whole


def test_chains_of_modifiers_end_on_the_last_noun() -> None:
    text = "They toured the White House press room."
    ends = ends_of(text)
    assert text[: complete_end(text.index("White") + 5, ends)].endswith("White House press room")
    cut = text.index("the White") + 3
    assert complete_end(cut, ends) == cut  # a determiner is not a modifier


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("The attack was brutal and the troops were cruel.", "The attack was brutal"),
        ("They shelled the village again.", "They shelled"),
        ("It was a gross violation of international humanitarian law.", "a gross violation"),
    ],
)
def test_a_span_that_ends_a_phrase_stays_as_it_is(text: str, cut: str) -> None:
    end = text.index(cut) + len(cut)
    assert complete_end(end, ends_of(text)) == end


def test_offsets_hold_in_a_later_chunk_of_a_long_article() -> None:
    filler = "The weather was mild that day. " * 800  # past one parse chunk of 20,000 characters
    text = filler + "It was a patchy alliance of insurgent groups."
    cut = text.rindex("insurgent") + len("insurgent")
    assert text[cut : complete_end(cut, ends_of(text))] == " groups"


def test_analyze_shows_the_example_s_spans_to_the_end_of_their_phrase() -> None:
    import propwatch

    text = (EXAMPLES / "syria-at-tanf.txt").read_text(encoding="utf-8")
    spans = propwatch.analyze(text, min_confidence=0.0).spans
    shown = [text[s.start : s.end] for s in spans]
    assert not [fragment for fragment in shown if fragment.endswith(("insurgent", "violent"))]
    ends = ends_of(text)
    assert spans and all(complete_end(s.end, ends) == s.end for s in spans), shown
