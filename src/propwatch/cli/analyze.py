"""`propwatch analyze`: one article from a file, a URL or stdin, in the terminal or written out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from propwatch.cli.common import (
    MinConfidenceOption,
    ModelsOption,
    app,
    chosen_format,
    console,
    errors,
    model_choice,
)
from propwatch.errors import BadInput

# What --out's extension says when no --format is given
BY_EXTENSION = {".json": "json", ".html": "html", ".htm": "html", ".labels": "ptc"}


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
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="terminal, json, html or ptc (default: terminal, or what --out's extension "
            "says: .json, .html, .labels).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write json, html or ptc output here.")
    ] = None,
    model: ModelsOption = None,
    min_confidence: MinConfidenceOption = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow URLs on loopback or private networks.")
    ] = False,
) -> None:
    """Analyse one article: technique spans, voices, sections and sentence scores."""
    from propwatch.corpus.ptc import Label, format_label
    from propwatch.ingest import ingest
    from propwatch.pipeline import Pipeline
    from propwatch.render.html import render_html
    from propwatch.render.json_output import render_json
    from propwatch.render.terminal import render

    output_format = chosen_format(output_format, out, BY_EXTENSION, "terminal")
    models = model_choice(model)
    if out is not None and output_format == "terminal":
        raise BadInput("--out needs --format json, html or ptc; the terminal view prints")
    with errors.status("Reading the article…"):
        ingested = ingest(source, allow_private=allow_private)
    decoding = ingested.decoding
    if decoding is not None and decoding.replaced_bytes:
        errors.print(
            f"warning: {source}: {decoding.replaced_bytes:,} byte(s) are not valid "
            f"{decoding.encoding} and show as U+FFFD (\ufffd) in the analysed text",
            highlight=False,
            markup=False,
        )
    with errors.status("Analysing…"):
        pipeline = Pipeline.chosen(models)
        analysis = pipeline.analyse(ingested.text, ingested.url, min_confidence, decoding)
    folder = models.folder_of(analysis.model)  # the typical figures of the model that ran
    if output_format == "terminal":
        render(analysis, console, folder)
        return
    if output_format == "json":
        document = render_json(analysis) + "\n"
    elif output_format == "html":
        document = render_html(analysis, model_folder=folder)
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
