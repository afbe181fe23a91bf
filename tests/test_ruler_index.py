"""The English pipeline as `load_pipeline` makes it faster, with the attribute ruler's one-token
patterns looked up (`structure.ruler_index`) and its matrices multiplied on OpenBLAS, not blis
(`structure.nlp`), annotates exactly as spaCy's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc

from propwatch.structure import load_pipeline
from propwatch.structure.nlp import PIPELINE
from propwatch.structure.ruler_index import IndexedMatcher

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "syria-at-tanf.txt"
ANNOTATIONS = ["TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SENT_START"]
TEXT = (
    "The minister said it wasn't over. \u201cWe ain't gonna leave,\u201d she told reporters.\n\n"
    "There are three reasons, and I'd say that it is because of y'all that they're here."
)


def tagged(words: list[str], tags: list[str]) -> Doc:
    return Doc(spacy.blank("en").vocab, words=words, tags=tags)


def test_the_indexed_matcher_finds_what_the_matcher_finds():
    doc = tagged(
        ["Is", "it", "is", "n't", "gon", "na", "'s", "IS"],
        ["VBZ", "PRP", "VBZ", "RB", "VBG", "TO", "VBZ", "NN"],
    )
    matcher = Matcher(doc.vocab)
    patterns = {
        "0": [[{"TAG": "VBZ"}]],
        "1": [[{"LOWER": "is"}], [{"TAG": "VBZ", "LOWER": {"IN": ["is", "'s", "is"]}}]],
        "2": [[{"LOWER": "gon"}, {"LOWER": "na"}]],  # several tokens: left to a Matcher
        "3": [[{"LOWER": {"REGEX": "^n.t$"}}]],
        "4": [[{"TAG": {"NOT_IN": ["NN"]}, "LOWER": "it"}]],
        "5": [[{"LOWER": {"IN": []}}]],
    }
    for key, pattern in patterns.items():
        matcher.add(key, pattern)
    keys = [doc.vocab.strings[key] for key in patterns]
    indexed = IndexedMatcher(matcher, keys, doc.vocab)
    assert sorted(indexed(doc, allow_missing=True)) == sorted(matcher(doc, allow_missing=True))
    assert len(indexed.rest) == 4  # "0" and "1" were looked up
    assert indexed.get("1") == matcher.get("1")


@pytest.mark.parametrize(
    "text",
    [TEXT, EXAMPLE.read_text(encoding="utf-8") if EXAMPLE.is_file() else TEXT],
    ids=["sentences", "example"],
)
def test_the_pipeline_annotates_as_spacys_own(text: str):
    indexed = load_pipeline()
    assert isinstance(indexed.get_pipe("attribute_ruler").matcher, IndexedMatcher)
    own = spacy.load(PIPELINE)  # its own Matcher, and blis
    assert own.pipe_names == indexed.pipe_names
    ours, theirs = indexed(text), own(text)
    assert (ours.to_array(ANNOTATIONS) == theirs.to_array(ANNOTATIONS)).all()
    assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
