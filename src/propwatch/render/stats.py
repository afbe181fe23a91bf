"""Corpus statistics rows (`propwatch.store.stats.stats_rows`) as a terminal table, CSV or
Parquet; the dashboard is `propwatch.render.dashboard`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

TABLE_COLUMNS = 7  # the per-technique rates are for csv and parquet; a terminal is too narrow


def write_table(rows: list[dict[str, Any]], console: Console, title: str) -> None:
    table = Table(title=title)
    # the display name says it better than the id in a terminal
    columns = [
        c for c in list(rows[0])[:TABLE_COLUMNS] if not (c == "technique" and "name" in rows[0])
    ]
    for column in columns:
        numeric = isinstance(rows[0][column], int | float)
        table.add_column(column.replace("_", " "), justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(Text(_cell(row[column])) for column in columns))  # no markup in names
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def write_csv(rows: list[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_parquet(rows: list[dict[str, Any]], path: Path, model: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows).replace_schema_metadata({"propwatch_model": model})
    pq.write_table(table, path)
