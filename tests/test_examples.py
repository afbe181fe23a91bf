"""Training windows: targets, gold span examples and negatives (no PyTorch needed)."""

from __future__ import annotations

import numpy as np

from propwatch.corpus.ptc import Label
from propwatch.model.artifact import SHIPPED_MODEL, TOKENIZER_FILE
from propwatch.model.windows import WindowTokenizer
from propwatch.training.examples import (
    NEAR_MISS_SHIFT,
    NO_CLASS,
    NONE_CLASS,
    TECHNIQUE_INDEX,
    article_windows,
)

TEXT = (
    "Headline about the vile traitors\n\n"
    + "The minister said the plan is a disaster for our glorious nation. " * 12
    + "\nThey are vile traitors, she said.\n"
) * 3


def windows(window: int = 64, stride: int = 48, near_misses: int = 0):
    tokenizer = WindowTokenizer(SHIPPED_MODEL / TOKENIZER_FILE, window=window, stride=stride)
    start = TEXT.index("vile traitors")
    labels = [
        Label("1", start, start + len("vile traitors"), "Name_Calling,Labeling"),
        Label("1", start + 5, start + 13, "Loaded_Language"),
    ]
    rng = np.random.default_rng(0)
    return tokenizer, labels, article_windows(tokenizer, TEXT, labels, rng, None, 0, near_misses)


def test_targets_mark_pieces_inside_gold_spans_per_technique():
    tokenizer, _, examples = windows()
    first = examples[0]
    inside = first.targets[:, 0] == 1
    assert inside.sum() >= 3  # "vile", "traitors" pieces (and no others before them)
    loaded = 1 + TECHNIQUE_INDEX["Loaded_Language"]
    loaded_pieces = first.targets[:, loaded] == 1
    assert loaded_pieces.any()
    assert loaded_pieces.sum() < inside.sum()  # "traitors" only, not "vile"
    assert inside[loaded_pieces].all()
    assert first.target_mask[0] == 0 and first.target_mask[1] == 1
    assert all(e.inputs["input_ids"].shape == (1, tokenizer.window + 2) for e in examples)


def test_gold_spans_and_negatives_in_a_window():
    _, _, examples = windows()
    first = examples[0]
    gold = [s for s in first.spans if s.technique != NONE_CLASS]
    negatives = [s for s in first.spans if s.technique == NONE_CLASS]
    assert {s.technique for s in gold} == {
        TECHNIQUE_INDEX["Name_Calling,Labeling"],
        TECHNIQUE_INDEX["Loaded_Language"],
    }
    assert len(negatives) >= 2
    for negative in negatives:
        covered = first.targets[negative.first : negative.last + 1, 0]
        assert not covered.any(), "a negative overlaps a gold span"
        assert negative.line_first <= negative.first <= negative.last <= negative.line_last


def test_near_misses_shift_gold_edges_and_carry_partial_credit():
    tokenizer = WindowTokenizer(SHIPPED_MODEL / TOKENIZER_FILE, window=64, stride=48)
    start = TEXT.index("a disaster for our glorious nation")
    labels = [Label("1", start, start + len("a disaster for our glorious nation"), "Doubt")]
    rng = np.random.default_rng(0)
    first = article_windows(tokenizer, TEXT, labels, rng, None, 0, 8)[0]
    gold = [s for s in first.spans if s.technique not in (NONE_CLASS, NO_CLASS)]
    misses = [s for s in first.spans if s.technique == NO_CLASS]
    assert misses and len(misses) <= 8 * len(gold)
    assert {s.credit for s in gold} == {1.0}
    assert {s.credit for s in first.spans if s.technique == NONE_CLASS} == {0.0}
    for miss in misses:
        assert any(
            abs(miss.first - g.first) <= NEAR_MISS_SHIFT
            and abs(miss.last - g.last) <= NEAR_MISS_SHIFT
            for g in gold
        )
        assert (miss.first, miss.last) not in {(g.first, g.last) for g in gold}
        assert 0.0 <= miss.credit <= 1.0
    assert any(0.0 < miss.credit < 1.0 for miss in misses)
    assert all(s.technique != NO_CLASS for e in windows()[2] for s in e.spans)


def test_every_piece_is_in_some_window():
    tokenizer, _, examples = windows(window=40, stride=30)
    pieces = len(tokenizer.tokenize(TEXT))
    seen = sum(int(e.target_mask.sum()) for e in examples)
    assert seen >= pieces
