"""`propwatch train`: train the detector on PTC, choose its settings, export int8 ONNX and a card.

With `--folds` (how the shipped model is made): fold models over train + dev, every setting chosen
out of fold, then the model trained on all articles. Without: train on train, select on dev.

Needs the train extra (PyTorch, transformers, onnx); the rest of propwatch never imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from propwatch.cli.common import app, errors
from propwatch.corpus.semeval2023 import (
    LANGUAGES,
    SPANS_FILE,
    UNMAPPED_POLICIES,
    Unmapped,
    parse_languages,
)
from propwatch.errors import BadInput, PropwatchError


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="PTC folder holding train/ and dev/.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder to write the model to (with --folds, none: only scores)."
        ),
    ] = None,
    epochs: Annotated[int, typer.Option(min=1)] = 4,
    seed: Annotated[int, typer.Option()] = 13,
    max_articles: Annotated[
        int | None, typer.Option(help="Use only this many train and dev articles (smoke runs).")
    ] = None,
    max_steps: Annotated[
        int | None, typer.Option(help="Train at most this many steps per epoch.")
    ] = None,
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
            help="Cross-validate over train + dev: fold models, settings chosen out of fold, "
            "then the model on all articles (resumable, in --work).",
        ),
    ] = None,
    work: Annotated[
        Path,
        typer.Option(help="With --folds: folder for the fold models, checkpoints and scores."),
    ] = Path("runs/cv"),
    silver: Annotated[
        int,
        typer.Option(
            min=0,
            help="With --folds: also train on this many BBC News articles labelled by the fold "
            "models in --silver-teachers (`bash scripts/fetch-bbc.sh` first).",
        ),
    ] = 0,
    silver_teachers: Annotated[
        Path | None,
        typer.Option(help="The --work folder of an earlier --folds run.", file_okay=False),
    ] = None,
    only_folds: Annotated[
        str | None,
        typer.Option(
            help="With --folds: train and score only these fold models (for example 0,1), to "
            "compare recipes in less time; nothing ships.",
        ),
    ] = None,
    class_balance: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.99999,
            help="Weight span-head classes by effective number of examples with this beta.",
        ),
    ] = 0.0,
    near_misses: Annotated[
        int,
        typer.Option(
            min=0,
            help="Span examples with shifted edges per gold span, from which the span head "
            "learns how much of a span lies inside gold; 0 for none.",
        ),
    ] = 0,
    memes: Annotated[
        Path | None,
        typer.Option(
            help="With --folds: also train on the meme texts of this SemEval-2021 Task 6 folder "
            "(../shared/data/semeval2021-task6) as extra gold.",
            file_okay=False,
        ),
    ] = None,
    semeval2023: Annotated[
        Path | None,
        typer.Option(
            "--semeval2023",
            help="With --folds: also train on the realigned articles of this SemEval-2023 Task 3 "
            "folder (../shared/data/semeval2023), dealt into the folds by language.",
            file_okay=False,
        ),
    ] = None,
    languages: Annotated[
        str,
        typer.Option(help="With --semeval2023: the languages to add, e.g. fr,de."),
    ] = ",".join(LANGUAGES),
    unmapped: Annotated[
        str,
        typer.Option(
            help="With --semeval2023: the five 2023 techniques without a PTC class are dropped "
            "(their text counts as no span), unlabelled (masked from the loss) or mapped to the "
            "nearest PTC class.",
        ),
    ] = "unlabelled",
) -> None:
    """Train the detector, choose its settings, export int8 ONNX and a model card."""
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
    recipe = Recipe(
        epochs=epochs,
        seed=seed,
        max_articles=max_articles,
        max_steps=max_steps,
        class_balance=class_balance,
        silver_articles=silver,
        near_misses=near_misses,
        memes=None if memes is None else str(memes),
        semeval2023=None if semeval2023 is None else str(semeval2023),
        languages=parse_languages(languages),
        unmapped=_unmapped_policy(unmapped),
    )
    if memes is not None and folds is None:
        raise BadInput("--memes needs --folds")
    if memes is not None and not (memes / "data").is_dir():
        raise BadInput(f"{memes} has no data/ folder; give the SemEval-2021 Task 6 folder")
    if semeval2023 is not None and folds is None:
        raise BadInput("--semeval2023 needs --folds")
    if semeval2023 is not None:
        _check_semeval2023(semeval2023, recipe.languages)
    if silver and (folds is None or silver_teachers is None):
        raise BadInput("--silver needs --folds and --silver-teachers (an earlier --work folder)")
    if silver_teachers is not None and not (silver_teachers / "out-of-fold.json").is_file():
        raise BadInput(
            f"{silver_teachers} holds no out-of-fold.json; give the --work folder of a finished run"
        )
    if encoder is not None and not (encoder / "tokenizer.json").is_file():
        raise BadInput(f"{encoder} has no tokenizer.json; give a Hugging Face encoder folder")
    if teacher is not None and not (teacher / "config.json").is_file():
        raise BadInput(f"{teacher} has no config.json; give a propwatch model folder")
    log = lambda line: errors.print(line, highlight=False)  # noqa: E731
    if folds is not None:
        from propwatch.training.ship import train_cross_validated

        if teacher is not None:
            raise BadInput("--teacher is for single runs; with --folds use --silver-teachers")
        only = _fold_numbers(only_folds, folds)
        train_cross_validated(data, work, out, recipe, folds, log, silver_teachers, encoder, only)
        return
    if only_folds is not None:
        raise BadInput("--only-folds needs --folds")
    if out is None:
        raise BadInput("give --out, the folder to write the model to")
    run_training(data, out, recipe, log, encoder, teacher, checkpoints)


def _fold_numbers(text: str | None, folds: int) -> list[int] | None:
    """The folds of `--only-folds 0,2`, each checked against `--folds`."""
    if text is None:
        return None
    try:
        numbers = sorted({int(part) for part in text.split(",")})
    except ValueError:
        raise BadInput(f"--only-folds takes fold numbers like 0,1, not {text!r}") from None
    if not numbers or numbers[0] < 0 or numbers[-1] >= folds:
        raise BadInput(f"--only-folds must name folds from 0 to {folds - 1}")
    return numbers


def _unmapped_policy(text: str) -> Unmapped:
    for policy in UNMAPPED_POLICIES:
        if text == policy:
            return policy
    raise BadInput(f"--unmapped must be one of {', '.join(UNMAPPED_POLICIES)}, not {text!r}")


def _check_semeval2023(folder: Path, languages: tuple[str, ...]) -> None:
    for language in languages:
        if not (folder / language / SPANS_FILE).is_file():
            raise BadInput(f"{folder} has no {language}/{SPANS_FILE}; give the SemEval-2023 folder")
