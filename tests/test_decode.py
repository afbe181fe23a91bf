"""Decoding token probabilities into spans that keep the PTC v2 boundary rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.model.decode import (
    BOUNDARY_PUNCTUATION,
    DecodeSettings,
    cuts_any_quotation,
    decode_spans,
    expand_to_words,
    inside_word,
    line_breaks,
    piece_span_probability,
    quotations,
    respect_quotations,
    token_runs,
    trim_function_word_ends,
    trim_span,
)


def word_offsets(text: str) -> np.ndarray:
    """Whitespace-separated words as stand-in tokens."""
    offsets, position = [], 0
    for word in text.split():
        start = text.index(word, position)
        offsets.append((start, start + len(word)))
        position = start + len(word)
    return np.asarray(offsets, dtype=np.int64).reshape(-1, 2)


def test_an_apostrophe_between_letters_belongs_to_its_word():
    text = "the council’s reckless scheme, don't 'go'"
    start = text.index("s reckless")
    assert expand_to_words(text, start, start + 10) == (text.index("council"), start + 10)
    assert inside_word(text, text.index("'t")) and not inside_word(text, text.index("'go"))


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("a “moderate opposition” b", "“moderate opposition”"),
        ('a "moderate opposition" b', '"moderate opposition"'),
        ("a ‘moderate opposition’ b", "‘moderate opposition’"),
        ("a «moderate opposition» b", "«moderate opposition»"),
        ("a „moderate opposition“ b", "„moderate opposition“"),
        ("a ‚moderate opposition‘ b", "‚moderate opposition‘"),
        ("a ‘don’t shoot’ b", "‘don’t shoot’"),
    ],
)
def test_every_kind_of_quotation_is_found(text: str, quoted: str):
    assert [text[a:b] for a, b in quotations(text)] == [quoted]


def test_a_span_crossing_a_quotation_mark_holds_the_quotation_or_stops_at_it():
    text = "the “moderate opposition” members in the killing of civilians and others"
    assert cuts_any_quotation(text, text.index("opposition"), len(text))
    start, end = respect_quotations(text, text.index("opposition"), len(text))
    assert text[start:end] == "“moderate opposition” members in the killing of civilians and others"
    start, end = respect_quotations(text, text.index("ion”"), len(text))
    assert text[start:end] == " members in the killing of civilians and others"
    start, end = respect_quotations(text, 0, text.index("rate"))
    assert text[start:end] == "the "


@given(
    st.lists(
        st.sampled_from(["word", "council’s", "“quoted words”", "«x y»", "'s", ","]), max_size=12
    ),
    st.data(),
)
def test_decoded_spans_cut_neither_words_nor_quotations(words: list[str], data: st.DataObject):
    text = " ".join(words)
    offsets = word_offsets(text)
    if not len(offsets):
        return
    # pieces of two characters, so that pieces cut words
    pieces = np.asarray(
        [(a, min(a + 2, b)) for start, end in offsets for a in range(start, end, 2) for b in [end]]
    )
    probabilities = np.asarray(
        data.draw(st.lists(st.floats(0, 1), min_size=len(pieces), max_size=len(pieces)))
    )
    for span in decode_spans(text, pieces, probabilities, DecodeSettings(min_chars=1)):
        assert not inside_word(text, span.start) and not inside_word(text, span.end)
        assert not cuts_any_quotation(text, span.start, span.end)


def test_trim_removes_whitespace_and_ptc_punctuation_only():
    text = ' ,"Hello, world!": '
    assert trim_span(text, 0, len(text)) == (2, len(text) - 2)
    assert trim_span(" .;: ", 0, 5) is None


def test_expand_to_words_completes_cut_words():
    text = "unbelievable lies"
    assert expand_to_words(text, 2, 6) == (0, 12)
    assert expand_to_words(text, 13, 17) == (13, 17)


def test_runs_join_small_gaps_but_not_line_breaks():
    active = np.array([1, 0, 1, 0, 0, 0, 1, 1, 0, 1], dtype=bool)
    no_breaks = np.zeros(10, dtype=bool)
    assert token_runs(active, no_breaks, 1) == [(0, 2), (6, 9)]
    assert token_runs(active, no_breaks, 0) == [(0, 0), (2, 2), (6, 7), (9, 9)]
    breaks = no_breaks.copy()
    breaks[2] = True
    assert token_runs(active, breaks, 1) == [(0, 0), (2, 2), (6, 9)]


def test_a_span_grows_into_likely_neighbours_only_around_a_confident_core():
    text = "the vile corrupt traitors said so and so"
    offsets = word_offsets(text)
    probabilities = np.array([0.1, 0.45, 0.7, 0.45, 0.2, 0.45, 0.45, 0.45], dtype=np.float32)
    core = decode_spans(text, offsets, probabilities, DecodeSettings(0.6, 0, 1))
    assert [text[s.start : s.end] for s in core] == ["corrupt"]
    grown = decode_spans(text, offsets, probabilities, DecodeSettings(0.6, 0, 1, 0.2))
    assert [text[s.start : s.end] for s in grown] == ["vile corrupt traitors"]
    assert grown[0].confidence == pytest.approx((0.45 + 0.7 + 0.45) / 3)


def test_span_probability_mixes_in_the_likeliest_technique_channel():
    probabilities = np.array([[0.2, 0.1, 0.8, 0.0], [0.6, 0.0, 0.1, 0.2]], dtype=np.float32)
    np.testing.assert_allclose(piece_span_probability(probabilities, 0.0), [0.2, 0.6])
    np.testing.assert_allclose(piece_span_probability(probabilities, 0.5), [0.5, 0.4])


def test_line_breaks_mark_the_first_token_of_each_line():
    text = "one two\nthree\n\nfour"
    assert line_breaks(text, word_offsets(text)).tolist() == [False, False, True, True]


def test_decoded_spans_cover_the_probable_words():
    text = "They are vile traitors, said the minister.\nNothing else."
    offsets = word_offsets(text)
    probabilities = np.array([0.1, 0.2, 0.9, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1], dtype=np.float32)
    spans = decode_spans(text, offsets, probabilities, DecodeSettings(threshold=0.5))
    assert [(text[s.start : s.end], round(s.confidence, 2)) for s in spans] == [
        ("vile traitors", 0.85)
    ]


def test_short_spans_are_dropped():
    text = "a b c"
    spans = decode_spans(
        text, word_offsets(text), np.array([0.9, 0.1, 0.1]), DecodeSettings(min_chars=2)
    )
    assert spans == []


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab é👍\u0301,.;:!\n\"'")), max_size=60),
    st.data(),
)
def test_decoded_spans_keep_the_offset_contract_and_boundary_rule(text: str, data):
    offsets = word_offsets(text)
    probabilities = np.asarray(
        data.draw(st.lists(st.floats(0, 1), min_size=len(offsets), max_size=len(offsets))),
        dtype=np.float32,
    )
    for span in decode_spans(text, offsets, probabilities, DecodeSettings(0.5, 1, 1)):
        fragment = text[span.start : span.end]
        assert fragment
        for edge in (fragment[0], fragment[-1]):
            assert not edge.isspace() and edge not in BOUNDARY_PUNCTUATION
        assert "\n" not in fragment


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("a gross violation of", "a gross violation"),
        ("the so-called “moderate opposition” in the", "the so-called “moderate opposition”"),
        ("they will blow it up", "they will blow it up"),  # phrasal particles stay
        ("this is not", "this is not"),
        ("traitors and", "traitors"),
        ("of the", None),
    ],
)
def test_function_words_are_dropped_from_span_ends(text: str, kept: str | None):
    trimmed = trim_function_word_ends(text, 0, len(text))
    assert (text[slice(*trimmed)] if trimmed else None) == kept


def test_decoding_trims_function_word_ends_only_when_asked():
    text = "a gross violation of law"
    offsets = np.asarray([[0, 1], [2, 7], [8, 17], [18, 20], [21, 24]])
    probabilities = np.asarray([0.1, 0.9, 0.9, 0.6, 0.1])
    plain = DecodeSettings(threshold=0.5, min_chars=1)
    spans = decode_spans(text, offsets, probabilities, plain)
    assert [text[s.start : s.end] for s in spans] == ["gross violation of"]
    trimmed = decode_spans(text, offsets, probabilities, replace(plain, trim_function_words=True))
    assert [text[s.start : s.end] for s in trimmed] == ["gross violation"]
