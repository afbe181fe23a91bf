"""Whole Analyses of PTC dev articles through the batch path, written once and compared after a
change to the structure stage (voices, sections, phrase ends) or to the path around it.

    .venv/bin/python scripts/compare_analyses.py write analyses.json [--limit N]
    .venv/bin/python scripts/compare_analyses.py compare analyses.json

`compare` analyses the articles the file holds (tests/fixtures/dev_analyses.json holds four whose
voices hang on pronouns: tests/test_analyses_unchanged.py).

Each article goes the way a `propwatch batch` worker takes it: a record read from the folder
(`batch.inputs`), analysed by a pipeline on one ONNX thread (`batch.runner.analyse_record`).
Everything an Analysis holds is recorded (spans and their voices and sources, sentences, sections,
attributions, summary). `compare` exits 1, naming the first difference (numbers within 1e-9
agree; `scripts/compare_predictions.py` does the comparing), and prints how many differ.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Collection
from pathlib import Path
from types import ModuleType
from typing import Any

from propwatch.batch.inputs import BadRecord, read_inputs
from propwatch.batch.runner import Failed, analyse_record
from propwatch.pipeline import Pipeline

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc" / "dev" / "dev-articles"


def analyses(
    folder: Path, limit: int | None = None, names: Collection[str] | None = None
) -> dict[str, Any]:
    """Article file name to its Analysis as a dict, for the first `limit` articles (all if None)
    or the articles of those file `names`."""
    pipeline = Pipeline.load(threads=1)  # as a batch worker loads it
    found: dict[str, Any] = {}
    for record in list(read_inputs([folder]))[:limit]:
        assert not isinstance(record, BadRecord), record.reason
        name = Path(record.meta.location).name
        if names is None or name in names:
            outcome = analyse_record(record, pipeline)
            assert not isinstance(outcome, Failed), outcome.reason
            found[name] = json.loads(outcome.analysis.to_json())
    return found


def _comparer() -> ModuleType:
    path = Path(__file__).with_name("compare_predictions.py")
    spec = importlib.util.spec_from_file_location("compare_predictions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, str]:
    """Article to the first place where its Analysis differs, for the articles that differ."""
    first_difference = _comparer().first_difference
    found = {}
    for article in expected:
        difference = first_difference(expected[article], actual.get(article))
        if difference is not None:
            found[article] = difference
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["write", "compare"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--articles", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    options = parser.parse_args()
    if options.action == "write":
        found = analyses(options.articles, options.limit)
        options.path.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote the analyses of {len(found)} articles to {options.path}")
        return
    expected = json.loads(options.path.read_text(encoding="utf-8"))
    differ = differences(expected, analyses(options.articles, names=set(expected)))
    for article, where in differ.items():
        print(f"{article}: differs at {where}")
    if differ:
        sys.exit(f"{len(differ)} of {len(expected)} analyses differ")
    print(f"the analyses of {len(expected)} articles are identical")


if __name__ == "__main__":
    main()
