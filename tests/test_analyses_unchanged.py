"""Whole Analyses of four PTC dev articles through the batch path, as recorded before the
structure stage parsed only the sentences it needs (scripts/compare_analyses.py wrote the
fixture; these four have pronoun speakers, whose antecedents are the easiest thing to lose)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "dev_analyses.json"
DEV = ROOT.parent / "shared" / "data" / "ptc" / "dev" / "dev-articles"


def compare_analyses() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compare_analyses", ROOT / "scripts" / "compare_analyses.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_changed_source_is_a_difference():
    compare = compare_analyses()
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    article = next(a for a in expected if any(s["source"] for s in expected[a]["spans"]))
    changed = json.loads(json.dumps(expected))
    index = next(i for i, s in enumerate(changed[article]["spans"]) if s["source"])
    changed[article]["spans"][index]["source"] = "someone else"
    assert compare.differences(expected, expected) == {}
    assert compare.differences(expected, changed) == {article: f"/spans[{index}]/source"}


@pytest.mark.slow
@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/data/ptc is not beside the repo")
def test_the_dev_analyses_are_unchanged():
    compare = compare_analyses()
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert compare.differences(expected, compare.analyses(DEV, names=set(expected))) == {}
