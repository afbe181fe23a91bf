"""Evidence for a highlight: the nearest annotated fragments of the same technique."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.analysis import runner_up
from propwatch.model.artifact import SHIPPED_MODEL
from propwatch.model.evidence import Evidence, key_words, project
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.evidence import MAX_CHARS, shortened, whole_words

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"


def evidence(dimensions: int = 4) -> tuple[Evidence, np.ndarray]:
    """An index of six fragments (techniques 0 and 1) and the hidden means it was built from."""
    rng = np.random.default_rng(0)
    hidden = rng.normal(size=(6, 8))
    components = np.linalg.qr(rng.normal(size=(8, dimensions)))[0]
    centre = hidden.mean(axis=0)
    return Evidence(
        centre,
        components,
        project(hidden, centre, components),
        np.asarray([0, 0, 0, 1, 1, 0]),
        np.asarray(["alpha", "beta", "gamma", "delta", "epsilon", "Alpha"]),
    ), hidden


def test_the_nearest_fragments_are_of_the_same_technique_and_not_the_span_itself():
    index, hidden = evidence()
    found = index.nearest(hidden[0] + 1e-3, technique=0, text="ALPHA")
    assert "alpha" not in found and "Alpha" not in found  # its own text, in any case
    assert set(found) <= {"beta", "gamma"} and len(found) == 2
    assert index.nearest(hidden[3], technique=1, text="x")[0] == "delta"
    assert index.nearest(hidden[3], technique=5, text="x") == ()


def test_evidence_survives_the_model_folder(tmp_path: Path):
    index, hidden = evidence()
    index.save(tmp_path)
    loaded = Evidence.load(tmp_path)
    assert loaded is not None and list(loaded.texts) == list(index.texts)
    assert loaded.nearest(hidden[3], 1, "x") == index.nearest(hidden[3], 1, "x")
    assert Evidence.load(tmp_path / "elsewhere") is None


def test_the_articles_of_the_fragments_survive_the_model_folder_too(tmp_path: Path):
    index, _ = evidence()
    Evidence(*vars(index).values())  # an index without articles (before 2026-12) still saves
    sourced = Evidence(*list(vars(index).values())[:5], np.asarray(list("aabbcc")))
    sourced.save(tmp_path)
    loaded = Evidence.load(tmp_path)
    assert loaded is not None and loaded.articles is not None
    assert list(loaded.articles) == list("aabbcc")


def test_a_fragment_of_the_technique_that_looks_less_alike_than_others_is_no_evidence():
    # Unit vectors on a circle: the span at angle 0, fragments of technique 0 at 10 and 80
    # degrees, of technique 1 at 20, 30 and 40 degrees.
    angles = np.radians([10, 80, 20, 30, 40])
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    index = Evidence(
        np.zeros(2),
        np.eye(2),
        vectors,
        np.asarray([0, 0, 1, 1, 1]),
        np.asarray(["near", "far", "other a", "other b", "other c"]),
    )
    span = np.asarray([1.0, 0.0])
    assert index.look_alikes(span, 0, "span", among=3) == [0]
    assert index.look_alikes(span, 0, "span", among=5) == [0, 1]
    excluded = np.asarray([True, False, False, False, False])  # the near one's article left out
    assert index.look_alikes(span, 0, "span", among=3, excluded=excluded) == []


@pytest.mark.parametrize(
    ("text", "span", "whole"),
    [
        ("the American taxpayer pays", (4, 16), (4, 21)),
        ("a domestic situation.", (4, 20), (2, 20)),
        ("council's reckless scheme", (8, 25), (0, 25)),
        ("plain words", (0, 5), (0, 5)),
    ],
)
def test_an_annotated_fragment_is_widened_to_whole_words(
    text: str, span: tuple[int, int], whole: tuple[int, int]
):
    assert whole_words(text, *span) == whole


def test_a_long_fragment_is_cut_after_a_whole_word():
    long = "the insouciant American taxpayer " * 10
    cut = shortened(long)
    assert len(cut) <= MAX_CHARS + 1 and cut.endswith("…")
    assert long.startswith(cut[:-1]) and long[len(cut) - 1] == " "
    assert shortened("  a  short\nfragment ") == "a short fragment"


def _whole_words_in(fragment: str, body: str) -> bool:
    """Whether `fragment` occurs in `body` with no word running on past either end."""
    at = body.find(fragment)
    while at >= 0:
        before = body[at - 1] if at else " "
        after = body[at + len(fragment) : at + len(fragment) + 1] or " "
        if not (before.isalnum() and fragment[0].isalnum()) and not (
            after.isalnum() and fragment[-1].isalnum()
        ):
            return True
        at = body.find(fragment, at + 1)
    return False


def test_the_shipped_evidence_is_whole_words_of_its_articles():
    pytest.importorskip("torch", reason="needs the train extra")
    from propwatch.training.folds import labelled_corpus

    index = Evidence.load(SHIPPED_MODEL)
    assert index is not None and index.articles is not None
    articles, _ = labelled_corpus(PTC)
    bodies = {article_id: " ".join(text.split()) for article_id, text in articles.items()}
    cut = [
        str(text)
        for text, article in zip(index.texts, index.articles, strict=True)
        if not _whole_words_in(str(text).removesuffix("…"), bodies[str(article)])
    ]
    assert cut == []


def test_a_runner_up_is_named_only_when_close():
    probabilities = [0.0] * len(TECHNIQUE_NAMES)
    probabilities[TECHNIQUE_NAMES.index("Loaded_Language")] = 0.5
    probabilities[TECHNIQUE_NAMES.index("Name_Calling,Labeling")] = 0.3
    assert runner_up("Loaded_Language", tuple(probabilities)) == "name_calling"
    probabilities[TECHNIQUE_NAMES.index("Name_Calling,Labeling")] = 0.2
    assert runner_up("Loaded_Language", tuple(probabilities)) is None


def test_the_words_that_weighed_most_are_whole_content_words_in_text_order():
    text = "the treacherous warlords of the regime"
    # word pieces: the / treacher ##ous / war ##lord (the decoded span ends before "s") / of ...
    pieces = np.asarray([(0, 3), (4, 12), (12, 15), (16, 19), (19, 23), (25, 27), (28, 31)])
    weights = np.asarray([0.99, 0.4, 0.8, 0.3, 0.7, 0.95, 0.9])
    words = key_words(text, pieces, weights, (0, len(text)))
    # "the" and "of" weigh most but are function words; "regime" has no piece in the span
    assert [text[a:b] for a, b in words] == ["treacherous", "warlords"]


def test_at_most_three_words_weigh_most():
    text = "vile evil cruel wicked base"
    pieces = np.asarray([(0, 4), (5, 9), (10, 15), (16, 22), (23, 27)])
    words = key_words(text, pieces, np.asarray([0.1, 0.5, 0.2, 0.9, 0.8]), (0, len(text)))
    assert [text[a:b] for a, b in words] == ["evil", "wicked", "base"]
