"""What a typical news article scores, for reports to compare an article with.

Spans per 1,000 words over the PTC dev articles, found by the model folder's own pipeline at its
display threshold (and the annotators' gold spans, for comparison), written into the folder as
`reference.json` whenever a model folder is made (shipped, or trained and selected on dev):
reports quote the model they were made with, never another one. The shipped model learnt from
dev too, so its figures are in-sample: a reference for what the model reports on such articles,
not a measure of its accuracy.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from propwatch.article import per_1000_words
from propwatch.corpus.ptc import Label, labels_by_article, read_articles, read_labels
from propwatch.model.artifact import REFERENCE_FILE
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


def reference(model: Path, data: Path) -> dict[str, Any]:
    """The reference figures of the model folder `model` over PTC dev under `data`."""
    articles = read_articles(data / SPLIT / f"{SPLIT}-articles")
    labels = read_labels(data / SPLIT / f"{SPLIT}-task-flc-tc.labels", articles)
    return figures(model, articles, labels)


def figures(model: Path, articles: dict[str, str], labels: Sequence[Label]) -> dict[str, Any]:
    """The reference figures of the model folder `model` over the dev `articles` and their gold
    `labels`."""
    gold = labels_by_article(labels)
    pipeline = Pipeline.load(model)
    annotators = [
        per_1000_words(len(gold.get(article_id, [])), len(text.split()))
        for article_id, text in sorted(articles.items())
    ]
    return {
        "corpus": f"PTC {SPLIT} ({len(articles)} articles)",
        "model": pipeline.model,
        "min_confidence": pipeline.min_confidence,
        "model_density": quartiles(densities(pipeline, articles)),
        "annotator_density": quartiles(annotators),
        "note": "made when the model shipped, by its own pipeline; in-sample if it learnt from dev",
    }


def write_reference(model: Path, data: Path) -> None:
    save_reference(model, reference(model, data))


def save_reference(model: Path, made: dict[str, Any]) -> None:
    """Reference figures `made` into the model folder `model`, where reports read them."""
    (model / REFERENCE_FILE).write_text(json.dumps(made, indent=2) + "\n", encoding="utf-8")
