"""The shipped detector through ONNX Runtime: contracts, hard inputs, and no PyTorch import."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propwatch import analyze
from propwatch.errors import PropwatchError
from propwatch.model.artifact import SHIPPED_MODEL, shipped_detector
from propwatch.model.decode import BOUNDARY_PUNCTUATION
from propwatch.model.detector import Detector
from propwatch.model.evidence import Evidence
from propwatch.techniques import TECHNIQUE_NAMES

EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "syria-at-tanf.txt"
PROPAGANDA = (
    "These treacherous, bloodthirsty thugs want to destroy our great nation! "
    "Wake up, America! They are evil traitors and every patriot knows it. "
    "Make America great again. Enough is enough."
)


def assert_span_contract(text: str, spans) -> None:
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        fragment = text[span.start : span.end]
        assert getattr(span, "text", fragment) == fragment
        for edge in (fragment[0], fragment[-1]):
            assert not edge.isspace() and edge not in BOUNDARY_PUNCTUATION
        assert span.technique in TECHNIQUE_NAMES
        assert 0.0 <= span.confidence <= 1.0


def test_obvious_propaganda_is_found_with_valid_spans():
    analysis = analyze(PROPAGANDA)
    assert analysis.spans, "no technique found in blatant propaganda"
    assert_span_contract(PROPAGANDA, analysis.spans)
    assert analysis.summary.spans == len(analysis.spans)
    assert max(s.score for s in analysis.sentences) > 0.5


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="../shared/examples is not beside the repo")
def test_example_article_analysis_is_json_serialisable():
    text = EXAMPLE.read_text(encoding="utf-8")
    analysis = analyze(text)
    assert_span_contract(text, analysis.spans)
    data = json.loads(analysis.to_json())
    assert data["schema_version"] == "1.4"
    assert data["title"] == "Russian Ministry of Defense: US actions amount to war crime"
    assert len(data["sentences"]) == len(analysis.sentences) > 10
    assert sum(data["summary"]["by_technique"].values()) == len(data["spans"])


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="../shared/examples is not beside the repo")
def test_spans_show_annotated_look_alikes_of_their_own_technique():
    # Evidence comes only from a span's nearest annotated fragments: a span none of whose
    # look-alikes shares its technique shows none rather than unconvincing ones.
    evidence = Evidence.load(SHIPPED_MODEL)
    assert evidence is not None
    analysis = analyze(EXAMPLE.read_text(encoding="utf-8"))
    assert analysis.spans
    for span in analysis.spans:
        own = set(evidence.texts[evidence.techniques == TECHNIQUE_NAMES.index(span.technique)])
        assert len(span.examples) <= 3 and set(span.examples) <= own
        assert span.text.casefold() not in {e.casefold() for e in span.examples}
    with_examples = sum(1 for span in analysis.spans if span.examples)
    assert with_examples >= 0.75 * len(analysis.spans)


@pytest.mark.skipif(not EXAMPLE.is_file(), reason="../shared/examples is not beside the repo")
def test_every_span_names_the_words_that_weighed_most():
    text = EXAMPLE.read_text(encoding="utf-8")
    analysis = analyze(text)
    for span in analysis.spans:
        assert 1 <= len(span.key_words) <= 3, span.text
        assert list(span.key_words) == sorted(span.key_words, key=lambda w: w.start)
        for word in span.key_words:
            assert span.start <= word.start < word.end <= span.end
            assert text[word.start : word.end] == word.text and word.text.isalnum()
    phrase = next(s for s in analysis.spans if "patchy alliance" in s.text)
    assert "patchy" in {w.text for w in phrase.key_words}
    data = json.loads(analysis.to_json())
    assert data["spans"][0]["key_words"][0].keys() == {"start", "end", "text"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  \n",
        "no punctuation at all just words going on and on " * 40,
        "x" * 20_000,
        "word " * 6000,
        "هذا نص عربي عن الخونة الأشرار الذين يدمرون بلادنا " * 30,
        "这是关于叛徒的中文文本。他们是邪恶的敌人！" * 50,
        "emoji 👍🏽 and combining e\u0301 marks\u2028line\r\nbreaks" * 20,
    ],
    ids=[
        "empty",
        "whitespace",
        "no-punctuation",
        "one-long-token",
        "long-line",
        "rtl",
        "cjk",
        "mix",
    ],
)
def test_hard_inputs_give_a_result(text: str):
    analysis = analyze(text)
    assert_span_contract(text, analysis.spans)
    for sentence in analysis.sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_oversized_text_is_refused_with_a_clear_error():
    with pytest.raises(PropwatchError, match="split it"):
        analyze("word " * 1_000_000)


def test_non_text_is_refused():
    with pytest.raises(PropwatchError, match="str"):
        analyze(b"bytes")  # type: ignore[arg-type]


def test_long_articles_are_cut_into_segments_at_line_breaks():
    detector = shipped_detector()
    text = "\n".join(f"Line {i} says the corrupt elite lies to you." for i in range(900))
    tokens = detector.tokenizer.tokenize(text)
    segments = list(detector.segments(tokens))
    assert len(segments) > 1
    assert segments[0].first == 0 and segments[-1].last == len(tokens)
    for before, after in itertools.pairwise(segments):
        assert before.last == after.first
        assert "\n" in text[tokens.offsets[after.first - 1, 1] : tokens.offsets[after.first, 0]]
    assert_span_contract(text, detector.detect(text).spans)


def test_windows_cover_every_piece():
    tokenizer = shipped_detector().tokenizer
    for pieces in (0, 1, 253, 254, 255, 600, 1000):
        covered = set()
        for window in tokenizer.windows(pieces):
            assert window.length <= tokenizer.window
            covered.update(range(window.first, window.first + window.length))
        assert covered == set(range(pieces))


def test_technique_probabilities_for_given_spans():
    detector = shipped_detector()
    text = "They are vile traitors. The weather is mild."
    probabilities = detector.technique_probabilities(text, [(9, 22), (28, 35), (0, 0)])
    assert len(probabilities) == 3
    for probs in probabilities:
        assert probs.shape == (len(TECHNIQUE_NAMES),)
        assert abs(float(probs.sum()) - 1) < 1e-4


def test_the_repetition_correction_follows_whether_a_fragment_recurs():
    shipped = shipped_detector()
    text = "Build the wall. They mock us, so build the wall! Our leaders are vile cowards."
    spans = [(0, 14), (65, 77)]  # "Build the wall" (said twice), "vile cowards" (once)
    repetition = TECHNIQUE_NAMES.index("Repetition")
    for once, again in [(-40.0, 40.0), (40.0, -40.0)]:  # biases on logits, decisive
        settings = replace(shipped.settings, repetition_bias=(once, again))
        detector = Detector(shipped.backend, shipped.tokenizer, settings)
        recurring, single = detector.technique_probabilities(text, spans)
        assert bool(recurring.argmax() == repetition) == (again > 0)
        assert bool(single.argmax() == repetition) == (once > 0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_keeps_the_offset_contract(text: str):
    analysis = analyze(text)
    assert_span_contract(text, analysis.spans)


def test_analyze_does_not_import_torch_and_leaves_it_importable():
    pytest.importorskip("torch", reason="needs the train extra")
    # thinc, under spaCy, would import torch whenever it is installed (the train extra).
    code = (
        "import sys, importlib.util, propwatch; propwatch.analyze('They are vile traitors!'); "
        "print('torch' in sys.modules, importlib.util.find_spec('torch') is not None)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]


def test_tokenizer_offsets_are_code_points():
    tokenizer = shipped_detector().tokenizer
    text = "👍🏽 Émigré e\u0301lite 日本"
    tokens = tokenizer.tokenize(text)
    pieces = [text[start:end] for start, end in tokens.offsets]
    assert "".join(pieces) == text.replace(" ", "")


def test_windows_frame_pieces_with_the_tokenizers_own_specials(tmp_path: Path):
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    from propwatch.model.windows import WindowTokenizer

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "they": 4, "lie": 5}
    mpnet_like = Tokenizer(WordLevel(vocab, unk_token="<unk>"))
    mpnet_like.pre_tokenizer = Whitespace()
    mpnet_like.save(str(tmp_path / "tokenizer.json"))
    tokenizer = WindowTokenizer(tmp_path / "tokenizer.json")
    tokens = tokenizer.tokenize("they lie")
    batch = tokenizer.batch(tokens, tokenizer.windows(len(tokens)), width=6)
    assert batch["input_ids"].tolist() == [[0, 4, 5, 2, 1, 1]]
    del vocab["<pad>"]
    Tokenizer(WordLevel(vocab, unk_token="<unk>")).save(str(tmp_path / "tokenizer.json"))
    with pytest.raises(ValueError, match="none of the special tokens"):
        WindowTokenizer(tmp_path / "tokenizer.json")
