"""`propwatch predict`: PTC label lines for a folder of PTC articles (FLC, or TC with --spans)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from propwatch.cli.common import (
    MinConfidenceOption,
    ModelOption,
    app,
    errors,
    model_folder,
    progress_bar,
)


@app.command()
def predict(
    articles_dir: Annotated[Path, typer.Argument(help="Folder of PTC article<ID>.txt files.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the PTC label lines.")],
    spans: Annotated[
        Path | None,
        typer.Option(help="TC template: label the given spans instead of finding spans."),
    ] = None,
    model: ModelOption = None,
    min_confidence: MinConfidenceOption = None,
) -> None:
    """Write PTC label lines: joint spans + techniques, or techniques of given spans (--spans)."""
    from propwatch.corpus.ptc import labels_by_article, read_articles, read_labels, save_labels
    from propwatch.model.artifact import load_detector
    from propwatch.model.predict import predict_spans, predict_techniques

    texts = read_articles(articles_dir)
    template = read_labels(spans, texts) if spans else None
    detector = load_detector(model_folder(model) if model else None)
    with progress_bar() as bar:
        total = len(labels_by_article(template)) if template is not None else len(texts)
        task = bar.add_task("Predicting", total=total)
        tick = lambda: bar.advance(task)  # noqa: E731
        if template is not None:
            labels = predict_techniques(detector, texts, template, tick)
        else:
            labels = predict_spans(detector, texts, tick, min_confidence)
    save_labels(labels, out, "tc")
    errors.print(f"wrote {len(labels)} labels for {len(texts)} articles to {out}")
