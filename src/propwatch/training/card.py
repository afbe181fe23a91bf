"""The model card: what the model is, how it was trained and chosen, and what it scores.

A model from `propwatch train --folds` (the shipped one) reports out-of-fold scores over all
labelled articles; a model from a single train/dev run reports its dev scores, in-sample and
cross-fitted on dev halves. The Markdown is `templates/model_card.md.j2`; every figure in it comes
from the model folder: its config, the typed record of the run that made it
(`training/results.py`) and its files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from propwatch.model.artifact import CARD_FILE, ENCODER_FILE, ModelConfig
from propwatch.model.chooser import CHOOSER_FILE, SpanChooser, pool_decodes
from propwatch.model.decode import DecodeSettings
from propwatch.model.evidence import EVIDENCE_FILE, LOOK_ALIKES, Evidence
from propwatch.techniques import SEMEVAL2023_UNMAPPED
from propwatch.training.examples import NEAR_MISS_SHIFT
from propwatch.training.loop import Recipe
from propwatch.training.results import CrossValidated, ModelRecord, ShippedFold, record_of

TEMPLATE = "model_card.md.j2"
# Where the README puts the PTC corpus: the card's commands use it for a model whose run did not
# record its data folder.
PTC_FOLDER = "../shared/data/ptc"
TASKS = (
    ("si", "Span identification (SI), SemEval-2020 Task 11"),
    ("tc", "Technique classification (TC) on gold spans, micro-F1"),
    ("flc", "Fragment-level joint span + technique (FLC), NLP4IF-2019"),
    ("slc", "Sentence-level (SLC), positive class"),
)
CORRECTION_NAMES = {
    "none": "none",
    "repetition": "Repetition evidence",
    "priors": "priors",
    "repetition+priors": "Repetition evidence, then priors",
}
CONFIDENCE = (
    "A span's confidence is the probability that it overlaps a gold span of the same technique. "
    "The raw score (the token head's mean probability over the span x the span head's "
    "P(propaganda) x P(technique)) is mapped to it by a monotone map fitted on held-out "
    "predictions: through the centres of an isotonic regression's blocks, each block's hit rate "
    "shrunk towards its neighbours' by how few spans it holds, so that a higher raw score always "
    "reads a higher confidence and none reads 1."
)


@dataclass(frozen=True)
class EvidenceFacts:
    """The evidence index: how many gold fragments, their dimensions, its size on disk."""

    fragments: int
    components: int
    megabytes: float


@dataclass(frozen=True)
class ChooserFacts:
    """The span chooser: its pool of decodings, its trees and how it keeps candidates."""

    pool: int
    lowest: float  # the pool's decoding thresholds and gaps, from its base decoding
    highest: float
    fewest_gap: int
    most_gap: int
    trees: int
    length_bonus: float
    floor: float


@dataclass(frozen=True)
class Card:
    """What the template reads: the config, the run's record, and facts of the folder's files."""

    config: ModelConfig
    run: ModelRecord
    recipe: Recipe
    encoder_megabytes: float
    evidence: EvidenceFacts | None
    chooser: ChooserFacts | None

    @property
    def cross_validated(self) -> bool:
        return isinstance(self.run, CrossValidated)

    @property
    def fold(self) -> ShippedFold | None:
        """The fold whose model shipped, if one did (`ship_fold`)."""
        return self.run.shipped_fold if isinstance(self.run, CrossValidated) else None

    @property
    def ptc(self) -> str:
        """The PTC folder for the card's commands: the run's, or the README's if not recorded."""
        return self.run.data or PTC_FOLDER


def _megabytes(path: Path) -> float:
    return path.stat().st_size / 1e6


def evidence_facts(folder: Path) -> EvidenceFacts | None:
    evidence = Evidence.load(folder)
    if evidence is None:
        return None
    megabytes = _megabytes(folder / EVIDENCE_FILE)
    return EvidenceFacts(len(evidence.texts), evidence.vectors.shape[1], megabytes)


def chooser_facts(folder: Path, base: DecodeSettings) -> ChooserFacts | None:
    chooser = SpanChooser.load(folder)
    if chooser is None:
        return None
    pool = pool_decodes(base)
    thresholds = [decode.threshold for decode in pool]
    gaps = [decode.join_tokens for decode in pool]
    return ChooserFacts(
        len(pool),
        min(thresholds),
        max(thresholds),
        min(gaps),
        max(gaps),
        len(chooser.trees.roots),
        chooser.length_bonus,
        chooser.floor,
    )


def card_of(folder: Path) -> Card:
    """Everything the card says of the model folder `folder`."""
    config = ModelConfig.load(folder)
    run = record_of(config.metrics)
    return Card(
        config,
        run,
        run.recipe_used,
        _megabytes(folder / ENCODER_FILE),
        evidence_facts(folder),
        chooser_facts(folder, config.settings.decode),
    )


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("propwatch.training"),
        autoescape=False,  # Markdown, not HTML: the card's text is ours and the run's
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters |= {
        "f1": lambda x: f"{x:.1f}",
        "f3": lambda x: f"{x:.3f}",
        "g": lambda x: f"{x:g}",
        "signed": lambda x: f"{x:+g}",
        "pct": lambda x: f"{x:.1%}",
        "thousands": lambda x: f"{x:,}",
    }
    environment.globals |= {
        "tasks": TASKS,
        "correction_names": CORRECTION_NAMES,
        "confidence": CONFIDENCE,
        "look_alikes": LOOK_ALIKES,
        "evidence_file": EVIDENCE_FILE,
        "chooser_file": CHOOSER_FILE,
        "near_miss_shift": NEAR_MISS_SHIFT,
        "unmapped_techniques": len(SEMEVAL2023_UNMAPPED),
    }
    return environment


def render_card(card: Card) -> str:
    return _environment().get_template(TEMPLATE).render(card=card)


def render_model_card(folder: Path) -> str:
    return render_card(card_of(folder))


def write_model_card(folder: Path) -> None:
    (folder / CARD_FILE).write_text(render_model_card(folder))
