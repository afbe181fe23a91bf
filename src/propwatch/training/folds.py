"""Cross-validation over all labelled articles (PTC train + dev, and optionally the SemEval-2023
train splits): one model per fold and epoch.

Each article belongs to one fold; the fold's model trains on the other folds' articles, so its
outputs on its own fold are out of fold. Every epoch of every fold model is exported, so that
the number of epochs is chosen out of fold too (`out_of_fold.py` does the scoring). A killed
run resumes: finished folds are skipped, an unfinished one restarts from its checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.corpus.memes import read_memes
from propwatch.corpus.ptc import Label
from propwatch.corpus.semeval2023 import (
    PTC_LANGUAGE,
    TrainingCorpus,
    language_of,
    training_corpus,
)
from propwatch.model.artifact import TOKENIZER_FILE, load_detector
from propwatch.model.windows import WindowTokenizer
from propwatch.training.distil import ensemble_targets, folder_targets
from propwatch.training.examples import WindowExample, corpus_windows, silver_windows
from propwatch.training.loop import Log, Recipe, fit
from propwatch.training.network import SpanHead, TokenTagger
from propwatch.training.silver import bbc_articles
from propwatch.training.train import base_config, encoder_dir, load_split, write_model_folder

PLAN_FILE = "folds.json"
DONE_FILE = "done"


def labelled_corpus(
    data: Path, limit: int | None = None
) -> tuple[dict[str, str], dict[str, list[Label]]]:
    """Every labelled PTC article (train, then dev) and its gold labels."""
    articles: dict[str, str] = {}
    labels: dict[str, list[Label]] = {}
    for split in ("train", "dev"):
        split_articles, split_labels = load_split(data, split, limit)
        articles |= split_articles
        labels |= split_labels
    return articles, labels


def recipe_corpus(data: Path, recipe: Recipe, log: Log = print) -> TrainingCorpus:
    """Every labelled article of the recipe: PTC train and dev, then with `recipe.semeval2023`
    its realigned articles, with their masked regions and official paragraph labels."""
    articles, labels = labelled_corpus(data, recipe.max_articles)
    if not recipe.semeval2023:
        return TrainingCorpus(articles, labels, {}, 0)
    extra = training_corpus(
        Path(recipe.semeval2023), recipe.languages, recipe.unmapped, recipe.max_articles
    )
    log(extra.summary())
    return replace(extra, articles=articles | extra.articles, labels=labels | extra.labels)


def trained_languages(recipe: Recipe) -> tuple[str, ...]:
    """The languages of the recipe's articles: PTC's English, then SemEval-2023's if any."""
    return (PTC_LANGUAGE, *recipe.languages) if recipe.semeval2023 else (PTC_LANGUAGE,)


def assign_folds(article_ids: list[str], folds: int, seed: int) -> dict[str, int]:
    """Articles dealt round-robin into folds after a seeded shuffle of their sorted ids, one
    language after another (PTC's English first), so each fold holds its share of each
    language. PTC alone gets the plan it always had."""
    rng = np.random.default_rng(seed)
    by_language: dict[str, list[str]] = {}
    for article_id in article_ids:
        by_language.setdefault(language_of(article_id), []).append(article_id)
    order = [
        str(article_id)
        for language in sorted(by_language, key=lambda name: (name != PTC_LANGUAGE, name))
        for article_id in rng.permutation(sorted(by_language[language]))
    ]
    return {article_id: i % folds for i, article_id in enumerate(order)}


def fold_plan(work: Path, article_ids: list[str], folds: int, seed: int) -> dict[str, int]:
    """The fold of every article, written once to `work` and checked on every resume."""
    plan = assign_folds(article_ids, folds, seed)
    path = work / PLAN_FILE
    if path.is_file():
        stored = json.loads(path.read_text())
        if stored != plan:
            raise ValueError(f"{path} holds another fold plan; give a fresh --work folder")
    else:
        work.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(plan, indent=1, sort_keys=True) + "\n")
    return plan


ALL = "all"  # the part trained on every labelled article: the model that ships


def fold_folder(work: Path, fold: int | str) -> Path:
    return work / (ALL if fold == ALL else f"fold-{fold}")


def epoch_folder(work: Path, fold: int | str, epoch: int) -> Path:
    return fold_folder(work, fold) / f"epoch-{epoch}"


