"""`propwatch stats`: corpus statistics from the store, as a table, CSV, Parquet or a dashboard;
comparisons of two groups; the articles behind a rate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from propwatch.cli.common import DbOption, app, chosen_format, console, errors, model_folder
from propwatch.errors import BadInput

if TYPE_CHECKING:
    from propwatch.statistics.drill import Drill
    from propwatch.store.database import Store

# What --out's extension says when no --format is given
BY_EXTENSION = {".csv": "csv", ".parquet": "parquet", ".html": "html", ".htm": "html"}
SHOWN_ARTICLES = 50  # in a terminal table; CSV and Parquet hold them all
ModelNames = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        help="Count this model's analyses: its folder (shipped: the shipped model's), or the "
        "name they are stored under; give "
        "--model once per model, and each language counts the first that analysed it (default: "
        "each language's latest model). One model's folder also gives the corrected rates.",
        metavar="NAME|DIR",
        show_default=False,
    ),
]


@app.command()
def stats(
    db: DbOption = None,
    by: Annotated[
        str, typer.Option(help="outlet, technique, month, topic, topic_outlet or language.")
    ] = "outlet",
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, csv, parquet or html, a dashboard (default: table, or what --out's "
            "extension says: .csv, .parquet, .html).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (needed for parquet and html)."),
    ] = None,
    model: ModelNames = None,
    topics: Annotated[
        int | None,
        typer.Option(
            min=2,
            help="Cluster the articles into this many topics (default: 1 per 25 articles).",
            show_default=False,
        ),
    ] = None,
    compare: Annotated[
        list[str] | None,
        typer.Option(
            help="Compare two groups of --by: --compare A --compare B (--technique: its rate).",
            show_default=False,
        ),
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="List this outlet's articles.")] = None,
    topic: Annotated[str | None, typer.Option(help="List this topic's articles.")] = None,
    technique: Annotated[
        str | None,
        typer.Option(help="List the articles holding this technique (with --compare: its rate)."),
    ] = None,
    reports: Annotated[
        bool, typer.Option(help="With html: write each article's report next to the dashboard.")
    ] = True,
) -> None:
    """Technique rates per 1,000 words with 95% intervals, raw and corrected for the model's
    error; by outlet, month, topic, language or technique; comparisons; the articles behind a
    rate."""
    from propwatch.statistics.drill import Drill
    from propwatch.store import open_store

    output_format = chosen_format(output_format, out, BY_EXTENSION, "table")
    if output_format == "table" and out is not None:
        raise BadInput("--out needs --format csv, parquet or html; the table prints")
    if output_format in ("parquet", "html") and out is None:
        raise BadInput(f"--format {output_format} writes a file; add --out FILE")
    if out is not None and not out.resolve().parent.is_dir():
        raise BadInput(f"{out.resolve().parent} does not exist; create it or give another --out")
    if compare is not None and len(compare) != 2:
        raise BadInput("--compare takes two groups: --compare A --compare B")
    folders = [model_folder(Path(given)) for given in model or ()]
    names = [
        _stored_name(given, folder) for given, folder in zip(model or (), folders, strict=True)
    ]
    folder = folders[0] if len(folders) == 1 and folders[0].is_dir() else None
    store = open_store(db, create=False)
    try:
        if compare is not None:
            _compare(store, names, by, (compare[0], compare[1]), technique)
        elif drill := Drill(outlet, topic, technique):
            _drill(store, names, drill, output_format, out)
        elif output_format == "html":
            assert out is not None
            _write_dashboard(store, names, folder, topics, by, out, reports)
        else:
            _write_stats(store, names, folder, by, topics, output_format, out)
    finally:
        store.close()


def _stored_name(given: str, folder: Path) -> str:
    """The name a model's analyses are stored under: read from its folder, else as given."""
    if not folder.is_dir():
        return given
    from propwatch.pipeline import ModelChoice

    return ModelChoice.of([folder]).names[0]


