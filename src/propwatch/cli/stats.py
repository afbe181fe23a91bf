"""`propwatch stats`: corpus statistics from the store, as a table, CSV, Parquet or a dashboard."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from propwatch.cli.common import DbOption, app, check_format, console, errors
from propwatch.errors import BadInput

if TYPE_CHECKING:
    from propwatch.store.stats import CorpusStats

FORMATS = ("table", "csv", "parquet", "html")


@app.command()
def stats(
    db: DbOption = None,
    by: Annotated[str, typer.Option(help="outlet, technique or month.")] = "outlet",
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, parquet or html (a dashboard).")
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (needed for parquet and html)."),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            help="Count this model's analyses: its folder, or the name they are stored under "
            "(default: the latest).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Technique rates per 1,000 words, propagandistic sentences, top techniques, trends."""
    from propwatch.store import open_store, stats

    check_format(output_format, FORMATS)
    if output_format in ("parquet", "html") and out is None:
        raise BadInput(f"--format {output_format} writes a file; add --out FILE")
    model = _stored_name(model)
    store = open_store(db, create=False)
    try:
        if output_format == "html":
            assert out is not None
            _write_dashboard(stats.corpus_stats(store, model), out)
            return
        used, rows = stats.stats_rows(store, by, model)
    finally:
        store.close()
    _write_rows(rows, output_format, out, f"propwatch statistics by {by} (model {used})", used)


def _stored_name(model: str | None) -> str | None:
    """The name a model's analyses are stored under: read from a model folder, else as given."""
    if model is None or not Path(model).is_dir():
        return model
    from propwatch.batch.runner import model_name

    return model_name(Path(model))


def _write_dashboard(corpus: CorpusStats, out: Path) -> None:
    from propwatch.render.dashboard import render_dashboard

    out.write_text(render_dashboard(corpus), encoding="utf-8")
    errors.print(f"wrote the dashboard of model {corpus.model} to {out}", highlight=False)


def _write_rows(
    rows: list[dict[str, Any]], output_format: str, out: Path | None, title: str, model: str
) -> None:
    from propwatch.render.stats import write_csv, write_parquet, write_table

    if output_format == "table":
        write_table(rows, console, title)
    elif output_format == "parquet":
        assert out is not None
        write_parquet(rows, out, model)
    elif out is None:
        write_csv(rows, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as file:
            write_csv(rows, file)
    if out is not None:
        errors.print(f"wrote {len(rows)} rows to {out}", highlight=False)
