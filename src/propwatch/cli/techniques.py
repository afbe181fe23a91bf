"""`propwatch techniques`: the 14 techniques, their definitions and the SemEval-2023 mapping."""

from __future__ import annotations

from rich.table import Table

from propwatch.cli.common import app, console


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
