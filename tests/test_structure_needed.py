"""Parsing only the sentences that can change the structure (`structure.needed`) finds what
parsing every sentence finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from propwatch.article import parse_article
from propwatch.structure import Structure, analyse_structure, load_pipeline
from propwatch.structure.needed import needed_sentences
from propwatch.structure.quotes import find_quotes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "syria-at-tanf.txt"
PTC_DEV = SHARED / "data" / "ptc" / "dev" / "dev-articles"
PTC_TRAIN = SHARED / "data" / "ptc" / "train" / "train-articles"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}")

TEXT = (
    "Officials met in Geneva on Monday.\n\n"
    "The talks lasted six hours.\n\n"
    "The minister said the deal was a historic breakthrough for the region.\n\n"
    "\u201cWe will never accept these terms, whatever they offer,\u201d one delegate replied.\n\n"
    "Markets rose sharply after the announcement."
)


def needed(text: str, ends: list[int] | None) -> set[int] | None:
    article = parse_article(text)
    return needed_sentences(article, load_pipeline(), find_quotes(text), ends)


def sentence_of(text: str, fragment: str) -> int:
    index = parse_article(text).sentence_at(text.index(fragment))
    assert index is not None
    return index


def test_only_sentences_with_a_speech_verb_or_beside_its_quotation_are_needed():
    assert needed(TEXT, []) == {sentence_of(TEXT, "The minister"), sentence_of(TEXT, "We will")}
    assert needed(TEXT, None) is None  # every phrase end wanted: everything is parsed


def test_a_highlight_needs_a_parse_only_where_a_word_follows_it():
    before_word = TEXT.index("Geneva") + len("Geneva")  # "in Geneva| on Monday"
    before_stop = TEXT.index("six hours") + len("six hours")  # "six hours|."
    assert needed(TEXT, [before_word]) == needed(TEXT, []) | {sentence_of(TEXT, "Geneva")}
    assert needed(TEXT, [before_stop]) == needed(TEXT, [])


def test_a_pronoun_speaker_finds_its_antecedent_in_a_sentence_without_a_cue():
    text = "Donald Trump visited the factory in Ohio.\nHe said the plant would stay open."
    assert needed(text, []) == {1}
    structure = analyse_structure(parse_article(text), load_pipeline(), "en", [])
    assert [a.source for a in structure.attributions] == ["Donald Trump"]


def word_ends(text: str) -> list[int]:
    return [word.end() for word in re.finditer(r"\w+", text)]


def assert_same_structure(text: str, ends: list[int]) -> None:
    """With no highlights and with highlights ending at `ends`, as with every sentence parsed."""
    article = parse_article(text)
    full: Structure = analyse_structure(article, load_pipeline())
    for wanted in ([], ends):
        part = analyse_structure(article, load_pipeline(), "en", wanted)
        assert part.attributions == full.attributions
        assert part.sections == full.sections
        assert [part.phrase_end(end) for end in wanted] == [full.phrase_end(end) for end in wanted]


def test_the_parse_of_the_needed_sentences_finds_what_the_whole_parse_finds():
    assert_same_structure(TEXT, word_ends(TEXT)[::4])


@needs_shared
@pytest.mark.parametrize(
    "path",
    [
        PTC_DEV / "article776385494.txt",
        PTC_DEV / "article788273361.txt",
        PTC_DEV / "article730246508.txt",
        # a pronoun's window parsed apart overlaps the stretch after it: entities in text order
        PTC_TRAIN / "article111111135.txt",
    ],
    ids=lambda path: path.stem,
)
def test_on_ptc_articles_with_pronoun_speakers_and_quotations(path: Path):
    text = path.read_text(encoding="utf-8")
    assert_same_structure(text, word_ends(text)[::7])


@needs_shared
def test_on_the_example():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert_same_structure(text, word_ends(text)[::5])
