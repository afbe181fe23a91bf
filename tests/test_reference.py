"""The reference figures reports quote are made by the shipping step from the model it ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.model.artifact import REFERENCE_FILE, SHIPPED_MODEL
from propwatch.render.typical import TYPICAL
from propwatch.training.reference import reference

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
STORED = json.loads((SHIPPED_MODEL / REFERENCE_FILE).read_text(encoding="utf-8"))


def test_reports_quote_the_reference_stored_with_the_shipped_model():
    figures = STORED["model_density"]
    assert (TYPICAL.q1, TYPICAL.median, TYPICAL.q3) == (
        figures["q1"],
        figures["median"],
        figures["q3"],
    )
    assert TYPICAL.model == STORED["model"] and TYPICAL.corpus == "PTC dev (75 articles)"


@pytest.mark.slow
def test_the_stored_reference_is_what_the_shipped_model_gives_on_ptc_dev():
    # Fails when a change to the model or the pipeline moves the figures: run
    # `nice .venv/bin/python scripts/refresh_shipped.py` to make them anew.
    assert reference(SHIPPED_MODEL, PTC) == STORED
