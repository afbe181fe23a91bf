"""The `propwatch batch` and `propwatch stats` commands (registered in propwatch.cli)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from propwatch.errors import PropwatchError

if TYPE_CHECKING:
    from propwatch.batch.runner import Engine, RunReport

# As in propwatch.store.database (not imported here: SQLAlchemy would slow every command's start).
DEFAULT_URL = "sqlite:///propwatch.db"
URL_VARIABLE = "PROPWATCH_DB"

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # long paths and reasons stay on one line

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=URL_VARIABLE,
        help=f"Store URL: sqlite:///FILE.db or postgresql://USER:PASSWORD@HOST/DB "
        f"[default: {DEFAULT_URL}].",
        show_default=False,
    ),
]


class RateColumn(ProgressColumn):
    """Articles analysed per second and the time left at that rate (skipped ones are instant)."""

    def render(self, task: Task) -> Text:
        report: RunReport | None = task.fields.get("report")
        if report is None or not report.analysed:
            return Text("starting workers…", style="progress.remaining")
        rate = report.analysed / report.seconds
        left = (task.total or 0) - task.completed
        eta = f"{int(left / rate // 60)}:{int(left / rate % 60):02d}" if rate else "?"
        return Text(f"{rate:.2f} articles/s  ETA {eta}", style="progress.remaining")


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[counts]}"),
        console=errors,
        transient=True,
    )


def _counts(report: RunReport) -> str:
    return f"stored {report.stored} · skipped {report.skipped} · failed {report.failed}"


def _engine(engine: str, workers: int | None, model: Path | None, address: str | None) -> Engine:
    from propwatch.batch.runner import LocalEngine

    if engine == "local":
        return LocalEngine(workers or os.cpu_count() or 1, model)
    if engine == "ray":
        from propwatch.batch.ray_engine import RayEngine

        with errors.status("Connecting to Ray and starting the workers…"):
            return RayEngine(workers, model, address)
    raise PropwatchError(f"unknown engine {engine!r}; choose local or ray")


def batch_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Folders of .txt/.html articles (PTC folders too), .jsonl or .csv files of "
            "records with text, html or url and optional id, outlet (or source), date, title.",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            help="Worker processes [default: all cores].",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="local (this machine) or ray.")] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option(envvar="RAY_ADDRESS", help="Ray cluster to join (default: a local one)."),
    ] = None,
    outlet: Annotated[
        str | None, typer.Option(help="Outlet of the records that name none.")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Model folder (default: the shipped model).")
    ] = None,
) -> None:
    """Analyse a corpus into the store; a rerun skips what is stored and retries what failed."""
    from propwatch.batch.inputs import check_inputs, count_inputs
    from propwatch.batch.runner import RunReport, model_name, run_batch
    from propwatch.store import open_store

    check_inputs(inputs)
    name = model_name(model)
    store = open_store(db)
    report = RunReport()
    try:
        total = count_inputs(inputs)
        runner = _engine(engine, workers, model, ray_address)
        try:
            with _progress() as progress:
                task = progress.add_task("Analysing", total=total, report=None, counts="")

                def show(report: RunReport) -> None:
                    progress.update(
                        task, completed=report.done, report=report, counts=_counts(report)
                    )

                run_batch(
                    inputs, store, runner, name, outlet=outlet, report=report, on_progress=show
                )
        finally:
            runner.close()
    except KeyboardInterrupt:
        errors.print(
            f"interrupted: {_counts(report)}; what is stored stays; "
            "run the same command again to go on"
        )
        raise typer.Exit(130) from None
    finally:
        store.close()
    _summary(report, store.url)


def _summary(report: RunReport, url: str) -> None:
    from propwatch.store.database import display_url

    rate = report.analysed / report.seconds if report.seconds else 0.0
    errors.print(
        f"{_counts(report)} in {report.seconds:.1f} s ({rate:.2f} articles/s) "
        f"into {display_url(url)}",
        highlight=False,
    )
    if report.failed:
        for location, reason in report.failures:
            errors.print(f"  [red]failed[/] {location}: {reason}", highlight=False)
        if report.failed > len(report.failures):
            errors.print(f"  … and {report.failed - len(report.failures)} more", highlight=False)
        errors.print("the failures table of the store lists them all; fix them and rerun")
        raise typer.Exit(1)


def stats_command(
    db: DbOption = None,
    by: Annotated[str, typer.Option(help="outlet, technique or month.")] = "outlet",
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, parquet or html (a dashboard).")
    ] = "table",
    out: Annotated[
        Path | None, typer.Option(help="File to write (needed for parquet and html).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Count this model's analyses [default: the latest].")
    ] = None,
) -> None:
    """Technique rates per 1,000 words, propagandistic sentences, top techniques, trends."""
    from propwatch.store import open_store, stats

    if output_format not in stats.FORMATS:
        raise PropwatchError(f"unknown format {output_format!r}; choose {', '.join(stats.FORMATS)}")
    if output_format in ("parquet", "html") and out is None:
        raise PropwatchError(f"--format {output_format} writes a file; add --out FILE")
    store = open_store(db, create=False)
    try:
        if output_format == "html":
            assert out is not None
            from propwatch.store.dashboard import write_dashboard

            used = write_dashboard(store, out, model)
            errors.print(f"wrote the dashboard of model {used} to {out}", highlight=False)
            return
        used, rows = stats.stats_rows(store, by, model)
    finally:
        store.close()
    _write_rows(rows, output_format, out, f"propwatch statistics by {by} (model {used})", used)


def _write_rows(
    rows: list[dict], output_format: str, out: Path | None, title: str, model: str
) -> None:
    from propwatch.store import stats

    if output_format == "table":
        stats.write_table(rows, console, title)
    elif output_format == "parquet":
        assert out is not None
        stats.write_parquet(rows, out, model)
    elif out is None:
        stats.write_csv(rows, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as file:
            stats.write_csv(rows, file)
    if out is not None:
        errors.print(f"wrote {len(rows)} rows to {out}", highlight=False)
