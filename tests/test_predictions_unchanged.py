"""The shipped model's predictions on the first PTC dev articles, as recorded before the
detector became a chain of stages (scripts/compare_predictions.py wrote the fixture)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "dev_predictions.json"
DEV = ROOT.parent / "shared" / "data" / "ptc" / "dev"


def compare_predictions() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compare", ROOT / "scripts" / "compare_predictions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_changed_confidence_offset_or_technique_is_a_difference():
    compare = compare_predictions()
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    article = next(a for a in expected if expected[a]["spans"])
    assert compare.first_difference(expected, expected) is None
    for key, value in (("confidence", 1e-8), ("start", 1), ("technique", "Doubt")):
        changed = json.loads(json.dumps(expected))
        span = changed[article]["spans"][0]
        span[key] = span[key] + value if key != "technique" else value
        assert compare.first_difference(expected, changed) == f"/{article}/spans[0]/{key}"
    close = json.loads(json.dumps(expected))
    close[article]["spans"][0]["confidence"] += 1e-12
    assert compare.first_difference(expected, close) is None


@pytest.mark.slow
@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/data/ptc is not beside the repo")
def test_the_shipped_models_dev_predictions_are_unchanged():
    compare = compare_predictions()
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert compare.first_difference(expected, compare.predictions(DEV, len(expected))) is None
