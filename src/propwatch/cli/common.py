"""What the commands share: the Typer app, the consoles, and the options that mean the same in
every command (`--db`, `--model`, `--format`, `--out`) and the models `--model` chooses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from propwatch.errors import BadInput

if TYPE_CHECKING:
    from propwatch.pipeline import ModelChoice

app = typer.Typer(
    help="Find propaganda and persuasion techniques in news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)  # long paths and reasons stay on one line

# As in propwatch.store.database (not imported here: SQLAlchemy would slow every command's start).
DEFAULT_URL = "sqlite:///propwatch.db"
URL_VARIABLE = "PROPWATCH_DB"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=URL_VARIABLE,
        help=f"Store URL: sqlite:///FILE.db or postgresql://USER:PASSWORD@HOST/DB "
        f"(default: {DEFAULT_URL}).",
        show_default=False,
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Model folder, or shipped (default: the shipped model).",
        metavar="DIR",
        show_default=False,
    ),
]
SHIPPED_WORD = "shipped"  # --model shipped: the shipped model, wherever it is installed
ModelsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--model",
        help="Model folder (`propwatch train --out`), or shipped (the shipped models); give "
        "--model once per model. Each analyses the languages its config lists, a language two "
        "list going to the one given first; the first also takes languages none lists, with a "
        "warning. Default: the shipped models (English; French, German, Italian, Polish, "
        "Russian).",
        metavar="DIR",
        show_default=False,
    ),
]

MinConfidenceOption = Annotated[
    float | None,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Show only spans from this confidence up: higher for precision, lower for recall "
        "(default: the model's display threshold).",
        show_default=False,
    ),
]


def model_folder(given: Path) -> Path:
    """The folder a --model names: `shipped` is the shipped model's."""
    from propwatch.model.artifact import SHIPPED_MODEL

    return SHIPPED_MODEL if str(given) == SHIPPED_WORD else given


def model_choice(given: list[Path] | None) -> ModelChoice:
    """The models of the --model options given (none, or shipped: the shipped models), checked."""
    from propwatch.model.artifact import SHIPPED_MODELS
    from propwatch.pipeline import ModelChoice

    folders = [
        folder
        for one in given or ()
        for folder in (SHIPPED_MODELS if str(one) == SHIPPED_WORD else (one,))
    ]
    return ModelChoice.of(folders)


def check_format(output_format: str, formats: tuple[str, ...]) -> None:
    """Refuse a --format the command does not write."""
    if output_format not in formats:
        raise BadInput(f"unknown format {output_format!r}; choose {', '.join(formats)}")


def chosen_format(
    given: str | None, out: Path | None, by_extension: dict[str, str], default: str
) -> str:
    """The --format given, else the one --out's extension names (x.json: json), else `default`
    (the view printed when there is no --out)."""
    if given is not None:
        check_format(given, tuple(dict.fromkeys((default, *by_extension.values()))))
        return given
    if out is None:
        return default
    inferred = by_extension.get(out.suffix.lower())
    if inferred is None:
        formats = ", ".join(dict.fromkeys(by_extension.values()))
        raise BadInput(
            f"cannot tell the format of {out.name} from its extension: end it in "
            f"{', '.join(by_extension)} or add --format {formats}"
        )
    return inferred


def progress_bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    )