def _write_stats(
    store: Store,
    models: list[str],
    folder: Path | None,
    by: str,
    topics: int | None,
    output_format: str,
    out: Path | None,
) -> None:
    from propwatch.render.stats import table_notes
    from propwatch.statistics.summary import stats_table

    table = stats_table(store, by, models, folder, topics)
    metadata = {"propwatch_model": table.model}
    if table.error:
        metadata["propwatch_correction"] = table.error.describe()
    title = f"propwatch statistics by {by} (model {table.model})"
    _write_rows(
        table.rows,
        output_format,
        out,
        title,
        metadata,
        table_notes(table.rows, table.error, table.counted.single is None),
    )


def _compare(
    store: Store, models: list[str], by: str, groups: tuple[str, str], technique: str | None
) -> None:
    from propwatch.render.stats import comparison_line
    from propwatch.statistics.correction import ALL
    from propwatch.statistics.estimates import compare
    from propwatch.statistics.stats import article_table, choose_model
    from propwatch.statistics.topics import ensure_topics
    from propwatch.techniques import lookup

    if by not in ("outlet", "month", "topic", "language"):
        raise BadInput(
            "--compare compares two outlets, months, topics or languages: "
            "--by outlet, month, topic or language"
        )
    if by == "topic":
        ensure_topics(store)
    column = lookup(technique).id if technique else ALL
    table = article_table(store, choose_model(store, models))
    result = compare(table, by, (groups[0],), (groups[1],), column)
    what = lookup(technique).display_name if technique else "all techniques"
    console.print(comparison_line(result, what), highlight=False, markup=False)


def _drill(
    store: Store, models: list[str], drill: Drill, output_format: str, out: Path | None
) -> None:
    from propwatch.render.stats import ARTICLE_COLUMNS
    from propwatch.statistics.drill import articles_of
    from propwatch.statistics.stats import choose_model

    if output_format == "html":
        raise BadInput("--outlet, --topic and --technique list articles: use table, csv or parquet")
    counted = choose_model(store, models)
    rows = articles_of(store, counted, drill)
    used = counted.name
    if not rows:
        raise BadInput(f"no article of {drill.describe()} in the store (model {used})")
    notes = []
    if output_format == "table" and len(rows) > SHOWN_ARTICLES:
        notes.append(f"… and {len(rows) - SHOWN_ARTICLES:,} more: --format csv lists them all")
        rows = rows[:SHOWN_ARTICLES]
    title = f"articles of {drill.describe()} (model {used}), most propagandistic first"
    _write_rows(rows, output_format, out, title, {"propwatch_model": used}, notes, ARTICLE_COLUMNS)


def _write_dashboard(
    store: Store,
    models: list[str],
    folder: Path | None,
    topics: int | None,
    by: str,
    out: Path,
    reports: bool,
) -> None:
    from propwatch.render.dashboard import GROUPINGS, render_dashboard, static_links
    from propwatch.statistics.summary import corpus_stats
    from propwatch.web.reports import write_reports

    if by not in GROUPINGS:
        raise BadInput(
            "the dashboard compares outlets, months, topics or languages: "
            "--by outlet, month, topic or language"
        )
    corpus = corpus_stats(store, models, folder, topics)
    if by == "topic" and not corpus.topics:
        raise BadInput("too few articles or words to find topics; use --by outlet or month")
    links = static_links(f"{out.stem}-reports/" if reports else None)
    out.write_text(render_dashboard(store, corpus, links, by), encoding="utf-8")
    errors.print(f"wrote the dashboard of model {corpus.model} to {out}", highlight=False)
    if reports:
        folder_out = out.with_name(f"{out.stem}-reports")
        written = write_reports(store, corpus.counted, folder_out, folder)
        errors.print(f"wrote {written:,} article reports to {folder_out}", highlight=False)


def _write_rows(
    rows: list[dict[str, Any]],
    output_format: str,
    out: Path | None,
    title: str,
    metadata: dict[str, str],
    notes: list[str],
    shown: tuple[str, ...] | None = None,
) -> None:
    from propwatch.render.stats import TABLE_COLUMNS, write_csv, write_parquet, write_table

    if output_format == "table":
        write_table(rows, console, title, notes, shown or TABLE_COLUMNS)
    elif output_format == "parquet":
        assert out is not None
        write_parquet(rows, out, metadata)
    elif out is None:
        write_csv(rows, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as file:
            write_csv(rows, file)
    if out is not None:
        errors.print(f"wrote {len(rows)} rows to {out}", highlight=False)
