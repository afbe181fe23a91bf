"""Each inference stage on its own, with a stub encoder backend: the shipped tokenizer, but
token and span heads whose outputs the tests choose."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import numpy as np
import pytest

from propwatch.model.artifact import SHIPPED_MODEL, TOKENIZER_FILE
from propwatch.model.calibration import Calibration
from propwatch.model.chooser import SpanChooser, Trees
from propwatch.model.correct import REPETITION, Candidate, HeadCorrection, propaganda_probability
from propwatch.model.decode import DecodeSettings, RawSpan, decode_spans
from propwatch.model.detector import (
    Detector,
    DetectorSettings,
    chosen,
    judge_proposals,
    pool_proposer,
    proposer_for,
)
from propwatch.model.encode import SEGMENT_PIECES, Encoder, segment_bounds
from propwatch.model.explain import Explainer
from propwatch.model.judge import Judge
from propwatch.model.label import Labeller, TechniqueLabel
from propwatch.model.propose import Proposer, SegmentView
from propwatch.model.windows import WindowTokenizer
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.runs import ArticleRun

TECHNIQUES = len(TECHNIQUE_NAMES)
LOADED = TECHNIQUE_NAMES.index("Loaded_Language")
TEXT = (
    "They are vile traitors, the minister said.\nThe weather was mild and the vile traitors left."
)
MARKED = ("vile", "traitors")
PHRASES = [(m.start(), m.end()) for m in re.finditer("vile traitors", TEXT)]
WIDTH = 4


class StubBackend:
    """Marks the pieces of MARKED words as Loaded_Language; a piece's hidden state depends on
    its id only; the span head says Loaded_Language, propaganda by its first feature's sign."""

    def __init__(self, tokenizer: WindowTokenizer) -> None:
        words = tokenizer.tokenizer.encode(" ".join(MARKED), add_special_tokens=False)
        self.marked = np.asarray(words.ids)
        self.classified: list[int] = []

    def encode(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        ids = batch["input_ids"]
        logits = np.full((*ids.shape, 1 + TECHNIQUES), -8.0, dtype=np.float32)
        marked = np.isin(ids, self.marked)
        logits[marked, 0] = 8.0
        logits[marked, 1 + LOADED] = 8.0
        hidden = np.stack([ids % (k + 2) for k in range(WIDTH)], axis=-1).astype(np.float32)
        return logits, hidden

    def classify(self, pooled: np.ndarray) -> np.ndarray:
        self.classified.append(len(pooled))
        logits = np.zeros((len(pooled), TECHNIQUES + 1), dtype=np.float32)
        logits[:, LOADED] = 4.0
        logits[:, TECHNIQUES] = -2.0  # "none": unlikely
        return logits


@pytest.fixture(scope="module")
def tokenizer() -> WindowTokenizer:
    return WindowTokenizer(SHIPPED_MODEL / TOKENIZER_FILE, window=6, stride=4)


@pytest.fixture
def backend(tokenizer: WindowTokenizer) -> StubBackend:
    return StubBackend(tokenizer)


def marked_words(text: str) -> list[tuple[int, int]]:
    spans = []
    for word in MARKED:
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return sorted(spans)


def test_encode_averages_window_outputs_and_keeps_each_pieces_state(tokenizer, backend):
    tokens = tokenizer.tokenize(TEXT)
    (segment,) = Encoder(backend, tokenizer).segments(tokens)
    assert (segment.first, segment.last) == (0, len(tokens))
    marked = np.isin(tokens.ids, backend.marked)
    assert marked.any() and len(tokenizer.windows(len(tokens))) > 2  # pieces seen twice
    np.testing.assert_allclose(segment.probabilities[marked, 0], 1.0, atol=1e-3)
    np.testing.assert_allclose(segment.probabilities[~marked, 0], 0.0, atol=1e-3)
    expected = np.stack([tokens.ids % (k + 2) for k in range(WIDTH)], axis=-1)
    np.testing.assert_array_equal(segment.hidden, expected)


def test_encode_cuts_long_articles_at_line_starts(tokenizer):
    tokens = tokenizer.tokenize("One short line of words here.\n" * 800)
    bounds = segment_bounds(tokens)
    assert len(bounds) > 1 and bounds[0][0] == 0 and bounds[-1][1] == len(tokens)
    assert all(last - first <= SEGMENT_PIECES for first, last in bounds)
    for (_, cut), (next_first, _) in itertools.pairwise(bounds):
        assert cut == next_first and tokens.index.text[tokens.offsets[cut, 0] - 1] == "\n"


def test_propose_decodes_once_or_pools_distinct_spans(tokenizer, backend):
    tokens = tokenizer.tokenize(TEXT)
    (segment,) = Encoder(backend, tokenizer).segments(tokens)
    decode = DecodeSettings(threshold=0.5, technique_mix=0.5)
    view = SegmentView.of(tokens, segment, decode.technique_mix)
    single = Proposer((decode,))(view)
    assert single == decode_spans(TEXT, tokens.offsets, view.likely, decode)
    assert [(s.start, s.end) for s in single] == PHRASES
    pool = pool_proposer(decode)(view)
    bounds = [(s.start, s.end) for s in pool]
    assert len(set(bounds)) == len(bounds) and bounds[: len(single)] == PHRASES
    with pytest.raises(ValueError, match="one technique mix"):
        Proposer((decode, replace(decode, technique_mix=0.0)))


def test_judge_reads_one_representation_per_span_in_one_call(tokenizer, backend):
    tokens = tokenizer.tokenize(TEXT)
    (segment,) = Encoder(backend, tokenizer).segments(tokens)
    raw = [RawSpan(*PHRASES[0], 0.9, 2, 3), RawSpan(0, 4, 0.1, 0, 0)]
    logits = Judge(backend).logits(tokens, segment, raw)
    assert logits.shape == (2, TECHNIQUES + 1) and backend.classified == [2]


def test_correct_applies_the_biases_to_technique_logits_only():
    logits = np.zeros((2, TECHNIQUES + 1))
    plain, propaganda = HeadCorrection().verdicts(logits, np.asarray([False, True]))
    np.testing.assert_allclose(plain.sum(axis=1), 1.0)
    np.testing.assert_allclose(propaganda, TECHNIQUES / (TECHNIQUES + 1))
    corrected, same = HeadCorrection(repetition_bias=(0.0, 2.0)).verdicts(
        logits, np.asarray([False, True])
    )
    assert corrected[0, REPETITION] == pytest.approx(plain[0, REPETITION])
    assert corrected[1, REPETITION] > plain[1, REPETITION]
    np.testing.assert_array_equal(same, propaganda)
    assert (propaganda_probability(np.zeros((3, TECHNIQUES))) == 1.0).all()  # no "none" class


def candidate(techniques: list[float], confidence: float = 0.8) -> Candidate:
    return Candidate(
        RawSpan(0, 4, confidence, 0, 0),
        np.asarray(techniques),
        0.5,
        np.zeros(WIDTH),
        np.asarray([[0, 4]]),
        np.zeros((1, 1 + TECHNIQUES)),
    )


def test_label_adds_the_runner_up_only_when_nearly_as_likely():
    probabilities = [0.0] * TECHNIQUES
    probabilities[LOADED], probabilities[REPETITION] = 0.5, 0.46
    both = Labeller(0.9, Calibration())(candidate(probabilities))
    assert both == [
        TechniqueLabel(LOADED, 0.8 * 0.5 * 0.5),
        TechniqueLabel(REPETITION, 0.8 * 0.5 * 0.46),
    ]
    assert [t.technique for t in Labeller(0.95, Calibration())(candidate(probabilities))] == [
        LOADED
    ]
    calibrated = Labeller(1.01, Calibration((0.0, 1.0), (0.0, 0.5)))(candidate(probabilities))
    assert calibrated == [TechniqueLabel(LOADED, pytest.approx(0.1))]


def test_explain_without_evidence_gives_key_words_and_no_examples(tokenizer, backend):
    tokens = tokenizer.tokenize(TEXT)
    (segment,) = Encoder(backend, tokenizer).segments(tokens)
    judged = judge_proposals(Judge(backend), Proposer((DecodeSettings(),)), tokens, segment)
    first = HeadCorrection().candidates(tokens, segment, judged.spans, judged.logits)[0]
    why = Explainer(None)(first, LOADED, TEXT)
    assert why.examples == () and why.key_words and set(why.key_words) <= set(marked_words(TEXT))


def a_chooser(prefer_long: bool) -> SpanChooser:
    """One stump on the candidate's length in pieces (feature 7)."""
    low, high = (0.0, 1.0) if prefer_long else (1.0, 0.0)
    trees = Trees(
        feature=np.asarray([7, 0, 0]),
        threshold=np.asarray([1.5, 0.0, 0.0]),
        left=np.asarray([1, 0, 0]),
        right=np.asarray([2, 0, 0]),
        value=np.asarray([0.0, low, high]),
        leaf=np.asarray([False, True, True]),
        roots=np.asarray([0]),
        base=0.0,
        columns=16 + TECHNIQUES,
    )
    return SpanChooser(trees, floor=0.5, length_bonus=0.0)


def test_choose_keeps_what_the_chooser_credits_from_pool_proposals(tokenizer, backend):
    tokens = tokenizer.tokenize(TEXT)
    (segment,) = Encoder(backend, tokenizer).segments(tokens)
    decode = DecodeSettings(threshold=0.5)
    pooled = judge_proposals(Judge(backend), pool_proposer(decode), tokens, segment)
    correction = HeadCorrection()
    everything = chosen(correction, None, tokens, segment, pooled)
    assert len(everything) == len(pooled.spans)
    # every pool span here is "vile traitors", of several pieces
    kept = chosen(correction, a_chooser(prefer_long=True), tokens, segment, pooled)
    assert [(c.raw.start, c.raw.end) for c in kept] == PHRASES
    assert chosen(correction, a_chooser(prefer_long=False), tokens, segment, pooled) == []
    single = judge_proposals(Judge(backend), Proposer((decode,)), tokens, segment)
    with pytest.raises(ValueError, match="pool proposals"):
        chosen(correction, a_chooser(True), tokens, segment, single)


def test_the_detector_composes_the_stages(tokenizer, backend):
    settings = DetectorSettings(decode=DecodeSettings(threshold=0.5), second_technique=1.01)
    detection = Detector(backend, tokenizer, settings).detect(TEXT)
    found = [(s.start, s.end, s.technique) for s in detection.spans]
    assert found == [(*phrase, "Loaded_Language") for phrase in PHRASES]
    marked = np.isin(detection.tokens.ids, backend.marked)
    assert (detection.span_probability[marked] > 0.99).all()
    assert all(s.key_words and set(s.key_words) <= set(marked_words(TEXT)) for s in detection.spans)
    unexplained = Detector(backend, tokenizer, settings).detect(TEXT, explained=False).spans
    assert [(s.start, s.end, s.confidence) for s in unexplained] == [
        (s.start, s.end, s.confidence) for s in detection.spans
    ]
    assert all(s.key_words == () and s.examples == () for s in unexplained)
    assert proposer_for(settings.decode, None) == Proposer((settings.decode,))


def test_training_judges_each_segment_once_and_corrects_it_anew(tokenizer, backend):
    detector = Detector(backend, tokenizer, DetectorSettings())
    tokens = tokenizer.tokenize(TEXT)
    run = ArticleRun(detector, tokens, list(detector.segments(tokens)))
    proposer = pool_proposer(DecodeSettings())
    judged = run.judged(0, proposer)
    assert run.judged(0, proposer) is judged and len(backend.classified) == 1
    plain = chosen(HeadCorrection(), None, tokens, run.segments[0], judged)
    again = chosen(
        HeadCorrection(repetition_bias=(0.0, 3.0)), None, tokens, run.segments[0], judged
    )
    assert [c.raw for c in plain] == [c.raw for c in again] == judged.spans
    recurs = [TEXT.count(TEXT[c.raw.start : c.raw.end]) > 1 for c in plain]
    assert any(recurs)
    for before, after, repeated in zip(plain, again, recurs, strict=True):
        assert (after.techniques[REPETITION] > before.techniques[REPETITION]) == repeated
