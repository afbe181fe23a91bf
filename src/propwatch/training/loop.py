"""The training loop: batches, loss and optimiser, resumable from checkpoints, with an ETA."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from propwatch.corpus.semeval2023 import LANGUAGES, Unmapped
from propwatch.training.examples import NO_CLASS, NONE_CLASS, WindowExample
from propwatch.training.network import SpanHead, TokenTagger, pool_span

Log = Callable[[str], None]
CHECKPOINT_FILE = "checkpoint.pt"
LOG_EVERY = 20  # steps
SPAN_CLASSES = NONE_CLASS + 1  # the techniques and "none"


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
    # Span-head class weights by effective number of examples (Cui et al. 2019), beta here;
    # 0 leaves every class at weight 1
    class_balance: float = 0.0
    silver_articles: int = 0  # unlabelled articles labelled by the fold teacher, 0 for none
    silver_weight: float = 0.3  # of a silver window's token loss against a gold window's
    memes: str | None = None  # SemEval-2021 Task 6 folder: its meme texts as extra gold
    meme_weight: float = 0.5  # of a meme window's token loss against a PTC window's
    # SemEval-2023 Task 3 folder: its realigned articles in `languages` join the folds, the five
    # techniques without a PTC class handled by the `unmapped` policy (`corpus.semeval2023`)
    semeval2023: str | None = None
    languages: tuple[str, ...] = LANGUAGES
    unmapped: Unmapped = "unlabelled"
    # Span examples with shifted edges per gold span; above 0 the span head also learns each
    # span's credit (its share inside gold), which ranks competing boundaries
    near_misses: int = 0
    credit_loss_weight: float = 1.0
    # bfloat16 autocast: half the step time on CPUs with AMX or AVX-512 BF16; weights stay fp32
    bf16: bool = True
    seed: int = 13
    max_articles: int | None = None  # a handful, for smoke tests
    max_steps: int | None = None  # per epoch, for smoke tests


# Called after each epoch with the networks in eval mode. `memo` is saved with the checkpoint,
# so what a hook keeps across epochs (the best epoch so far, say) survives a resume.
EpochHook = Callable[[int, TokenTagger, SpanHead, dict[str, Any]], None]


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


def class_weights(examples: list[WindowExample], beta: float) -> torch.Tensor | None:
    """Span-head class weights (1 - beta) / (1 - beta^n), normalised to mean 1; None if beta 0."""
    if beta <= 0:
        return None
    classes = SPAN_CLASSES
    counts = np.bincount(
        [span.technique for e in examples for span in e.spans if span.technique != NO_CLASS],
        minlength=classes,
    ).astype(np.float64)
    weights = (1 - beta) / (1 - beta ** np.maximum(counts, 1))
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


def batch_loss(
    tagger: TokenTagger,
    span_head: SpanHead,
    examples: list[WindowExample],
    recipe: Recipe,
    span_class_weights: torch.Tensor | None = None,
) -> torch.Tensor:
    batch = collate(examples)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=recipe.bf16):
        logits, hidden = tagger(batch["input_ids"], batch["attention_mask"], batch["features"])
    logits, hidden = logits.float(), hidden.float()
    targets = batch["targets"]
    mask = batch["target_mask"] * torch.tensor([e.weight for e in examples])[:, None]
    span_loss = nn.functional.binary_cross_entropy_with_logits(
        logits[..., 0],
        targets[..., 0],
        pos_weight=torch.tensor(recipe.span_positive_weight),
        reduction="none",
    )
    technique_loss = nn.functional.binary_cross_entropy_with_logits(
        logits[..., 1:], targets[..., 1:], reduction="none"
    ).mean(-1)
    tokens = batch["target_mask"].sum().clamp(min=1)
    loss = (span_loss * mask).sum() / tokens
    loss = loss + recipe.technique_loss_weight * (technique_loss * mask).sum() / tokens
    pooled, labels, credits = [], [], []
    for row, example in enumerate(examples):
        for span in example.spans:
            features = torch.from_numpy(span.features)
            lines = (span.line_first, span.line_last)
            pooled.append(pool_span(hidden[row], (span.first, span.last), lines, features))
            labels.append(span.technique)
            credits.append(span.credit)
    if not pooled:
        return loss
    span_logits = span_head(torch.stack(pooled))
    classes = torch.tensor(labels)
    if (classes != NO_CLASS).any():
        loss = loss + recipe.span_head_loss_weight * nn.functional.cross_entropy(
            span_logits[:, :SPAN_CLASSES],
            classes,
            weight=span_class_weights,
            label_smoothing=recipe.label_smoothing,
            ignore_index=NO_CLASS,
        )
    if span_head.credit:
        loss = loss + recipe.credit_loss_weight * nn.functional.binary_cross_entropy_with_logits(
            span_logits[:, SPAN_CLASSES], torch.tensor(credits, dtype=torch.float32)
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


@dataclass
class Position:
    """Where training stands: the next epoch to run and the steps done in all."""

    epoch: int = 1
    step: int = 0


class Checkpoints:
    """One checkpoint file in a folder, rewritten atomically; None folder: no checkpoints."""

    def __init__(self, folder: Path | None, every_minutes: float = 10.0) -> None:
        self.folder = folder
        self.every = every_minutes * 60
        self.saved_at = time.monotonic()

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else self.folder / CHECKPOINT_FILE

    def restore(self, modules: dict[str, Any], memo: dict[str, Any]) -> Position:
        if self.path is None or not self.path.is_file():
            return Position()
        state = torch.load(self.path, weights_only=False)
        for name, module in modules.items():
            module.load_state_dict(state[name])
        memo.update(state["memo"])
        torch.set_rng_state(state["torch_rng"])
        return Position(state["epoch"], state["step"])

    def save(
        self, modules: dict[str, Any], memo: dict[str, Any], position: Position, force: bool
    ) -> bool:
        if self.path is None or not (force or time.monotonic() - self.saved_at >= self.every):
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        state = {name: module.state_dict() for name, module in modules.items()}
        state |= {"memo": memo, "torch_rng": torch.get_rng_state()}
        state |= {"epoch": position.epoch, "step": position.step}
        partial = self.path.with_suffix(".partial")
        torch.save(state, partial)
        partial.replace(self.path)
        self.saved_at = time.monotonic()
        return True

    def remove(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class Clock:
    """This run's pace and the time left at it; the training time of all runs in `memo`."""

    def __init__(self, total: int, done: int, memo: dict[str, Any]) -> None:
        self.total, self.first, self.started = total, done, time.monotonic()
        self.before = memo.get("training_seconds", 0.0)  # earlier runs, before a resume
        self.memo = memo

    def eta(self, done: int) -> str:
        rate = (done - self.first) / max(time.monotonic() - self.started, 1e-9)
        left = (self.total - done) / rate if rate > 0 else 0.0
        return f"{rate * 60:.1f} steps/min, ETA {int(left // 60)}m{int(left % 60):02d}s"

    def account(self) -> None:
        self.memo["training_seconds"] = self.before + time.monotonic() - self.started


