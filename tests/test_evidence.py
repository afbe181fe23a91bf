"""Evidence for a highlight: the nearest annotated fragments of the same technique."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propwatch.analysis import runner_up
from propwatch.model.evidence import Evidence, project
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
