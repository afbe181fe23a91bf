"""What a typical news article scores, for reports to compare an article with.

Spans per 1,000 words over the PTC dev articles, found by the model folder's own pipeline at its
display threshold (and the annotators' gold spans, for comparison), written into the folder as
`reference.json` whenever a model folder is made (shipped, or trained and selected on dev):
reports quote the model they were made with, never another one. A model trained on other
languages gets the same figures for each, over that language's SemEval-2023 train articles
(`languages`), so that a German article is compared with German ones. The shipped models learnt
from these articles too, so the figures are in-sample: a reference for what the model reports on
such articles, not a measure of its accuracy.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from propwatch.article import per_1000_words
from propwatch.corpus.ptc import Label, labels_by_article, read_articles, read_labels
from propwatch.corpus.semeval2023 import PTC_LANGUAGE, training_corpus
from propwatch.language import language_name
from propwatch.model.artifact import REFERENCE_FILE, ModelConfig
from propwatch.pipeline import Pipeline

SPLIT = "dev"


def quartiles(values: list[float]) -> dict[str, float]:
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return {"q1": round(low, 2), "median": round(median, 2), "q3": round(high, 2)}


def densities(pipeline: Pipeline, articles: dict[str, str]) -> list[float]:
    """The pipeline's spans per 1,000 words in each article, in article id order."""
    return [
        per_1000_words(len(pipeline.analyse(text).spans), len(text.split()))
        for _, text in sorted(articles.items())
    ]


def reference(model: Path, data: Path, semeval2023: Path | None = None) -> dict[str, Any]:
    """The reference figures of the model folder `model` over PTC dev under `data`, and over
    the SemEval-2023 train articles under `semeval2023` of each other language it lists."""
    articles = read_articles(data / SPLIT / f"{SPLIT}-articles")
    labels = read_labels(data / SPLIT / f"{SPLIT}-task-flc-tc.labels", articles)
    made = figures(model, articles, labels)
    others = [code for code in ModelConfig.load(model).languages if code != PTC_LANGUAGE]
    if semeval2023 is not None and others:
        pipeline = Pipeline.load(model)
        made["languages"] = {code: language_figures(pipeline, semeval2023, code) for code in others}
    return made


def figures(model: Path, articles: dict[str, str], labels: Sequence[Label]) -> dict[str, Any]:
    """The reference figures of the model folder `model` over the dev `articles` and their gold
    `labels`."""
    pipeline = Pipeline.load(model)
    return {
        "corpus": f"PTC {SPLIT} ({len(articles)} articles)",
        "model": pipeline.model,
        "min_confidence": pipeline.min_confidence,
        **densities_of(pipeline, articles, labels_by_article(labels)),
        "note": "made when the model shipped, by its own pipeline; in-sample if it learnt from dev",
    }


def language_figures(pipeline: Pipeline, root: Path, language: str) -> dict[str, Any]:
    """The figures over one language's SemEval-2023 train articles (gold: spans in PTC's
    classes, realigned), at the model's display threshold for that language."""
    corpus = training_corpus(root, [language], "drop")
    return {
        "corpus": f"SemEval-2023 {language_name(language)} train ({len(corpus.articles)} articles)",
        "min_confidence": pipeline.detector.settings.display_floor(language),
        **densities_of(pipeline, corpus.articles, corpus.labels),
    }


def densities_of(
    pipeline: Pipeline, articles: dict[str, str], gold: Mapping[str, Sequence[Label]]
) -> dict[str, Any]:
    """The quartiles of the pipeline's and of the annotators' spans per 1,000 words."""
    annotators = [
        per_1000_words(len(gold.get(article_id, [])), len(text.split()))
        for article_id, text in sorted(articles.items())
    ]
    return {
        "model_density": quartiles(densities(pipeline, articles)),
        "annotator_density": quartiles(annotators),
    }


def write_reference(model: Path, data: Path, semeval2023: Path | None = None) -> None:
    save_reference(model, reference(model, data, semeval2023))


def save_reference(model: Path, made: dict[str, Any]) -> None:
    """Reference figures `made` into the model folder `model`, where reports read them."""
    (model / REFERENCE_FILE).write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
