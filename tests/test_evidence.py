"""Evidence for a highlight: the nearest annotated fragments of the same technique."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propwatch.analysis import runner_up
from propwatch.model.evidence import Evidence, key_words, project
from propwatch.techniques import TECHNIQUE_NAMES


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
