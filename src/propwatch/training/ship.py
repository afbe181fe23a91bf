"""The model that ships, from a cross-validation folder.

The model trained on every labelled article, at the epoch the fold models chose, with every
setting tuned on the fold models' out-of-fold predictions (`out_of_fold.py`), its scores the
out-of-fold ones, and its card.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from propwatch.model.artifact import (
    CONFIG_FILE,
    ENCODER_FILE,
    SPAN_HEAD_FILE,
    TOKENIZER_FILE,
    ModelConfig,
    load_detector,
    settings_from_dict,
)
from propwatch.model.chooser import CHOOSER_FILE
from propwatch.training.card import write_model_card
from propwatch.training.evidence import build_evidence
from propwatch.training.folds import (
    ALL,
    DONE_FILE,
    PLAN_FILE,
    cross_validate,
    epoch_folder,
    fold_folder,
    recipe_corpus,
    trained_languages,
)
from propwatch.training.loop import Log, Recipe
from propwatch.training.out_of_fold import REPORT_FILE, out_of_fold
from propwatch.training.reference import write_reference
from propwatch.training.results import CrossValidated, CrossValidation, ShippedFold, record_of
from propwatch.training.train import describe_encoder, encoder_dir

WEIGHTS = (ENCODER_FILE, SPAN_HEAD_FILE, TOKENIZER_FILE)


def training_minutes(work: Path, part: str = "*") -> float:
    """CPU-machine minutes of the recipe's parts in `work` matching `part` (default: all of
    them, the fold models and the final one)."""
    seconds = sum(
        float(json.loads(done.read_text())["training_seconds"])
        for done in work.glob(f"{part}/{DONE_FILE}")
    )
    return round(seconds / 60, 1)


def ship(
    work: Path,
    report: dict[str, Any],
    out: Path,
    data: Path,
    encoder: Path | None = None,
    silver_teachers: Path | None = None,
    recipe: Recipe | None = None,
) -> None:
    """Write the final model folder to `out`: weights, the span chooser and config with the
    chosen settings, the evidence index of the recipe's labelled articles (every language's),
    the reference figures that reports quote, card."""
    epoch = report["final_epoch"]
    source = epoch_folder(work, ALL, epoch)
    if not (source / CONFIG_FILE).is_file():
        raise FileNotFoundError(f"{source} is missing; train the model on all articles first")
    out.mkdir(parents=True, exist_ok=True)
    for name in WEIGHTS:
        shutil.copy(source / name, out / name)
    trained = ModelConfig.load(source)
    record = CrossValidated(
        recipe=trained.metrics["recipe"],
        selected_epoch=epoch,
        training_minutes=training_minutes(work),
        encoder=describe_encoder(encoder or encoder_dir(), default=encoder is None),
        data=str(data),
        cpu_cores=os.cpu_count(),
        cross_validation=cross_validation(report),
        teacher_minutes=None if silver_teachers is None else training_minutes(silver_teachers),
    )
    write_selection(work, report, out, trained, record)
    plan = json.loads((work / PLAN_FILE).read_text())
    finish(out, data, recipe or Recipe(), plan)


def ship_fold(
    work: Path,
    fold: int,
    halves: Path,
    out: Path,
    data: Path,
    encoder: Path | None = None,
) -> None:
    """Write fold `fold`'s model of the cross-validation `work` to `out`, before the model on
    all articles exists: its settings and scores those that `scripts/score_one_fold.py` chose
    and measured on its held-out articles in `halves` (each half tuned on the other)."""
    report = json.loads((halves / REPORT_FILE).read_text())
    source = epoch_folder(work, fold, report["final_epoch"])
    if not (source / CONFIG_FILE).is_file():
        raise FileNotFoundError(f"{source} is missing; train fold {fold} first")
    out.mkdir(parents=True, exist_ok=True)
    for name in WEIGHTS:
        shutil.copy(source / name, out / name)
    trained = ModelConfig.load(source)
    plan: dict[str, int] = json.loads((work / PLAN_FILE).read_text())
    record = CrossValidated(
        recipe=trained.metrics["recipe"],
        selected_epoch=report["final_epoch"],
        training_minutes=training_minutes(work, fold_folder(work, fold).name),
        encoder=describe_encoder(encoder or encoder_dir(), default=encoder is None),
        data=str(data),
        cpu_cores=os.cpu_count(),
        cross_validation=cross_validation(report),
        shipped_fold=ShippedFold(
            fold=fold,
            folds=max(plan.values()) + 1,
            trained_articles=sum(1 for k in plan.values() if k != fold),
        ),
    )
    recipe = record.recipe_used
    languages = replace(trained, languages=trained_languages(recipe))
    write_selection(halves, report, out, languages, record)
    finish(out, data, recipe, plan)


def finish(out: Path, data: Path, recipe: Recipe, articles: Collection[str]) -> None:
    """The model folder's evidence index (the gold fragments of `articles`), the reference
    figures that reports quote, and its card."""
    corpus = recipe_corpus(data, recipe, log=lambda _: None)
    gold = [label for article_id in articles for label in corpus.labels.get(article_id, [])]
    build_evidence(load_detector(out), corpus.articles, gold).save(out)
    write_reference(out, data, semeval2023_of(recipe))
    write_model_card(out)


def semeval2023_of(recipe: Recipe) -> Path | None:
    """The SemEval-2023 folder the recipe trained on, if any."""
    return Path(recipe.semeval2023) if recipe.semeval2023 else None


def cross_validation(report: dict[str, Any]) -> CrossValidation:
    """The typed out-of-fold figures of an `out_of_fold` report (its settings go to the config)."""
    return CrossValidation(**{k: v for k, v in report.items() if k != "final_settings"})


def write_selection(
    work: Path, report: dict[str, Any], out: Path, config: ModelConfig, record: CrossValidated
) -> None:
    """The chooser, settings and out-of-fold figures of `work` into the model folder `out`."""
    shutil.copy(work / CHOOSER_FILE, out / CHOOSER_FILE)
    settings = settings_from_dict(report["final_settings"])
    replace(config, settings=settings, metrics=record.to_dict()).save(out)


def adopt_selection(work: Path, out: Path, data: Path) -> None:
    """Re-apply the out-of-fold selection of `work` to a model folder trained by the same recipe,
    keeping its weights, evidence and training provenance: for a change to selection (decoding,
    span choice, corrections) that needs no retraining. The reference figures are made anew."""
    report = json.loads((work / REPORT_FILE).read_text())
    config = ModelConfig.load(out)
    record = record_of(config.metrics)
    if not isinstance(record, CrossValidated):
        raise ValueError(f"{out} was selected on dev, not out of fold; retrain it with --folds")
    cross = cross_validation(report)
    write_selection(work, report, out, config, replace(record, cross_validation=cross))
    write_reference(out, data, semeval2023_of(record.recipe_used))
    write_model_card(out)


def train_cross_validated(
    data: Path,
    work: Path,
    out: Path | None,
    recipe: Recipe,
    folds: int,
    log: Log = print,
    silver_teachers: Path | None = None,
    encoder: Path | None = None,
    only: Collection[int] | None = None,
) -> dict[str, Any]:
    """The whole recipe, resumable: fold models and the final one, out-of-fold selection, ship.

    With `only` (some folds) or no `out`, it stops at the out-of-fold scores: a comparison.
    """
    cross_validate(
        data, work, recipe, folds, log, encoder, silver_teachers=silver_teachers, only=only
    )
    report = out_of_fold(data, work, log, only, recipe)
    if out is None or only is not None:
        log(f"out of fold over {report['articles']} articles: {json.dumps(report['per_epoch'])}")
        log(f"each language at the chosen epochs: {json.dumps(report['per_language'])}")
        return report
    ship(work, report, out, data, encoder, silver_teachers, recipe)
    log(f"wrote {out}: out of fold {json.dumps(report['per_epoch'][report['final_epoch']])}")
    return report
