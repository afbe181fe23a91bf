"""`propwatch train`: train the detector on PTC, select on dev, export int8 ONNX and a model card.

Needs the train extra (PyTorch, transformers, onnx); the rest of propwatch never imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from propwatch.cli.common import app, errors
from propwatch.errors import BadInput, PropwatchError


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="PTC folder holding train/ and dev/.")],
    out: Annotated[
        Path, typer.Option(help="Folder to write the model to (with --folds: the fold models).")
    ],
    epochs: Annotated[int, typer.Option(min=1)] = 4,
    seed: Annotated[int, typer.Option()] = 13,
    max_articles: Annotated[
        int | None, typer.Option(help="Use only this many train and dev articles (smoke runs).")
    ] = None,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many steps.")] = None,
    encoder: Annotated[
        Path | None,
        typer.Option(
            help="A Hugging Face encoder folder with tokenizer.json (default: all-MiniLM-L6-v2).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    teacher: Annotated[
        Path | None,
        typer.Option(
            help="A propwatch model folder to distil from: its probabilities on train soften "
            "the token targets.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    checkpoints: Annotated[
        Path | None,
        typer.Option(help="Folder for checkpoints: a killed run resumes from the last one."),
    ] = None,
    folds: Annotated[
        int | None,
        typer.Option(
            min=2,
            help="Cross-validate over train + dev instead: one model per fold and epoch in --out, "
            "resumable.",
        ),
    ] = None,
) -> None:
    """Train the detector on PTC train, select on dev, export int8 ONNX and a model card."""
    try:
        from propwatch.training.loop import Recipe
        from propwatch.training.train import train as run_training
    except ImportError as missing:
        raise PropwatchError(
            f"training needs the train extra ({missing.name} is missing); "
            "run `make .venv/.train` or `pip install -e .[train]`"
        ) from None
    for split in ("train", "dev"):
        if not (data / split).is_dir():
            raise BadInput(f"{data} has no {split}/ folder; give the PTC v2 folder")
    recipe = Recipe(epochs=epochs, seed=seed, max_articles=max_articles, max_steps=max_steps)
    if encoder is not None and not (encoder / "tokenizer.json").is_file():
        raise BadInput(f"{encoder} has no tokenizer.json; give a Hugging Face encoder folder")
    if teacher is not None and not (teacher / "config.json").is_file():
        raise BadInput(f"{teacher} has no config.json; give a propwatch model folder")
    log = lambda line: errors.print(line, highlight=False)  # noqa: E731
    if folds is not None:
        from propwatch.training.folds import cross_validate

        cross_validate(data, out, recipe, folds, log, encoder, teacher)
        return
    run_training(data, out, recipe, log, encoder, teacher, checkpoints)
