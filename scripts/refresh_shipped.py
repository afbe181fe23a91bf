"""Bring a shipped model folder up to date without retraining (its fold runs are not needed).

    nice .venv/bin/python scripts/refresh_shipped.py [MODEL_DIR] [--data ../shared/data/ptc]
        [--evidence]

Converts a version 1 confidence map (isotonic steps) to version 2 (`training/calibration.py`:
`from_steps`), makes the reference figures that reports quote with the folder's own pipeline
(`training/reference.py`; per language too for a model trained on SemEval-2023), and rewrites
the model card. With `--evidence`, it first rebuilds the evidence index from every labelled
article (what a model trained on all of them ships with). A retrain refits the map out of fold.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from propwatch.model.artifact import REFERENCE_FILE, SHIPPED_MODEL, ModelConfig, load_detector
from propwatch.model.calibration import STEPS
from propwatch.training.calibration import from_steps
from propwatch.training.card import write_model_card
from propwatch.training.evidence import build_evidence
from propwatch.training.folds import labelled_corpus
from propwatch.training.reference import write_reference
from propwatch.training.results import CrossValidated, record_of
from propwatch.training.ship import semeval2023_of

ROOT = Path(__file__).resolve().parents[1]


def converted(config: ModelConfig) -> ModelConfig:
    """The config with its step map as version 2, and a note for the card on what that means."""
    calibration = from_steps(config.settings.calibration)
    record = record_of(config.metrics)
    held_out = (
        record.cross_validation.out_of_fold
        if isinstance(record, CrossValidated)
        else record.dev.cross_fitted
    )
    total = sum(row.spans for row in held_out.reliability) if held_out else 0
    note = (
        "The out-of-fold predictions the step map of version 1 was fitted on are not kept, so "
        "`scripts/refresh_shipped.py` converted the stored steps: each step's centre midway "
        "between its first and last raw score, its spans and hits read back as the smallest "
        f"fraction of its hit rate ({sum(calibration.spans):,} spans of the {total:,} held out: "
        "a lower bound, so the shrinkage is if anything stronger than a refit's). The "
        "out-of-fold confidence figures in this card (ECE, the reliability and threshold tables) "
        "were measured with the step map and not re-measured; a retrain refits the new map out "
        "of fold and reports its ECE."
    )
    settings = replace(config.settings, calibration=calibration)
    metrics = replace(record, calibration_converted=note).to_dict()
    return replace(config, settings=settings, metrics=metrics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ptc")
    parser.add_argument("--evidence", action="store_true", help="rebuild the evidence index")
    args = parser.parse_args()
    if args.evidence:
        articles, labels = labelled_corpus(args.data)
        gold = [label for found in labels.values() for label in found]
        build_evidence(load_detector(args.model), articles, gold).save(args.model)
    config = ModelConfig.load(args.model)
    if config.settings.calibration.version == STEPS:
        config = converted(config)
        config.save(args.model)
    recipe = record_of(config.metrics).recipe_used
    write_reference(args.model, args.data, semeval2023_of(recipe))
    write_model_card(args.model)
    print((args.model / REFERENCE_FILE).read_text(encoding="utf-8"), file=sys.stderr)


if __name__ == "__main__":
    main()
