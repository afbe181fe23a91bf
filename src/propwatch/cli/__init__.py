"""The `propwatch` command line: one module per command, as spaCy's CLI has it.

`common` holds the Typer app and the options every command shares; each command module adds its
command to the app when imported. `main` is the entry point (`propwatch = "propwatch.cli:main"`).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from propwatch.cli import analyze, batch, evaluate, predict, serve, stats, techniques, train
from propwatch.cli.common import app, console, errors
from propwatch.errors import FetchFailed, ModelMissing, PropwatchError, StoreError, by_kind
from propwatch.version import __version__

__all__ = ["EXIT_CODES", "app", "main"]
# Each command module adds its command to the app when imported.
COMMANDS = (analyze, batch, evaluate, predict, serve, stats, techniques, train)

# Each kind of error -> the exit code; an error takes the entry of its nearest class.
EXIT_CODES: dict[type[BaseException], int] = {
    PropwatchError: 2,  # the input, an option or the setup: fix it and run again
    FetchFailed: 3,  # a URL could not be fetched: try again later
    StoreError: 4,  # the store cannot be opened or refused a write
    ModelMissing: 5,  # a model is missing: install it or give another --model
}


def _print_version(wanted: bool) -> None:
    if wanted:
        console.print(f"propwatch {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Find propaganda and persuasion techniques in news articles."""


def main() -> None:
    """Entry point: user errors become one line on stderr and an exit code, never a traceback."""
    try:
        app()
    except PropwatchError as error:
        errors.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        sys.exit(by_kind(EXIT_CODES, error, 2))
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
