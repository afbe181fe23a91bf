"""`propwatch batch`: a corpus through the pipeline into the store, resumable, locally or on Ray."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
)
from rich.text import Text

from propwatch.cli.common import (
    DbOption,
    MinConfidenceOption,
    ModelsOption,
    app,
    errors,
    model_choice,
)
from propwatch.errors import BadInput

if TYPE_CHECKING:
    from propwatch.batch.runner import Engine, RunReport
    from propwatch.pipeline import ModelChoice


class RateColumn(ProgressColumn):
    """Articles analysed per second since the first result (model loading left out) and the
    time left at that rate; skipped records are instant and count as done."""

    def render(self, task: Task) -> Text:
        report: RunReport | None = task.fields.get("report")
        rate = report.rate if report is not None else None
        if not rate:
            return Text("starting workers…", style="progress.remaining")
        left = int(((task.total or 0) - task.completed) / rate)
        return Text(f"{rate:.1f}/s ETA {_clock(left)}", style="progress.remaining")


def _clock(seconds: int) -> str:
    """1:05 or 2:01:05."""
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _progress() -> Progress:
    # One line at 80 columns: "Analysing ━━━━━━━━━━━━━━━━━━━━ 1,234/10,000 4.2/s ETA 35:12 2 failed"
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("[red]{task.fields[failed]}"),
        console=errors,
        transient=True,
    )


# Piped or redirected stderr gets a plain line instead of the bar: at most this often, and at
# the end (a log keeps a few lines an hour, a watcher sees that the run moves).
PLAIN_EVERY_SECONDS = 10.0
Show = Callable[["RunReport"], None]


@contextmanager
def _live_progress(total: int) -> Iterator[Show]:
    with _progress() as progress:
        task = progress.add_task("Analysing", total=total, report=None, failed="")

        def show(report: RunReport) -> None:
            failed = f"{report.failed:,} failed" if report.failed else ""
            progress.update(task, completed=report.done, report=report, failed=failed)

        yield show


@contextmanager
def _plain_progress(total: int) -> Iterator[Show]:
    last: float | None = None  # when the last line was written: the first result writes one

    def show(report: RunReport) -> None:
        nonlocal last
        now = time.monotonic()
        if last is None or now - last >= PLAIN_EVERY_SECONDS or report.done == total:
            last = now
            errors.print(_plain_line(report, total), highlight=False, markup=False)

    yield show


def _plain_line(report: RunReport, total: int) -> str:
    """The line "done 1,234 of 10,000 (12%), 4.2 articles/s, 35:12 left; stored 1,200 · …"."""
    share = f" ({report.done / total:.0%})" if total else ""
    rate = report.rate
    speed = (
        f", {rate:.1f} articles/s, {_clock(int((total - report.done) / rate))} left" if rate else ""
    )
    return f"done {report.done:,} of {total:,}{share}{speed}; {_counts(report)}"


def _counts(report: RunReport) -> str:
    return f"stored {report.stored} · skipped {report.skipped} · failed {report.failed}"


def _engine(
    engine: str,
    workers: int | None,
    models: ModelChoice,
    address: str | None,
    min_confidence: float | None,
) -> Engine:
    from propwatch.batch.runner import LocalEngine

    if engine == "local":
        return LocalEngine(workers or os.cpu_count() or 1, models, min_confidence)
    if engine == "ray":
        from propwatch.batch.ray_engine import RayEngine

        with errors.status("Connecting to Ray and starting the workers…"):
            return RayEngine(workers, models, address, min_confidence)
    raise BadInput(f"unknown engine {engine!r}; choose local or ray")


@app.command()
def batch(
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
            help=f"Worker processes (default: all cores, {os.cpu_count() or 1} here).",
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
    model: ModelsOption = None,
    min_confidence: MinConfidenceOption = None,
) -> None:
    """Analyse a corpus into the store; a rerun skips what is stored and retries what failed."""
    from propwatch.batch.inputs import check_inputs, count_inputs
    from propwatch.batch.runner import RunReport, run_batch
    from propwatch.store import open_store

    check_inputs(inputs)
    models = model_choice(model)
    store = open_store(db)
    report = RunReport()
    try:
        total = count_inputs(inputs)
        runner = _engine(engine, workers, models, ray_address, min_confidence)
        progress = _live_progress if errors.is_terminal else _plain_progress
        try:
            with progress(total) as show:
                run_batch(
                    inputs, store, runner, models, outlet=outlet, report=report, on_progress=show
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
