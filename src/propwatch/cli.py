"""The `propwatch` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from propwatch.batch.commands import batch_command, stats_command
from propwatch.errors import FetchFailed, ModelMissing, PropwatchError, StoreError, by_kind
from propwatch.scoring import TASKS, Score
from propwatch.web.command import serve

app = typer.Typer(
    help="Find propaganda and persuasion techniques in news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def progress_bar() -> Progress:
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    )


@app.command()
def techniques() -> None:
    """List the 14 techniques the model knows, with definitions."""
    from propwatch.techniques import TECHNIQUES

    table = Table(title="SemEval-2020 Task 11 techniques", show_lines=True)
    for column in ("id", "technique", "definition", "example", "SemEval-2023"):
        table.add_column(column)
    for technique in TECHNIQUES:
        table.add_row(
            technique.id,
            f"[black on {technique.color}] {technique.display_name} [/]\n{technique.name}",
            technique.definition,
            technique.example,
            "\n".join(technique.semeval2023),
        )
    console.print(table)


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
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score predictions with the official SemEval-2020 Task 11 / NLP4IF-2019 formulas."""
    from propwatch.corpus.ptc import read_articles, read_labels
    from propwatch.scoring import evaluate as score

    if task not in TASKS:
        raise PropwatchError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if task == "slc" and articles is None:
        raise PropwatchError("slc needs the article texts; add --articles DIR")
    texts = read_articles(articles) if articles else None
    result = score(task, read_labels(gold, texts), read_labels(pred, texts), texts)
    if as_json:
        console.print_json(json.dumps(result.to_dict()))
    else:
        console.print(_score_table(result))


FORMATS = ("terminal", "json", "html", "ptc")


def _ptc_id(source: str) -> str:
    """The PTC article id for label lines: the <ID> of article<ID>.txt, else the file stem."""
    from propwatch.corpus.ptc import article_id_of

    path = Path(source)
    return article_id_of(path) or (path.stem if source != "-" else "stdin")


@app.command()
def analyze(
    source: Annotated[
        str, typer.Argument(help="A .txt or .html file, an http(s) URL, or - for stdin.")
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="terminal, json, html or ptc.")
    ] = "terminal",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write json, html or ptc output here.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow URLs on loopback or private networks.")
    ] = False,
) -> None:
    """Analyse one article: technique spans, voices, sections and sentence scores."""
    from propwatch import analyze as run_analysis
    from propwatch.corpus.ptc import Label, format_label
    from propwatch.ingest import ingest
    from propwatch.render.html import render_html
    from propwatch.render.json_output import render_json
    from propwatch.render.terminal import render

    if output_format not in FORMATS:
        raise PropwatchError(f"unknown format {output_format!r}; choose {', '.join(FORMATS)}")
    if out is not None and output_format == "terminal":
        raise PropwatchError("--out needs --format json, html or ptc; the terminal view prints")
    with errors.status("Reading the article…"):
        ingested = ingest(source, allow_private=allow_private)
    with errors.status("Analysing…"):
        analysis = run_analysis(ingested.text, url=ingested.url)
    if output_format == "terminal":
        render(analysis, console)
        return
    if output_format == "json":
        document = render_json(analysis) + "\n"
    elif output_format == "html":
        document = render_html(analysis)
    else:
        article_id = _ptc_id(source)
        document = "".join(
            format_label(Label(article_id, span.start, span.end, span.technique), "tc") + "\n"
            for span in analysis.spans
        )
    if out is None:
        sys.stdout.write(document)
    else:
        out.write_text(document, encoding="utf-8")
        errors.print(f"wrote {out}")


@app.command()
def predict(
    articles_dir: Annotated[Path, typer.Argument(help="Folder of PTC article<ID>.txt files.")],
    out: Annotated[Path, typer.Option(help="Where to write the PTC label lines.")],
    spans: Annotated[
        Path | None,
        typer.Option(help="TC template: label the given spans instead of finding spans."),
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Model folder (default: the shipped model).")
    ] = None,
) -> None:
    """Write PTC label lines: joint spans + techniques, or techniques of given spans (--spans)."""
    from propwatch.corpus.ptc import labels_by_article, read_articles, read_labels, save_labels
    from propwatch.model.predict import predict_spans, predict_techniques
    from propwatch.pipeline import load_model

    texts = read_articles(articles_dir)
    template = read_labels(spans, texts) if spans else None
    detector = load_model(model)
    with progress_bar() as bar:
        total = len(labels_by_article(template)) if template is not None else len(texts)
        task = bar.add_task("Predicting", total=total)
        tick = lambda: bar.advance(task)  # noqa: E731
        if template is not None:
            labels = predict_techniques(detector, texts, template, tick)
        else:
            labels = predict_spans(detector, texts, tick)
    save_labels(labels, out, "tc")
    errors.print(f"wrote {len(labels)} labels for {len(texts)} articles to {out}")


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
        from propwatch.training.train import Recipe
        from propwatch.training.train import train as run_training
    except ImportError as missing:
        raise PropwatchError(
            f"training needs the train extra ({missing.name} is missing); "
            "run `make .venv/.train` or `pip install -e .[train]`"
        ) from None
    for split in ("train", "dev"):
        if not (data / split).is_dir():
            raise PropwatchError(f"{data} has no {split}/ folder; give the PTC v2 folder")
    recipe = Recipe(epochs=epochs, seed=seed, max_articles=max_articles, max_steps=max_steps)
    if encoder is not None and not (encoder / "tokenizer.json").is_file():
        raise PropwatchError(f"{encoder} has no tokenizer.json; give a Hugging Face encoder folder")
    if teacher is not None and not (teacher / "config.json").is_file():
        raise PropwatchError(f"{teacher} has no config.json; give a propwatch model folder")
    log = lambda line: errors.print(line, highlight=False)  # noqa: E731
    if folds is not None:
        from propwatch.training.folds import cross_validate

        cross_validate(data, out, recipe, folds, log, encoder, teacher)
        return
    run_training(data, out, recipe, log, encoder, teacher, checkpoints)


app.command("batch")(batch_command)
app.command("stats")(stats_command)
app.command("serve")(serve)


# Each kind of error -> the exit code; an error takes the entry of its nearest class.
EXIT_CODES: dict[type[BaseException], int] = {
    PropwatchError: 2,  # the input, an option or the setup: fix it and run again
    FetchFailed: 3,  # a URL could not be fetched: try again later
    StoreError: 4,  # the store cannot be opened or refused a write
    ModelMissing: 5,  # a model is missing: install it or give another --model
}


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
