"""Re-tune a trained model's dev-selected settings, keeping its weights and training provenance.

For a change to model selection (decoding sweeps, span-head corrections) that needs no
retraining: `make model` would give the same result after its training run.

    .venv/bin/python scripts/reselect.py [MODEL_DIR] [--data ../shared/data/ptc]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from propwatch.model.artifact import SHIPPED_MODEL, ModelConfig
from propwatch.training.selection import DevSet
from propwatch.training.train import select_and_describe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc"))
    args = parser.parse_args()
    config = ModelConfig.load(args.model)
    provenance = {key: value for key, value in config.metrics.items() if key != "dev"}
    select_and_describe(args.model, DevSet.load(args.data), config, provenance, print)


if __name__ == "__main__":
    main()