def cross_validate(
    data: Path,
    work: Path,
    recipe: Recipe,
    folds: int,
    log: Log = print,
    encoder: Path | None = None,
    teacher: Path | None = None,
    silver_teachers: Path | None = None,
    only: Collection[int] | None = None,
) -> dict[str, int]:
    """Train every fold model not yet done, then the model on all articles; returns the plan.

    With `only`, just those fold models: enough to compare two recipes on part of the data in
    less time (the final model needs every fold's choices, so it is left out).

    With `recipe.silver_articles`, each part also trains on that many BBC articles labelled by
    the fold models of an earlier run in `silver_teachers`: fold k's student by fold k's model
    (which never saw fold k), the final model by all of them averaged. With `recipe.memes`,
    every part also trains on the SemEval-2021 memes (`corpus.memes`); scores stay on PTC.
    With `recipe.semeval2023`, its realigned articles are labelled articles like PTC's: they
    are dealt into the folds by language, but scored out of fold only on PTC's.
    """
    source = encoder or encoder_dir()
    tokenizer = WindowTokenizer(source / TOKENIZER_FILE)
    corpus = recipe_corpus(data, recipe, log)
    articles, labels, unlabelled = corpus.articles, corpus.labels, corpus.unlabelled
    plan = fold_plan(work, list(articles), folds, recipe.seed)
    parts: list[int | str] = [*range(folds), ALL] if only is None else sorted(only)
    # the same for every part: read and tokenized once
    memes = meme_windows(tokenizer, Path(recipe.memes), recipe) if recipe.memes else []
    for part in parts:
        done = fold_folder(work, part) / DONE_FILE
        if done.is_file():
            log(f"{fold_folder(work, part).name} is done")
            continue
        train_articles = {a: text for a, text in articles.items() if plan[a] != part}
        teachers = folder_targets(teacher, train_articles)
        examples = corpus_windows(
            tokenizer,
            train_articles,
            labels,
            recipe.seed,
            teachers,
            recipe.teacher_weight,
            recipe.near_misses,
            unlabelled,
        )
        if recipe.silver_articles:
            examples += _silver(tokenizer, recipe, part, _require(silver_teachers), folds)
        examples += memes
        name = fold_folder(work, part).name
        log(f"{name}: {len(train_articles)} articles, {len(examples)} windows")
        hook = partial(_export_epoch, work, part, source, encoder, recipe, log)
        _, _, memo = fit(
            examples, source, recipe, log, hook, fold_folder(work, part) / "checkpoint"
        )
        done.write_text(json.dumps({"training_seconds": memo["training_seconds"]}) + "\n")
    return plan


def meme_windows(tokenizer: WindowTokenizer, folder: Path, recipe: Recipe) -> list[WindowExample]:
    """Windows of the SemEval-2021 memes: gold spans for the span head, token loss weighted."""
    texts, labels = read_memes(folder)
    windows = corpus_windows(tokenizer, texts, labels, recipe.seed, near_misses=recipe.near_misses)
    return [replace(window, weight=recipe.meme_weight) for window in windows]


def _require(folder: Path | None) -> Path:
    if folder is None:
        raise ValueError("silver articles need the fold models of an earlier run as teachers")
    return folder


def _silver(
    tokenizer: WindowTokenizer, recipe: Recipe, part: int | str, teachers: Path, folds: int
) -> list[WindowExample]:
    """Silver windows for one part, labelled by the teacher run's models at its chosen epoch."""
    epoch = json.loads((teachers / "out-of-fold.json").read_text())["final_epoch"]
    members = range(folds) if part == ALL else [part]
    detectors = [load_detector(epoch_folder(teachers, k, epoch)) for k in members]
    articles = bbc_articles(recipe.silver_articles, recipe.seed)
    return silver_windows(
        tokenizer, articles, ensemble_targets(detectors, articles), recipe.silver_weight
    )


def _export_epoch(
    work: Path,
    fold: int | str,
    source: Path,
    encoder: Path | None,
    recipe: Recipe,
    log: Log,
    epoch: int,
    tagger: TokenTagger,
    span_head: SpanHead,
    memo: dict[str, Any],
) -> None:
    """Epoch hook: the fold model as it stands, exported for out-of-fold scoring."""
    folder = epoch_folder(work, fold, epoch)
    provenance = {"fold": fold, "epoch": epoch, "recipe": asdict(recipe)}
    config = base_config(encoder, trained_languages(recipe))
    write_model_folder(tagger, span_head, source, folder, config, provenance)
    log(f"{fold_folder(work, fold).name} epoch {epoch}: wrote {folder}")