def fit(
    examples: list[WindowExample],
    encoder: Path,
    recipe: Recipe,
    log: Log,
    on_epoch: EpochHook,
    checkpoints: Path | None = None,
) -> tuple[TokenTagger, SpanHead, dict[str, Any]]:
    """Train both heads and the encoder on `examples`; returns the networks and the hook's memo.

    With a `checkpoints` folder, a killed run resumes where its last checkpoint left it (saved
    every ten minutes and after every epoch) and the checkpoint is removed when training ends.
    """
    seed_everything(recipe.seed)
    tagger = TokenTagger(encoder)
    span_head = SpanHead(tagger.width, credit=recipe.near_misses > 0)
    steps_per_epoch = -(-len(examples) // recipe.batch_size)
    if recipe.max_steps:  # a smoke run still trains, and exports, every epoch
        steps_per_epoch = min(steps_per_epoch, recipe.max_steps)
    steps = steps_per_epoch * recipe.epochs
    optimizer, scheduler = make_optimizer(tagger, span_head, recipe, steps)
    modules: dict[str, Any] = {"tagger": tagger, "span_head": span_head}
    modules |= {"optimizer": optimizer, "scheduler": scheduler}
    memo: dict[str, Any] = {}
    saver = Checkpoints(checkpoints)
    position = saver.restore(modules, memo)
    if position.step:
        log(f"resumed from {saver.path} at epoch {position.epoch}, step {position.step}")
    clock = Clock(steps, position.step, memo)
    weights = class_weights(examples, recipe.class_balance)
    while position.epoch <= recipe.epochs:
        tagger.train()
        span_head.train()
        order = np.random.default_rng(recipe.seed + position.epoch).permutation(len(examples))
        done_in_epoch = position.step - (position.epoch - 1) * steps_per_epoch
        end = min(len(order), steps_per_epoch * recipe.batch_size)
        for first in range(done_in_epoch * recipe.batch_size, end, recipe.batch_size):
            batch = [examples[i] for i in order[first : first + recipe.batch_size]]
            loss = _step(tagger, span_head, optimizer, batch, recipe, weights)
            scheduler.step()
            position.step += 1
            if position.step % LOG_EVERY == 0:
                log(
                    f"epoch {position.epoch} step {position.step}/{steps} loss {loss:.4f}, "
                    f"{clock.eta(position.step)}"
                )
            clock.account()
            saver.save(modules, memo, position, force=False)
        tagger.eval()
        span_head.eval()
        on_epoch(position.epoch, tagger, span_head, memo)
        position.epoch += 1
        clock.account()
        saver.save(modules, memo, position, force=True)
    saver.remove()
    clock.account()
    return tagger, span_head, memo


def _step(
    tagger: TokenTagger,
    span_head: SpanHead,
    optimizer: torch.optim.Optimizer,
    batch: list[WindowExample],
    recipe: Recipe,
    span_class_weights: torch.Tensor | None,
) -> float:
    loss = batch_loss(tagger, span_head, batch, recipe, span_class_weights)
    optimizer.zero_grad()
    loss.backward()  # type: ignore[no-untyped-call]
    nn.utils.clip_grad_norm_([*tagger.parameters(), *span_head.parameters()], 1.0)
    optimizer.step()
    return float(loss.item())
