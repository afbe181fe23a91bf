"""Two cross-validation runs side by side, by their out-of-fold scores.

    .venv/bin/python scripts/compare_runs.py runs/base01 runs/silver800

Each folder is a `propwatch train --folds --work` folder holding out-of-fold.json. Prints the
headline scores (SI, TC, FLC, SLC F1 and calibration error) and every technique's TC and FLC F1,
with the change from the first run to the second. Compare runs scored over the same articles.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from propwatch.techniques import TECHNIQUE_NAMES

TASKS = ("si", "tc", "flc", "slc")


def load(work: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((work / "out-of-fold.json").read_text())
    return report


def change(before: float, after: float) -> str:
    delta = after - before
    colour = "green" if delta > 0.005 else "red" if delta < -0.005 else "dim"
    return f"[{colour}]{delta:+.3f}[/]"


def headline(names: tuple[str, str], runs: tuple[dict[str, Any], dict[str, Any]]) -> Table:
    table = Table(title=f"Out of fold over {runs[0]['articles']} / {runs[1]['articles']} articles")
    for column in ("score", *names, "change"):
        table.add_column(column, justify="left" if column == "score" else "right")
    scores = [run["out_of_fold"] for run in runs]
    for task in TASKS:
        before, after = (s[task]["f1"] for s in scores)
        table.add_row(f"{task.upper()} F1", f"{before:.3f}", f"{after:.3f}", change(before, after))
    before, after = (s["ece"] for s in scores)
    table.add_row("ECE", f"{before:.3f}", f"{after:.3f}", change(after, before))
    return table


def per_technique(names: tuple[str, str], runs: tuple[dict[str, Any], dict[str, Any]]) -> Table:
    table = Table(title="F1 by technique")
    table.add_column("technique")
    for task in ("tc", "flc"):
        for name in names:
            table.add_column(f"{task.upper()} {name}", justify="right")
        table.add_column("change", justify="right")
    for technique in TECHNIQUE_NAMES:
        cells = [technique]
        for task in ("tc", "flc"):
            before, after = (
                run["out_of_fold"][task]["per_technique"].get(technique, {}).get("f1", 0.0)
                for run in runs
            )
            cells += [f"{before:.3f}", f"{after:.3f}", change(before, after)]
        table.add_row(*cells)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    arguments = parser.parse_args()
    names = (arguments.before.name, arguments.after.name)
    runs = (load(arguments.before), load(arguments.after))
    console = Console()
    console.print(headline(names, runs))
    console.print(per_technique(names, runs))


if __name__ == "__main__":
    main()
