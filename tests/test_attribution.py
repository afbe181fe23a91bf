"""Voices of the English example, pinned whole: the attribution modules and the language work
must leave every attribution of `syria-at-tanf.txt` exactly as it is (start, end, source, cue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.article import parse_article
from propwatch.structure import analyse_structure, load_pipeline

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "syria-at-tanf.txt"

# (the first 40 characters of the reported content, its length, source, cue), in text order
EXPECTED = [
    ("US actions amount to war crime\n\n04.11.20", 30, "Russian Ministry of Defense", "headline"),
    ("The Russian Ministry of Defense accused ", 110, "Interfax", "reported"),
    ("US officials of committing actions that ", 70, "The Russian Ministry of Defense", "accused"),
    (
        "US military advisors have established a ",
        150,
        "the Russian Center for Reconciliation of Opposing Sides in Syria",
        "according to",
    ),
    ("Such actions on the part of the US milit", 208, "the Center officials", "quote"),
    ("Such actions on the part of the US milit", 168, "the Center officials", "cites"),
    ("US officials directly bargain with warlo", 87, "the Center", "according to"),
    (
        "the newly established base left refugees",
        162,
        "The Russian Ministry of Defense",
        "emphasized",
    ),
    ("the “moderate opposition” is the so-call", 65, "US", "according to"),
]


def test_example_voices_are_unchanged() -> None:
    if not EXAMPLE.is_file():
        pytest.skip(f"example not found at {EXAMPLE}")
    text = EXAMPLE.read_text(encoding="utf-8")
    structure = analyse_structure(parse_article(text), load_pipeline())
    found = [
        (text[a.start : a.start + 40], a.end - a.start, a.source, a.cue)
        for a in structure.attributions
    ]
    assert found == EXPECTED
