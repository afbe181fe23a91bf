"""Corpus statistics (`propwatch.statistics.summary`) as a terminal table, CSV or Parquet;
comparisons and drill-down lists; the dashboard is `propwatch.render.dashboard`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from propwatch.render import ratio_text
from propwatch.statistics.correction import DetectorError
from propwatch.statistics.estimates import Comparison
from propwatch.statistics.intervals import MIN_ARTICLES

# What a terminal shows of a row (the per-technique rates are for CSV and Parquet): a column, or
# a rate shown with the interval in its _low and _high columns.
TABLE_COLUMNS = (
    "topic", "outlet", "month", "language", "name", "id", "title", "date", "articles",
    "spans_per_1000_words", "corrected_per_1000_words", "technique_per_1000_words",
    "propaganda_sentence_share", "model_precision", "model_recall",
)  # fmt: skip
ARTICLE_COLUMNS = ("title", "outlet", "date", "per_1000_words", "technique_per_1000_words")
WITH_INTERVAL = ("spans_per_1000_words", "corrected_per_1000_words")
HEADINGS = {
    "spans_per_1000_words": "rate (95% CI)",
    "corrected_per_1000_words": "corrected (95% CI)",
    "per_1000_words": "rate",
    "technique_per_1000_words": "technique rate",
    "propaganda_sentence_share": "sentences",
    "model_precision": "P",
    "model_recall": "R",
}
FEW = "*"


def write_table(
    rows: list[dict[str, Any]],
    console: Console,
    title: str,
    notes: list[str],
    shown: tuple[str, ...] = TABLE_COLUMNS,
) -> None:
    if not rows:
        console.print(f"{title}: no articles")
        return
    table = Table(title=title, caption="\n".join(notes) or None, caption_justify="left")
    columns = [c for c in shown if c in rows[0] and _shown(c, rows)]
    for column in columns:
        numeric = isinstance(rows[0][column], int | float) or column.endswith("1000_words")
        heading = HEADINGS.get(column, column.replace("_", " "))
        table.add_column(
            heading,
            justify="right" if numeric else "left",
            no_wrap=column in WITH_INTERVAL,
        )
    for row in rows:
        cells = [Text(_cell(row, column)) for column in columns]  # Text: no markup in names
        if row.get("too_few_articles"):
            cells[0].append(FEW)
        table.add_row(*cells)
    console.print(table)


def _shown(column: str, rows: list[dict[str, Any]]) -> bool:
    """A column with no value at all (no corrected rates, say) is left out."""
    return any(row[column] is not None for row in rows)


def _cell(row: dict[str, Any], column: str) -> str:
    value = row[column]
    if value is None:
        return "n/a"
    if f"{column}_low" in row:
        low, high = row[f"{column}_low"], row[f"{column}_high"]
        return f"{value:.2f} ({low:.2f}\u2013{high:.2f})" if low is not None else f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.1%}" if column.endswith("share") else f"{value:.3f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table_notes(
    rows: list[dict[str, Any]], error: DetectorError | None, several_models: bool = False
) -> list[str]:
    """What a reader needs to read the table: the few-articles mark and the correction's source
    (none when `several_models` are counted: each has its own error)."""
    legend = "rate: technique spans per 1,000 words; sentences: share holding a technique"
    if any(row.get("model_precision") is not None for row in rows):
        legend += "; P, R: the model's out-of-fold precision and recall"
    notes = [legend]
    if any(row.get("too_few_articles") for row in rows):
        notes.append(f"{FEW} fewer than {MIN_ARTICLES} articles: too few to conclude from")
    notes.append("95% intervals: bootstrap over articles (1,000 replicates)")
    if several_models:
        notes.append(
            "corrected rates: n/a (each language's model has its own error; name one with "
            "--model for its corrected rates)"
        )
    elif error is None:
        notes.append("corrected rates: n/a (no out-of-fold precision and recall for this model)")
    else:
        notes.append(f"corrected = raw x precision / recall, from {error.describe()}")
    return notes


def comparison_line(comparison: Comparison, what: str) -> str:
    """The line "A vs B: ratio 1.39 (95% CI 0.85 to 2.30)" and what it means."""
    ratio = comparison.ratio
    (a_articles, b_articles), (a_rate, b_rate) = comparison.articles, comparison.values
    line = (
        f"{comparison.a} vs {comparison.b} ({what}): {a_rate:.2f} vs {b_rate:.2f} per 1,000 "
        f"words, from {a_articles:,} and {b_articles:,} articles; ratio {ratio_text(ratio.value)} "
        f"(95% CI {ratio_text(ratio.low)}\u2013{ratio_text(ratio.high)})"
    )
    if comparison.clear:
        verdict = "The interval leaves out 1: a difference beyond chance"
    else:
        verdict = "The interval holds 1: no clear difference"
    if comparison.few:
        verdict += f"; fewer than {MIN_ARTICLES} articles on one side: too few to conclude"
    return (
        f"{line}. {verdict}. The detector's error scales both rates alike, so the ratio of "
        "corrected rates is the same."
    )


def write_csv(rows: list[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_parquet(rows: list[dict[str, Any]], path: Path, metadata: dict[str, str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows).replace_schema_metadata(metadata)
    pq.write_table(table, path)
