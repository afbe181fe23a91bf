"""`propwatch evaluate`: score predictions with the official SemEval-2020 Task 11 formulas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from propwatch.cli.common import app, check_format, console
from propwatch.errors import BadInput
from propwatch.scoring import TASKS, Score

FORMATS = ("table", "json")


def _score_table(score: Score) -> Table:
    table = Table(title=f"{score.task.upper()}  F1 {score.f1:.4f}")
    for column in ("", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("overall", f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.4f}", "")
    for name, prf in score.per_technique.items():
        table.add_row(
            name, f"{prf.precision:.4f}", f"{prf.recall:.4f}", f"{prf.f1:.4f}", str(prf.support)
        )
    return table


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option(help="Gold PTC label file or folder.")],
    pred: Annotated[Path, typer.Option(help="Predicted PTC label file or folder.")],
    articles: Annotated[
        Path | None, typer.Option(help="Folder of article<ID>.txt (needed for slc).")
    ] = None,
    task: Annotated[str, typer.Option(help="si, tc, flc or slc.")] = "si",
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Score predictions with the official SemEval-2020 Task 11 / NLP4IF-2019 formulas."""
    from propwatch.corpus.ptc import read_articles, read_labels
    from propwatch.scoring import evaluate as score

    check_format(output_format, FORMATS)
    if task not in TASKS:
        raise BadInput(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if task == "slc" and articles is None:
        raise BadInput("slc needs the article texts; add --articles DIR")
    texts = read_articles(articles) if articles else None
    result = score(task, read_labels(gold, texts), read_labels(pred, texts), texts)
    if output_format == "json":
        console.print_json(json.dumps(result.to_dict()))
    else:
        console.print(_score_table(result))
