"""Re-select a trained model's settings, keeping its weights and training provenance.

For a change to model selection (decoding, span choice, span-head corrections) that needs no
retraining: `make model` would give the same result after its training run.

    .venv/bin/python scripts/reselect.py [MODEL_DIR] --work runs/cv
    .venv/bin/python scripts/reselect.py [MODEL_DIR] [--data ../shared/data/ptc]

With `--work`, a cross-validated model takes that folder's out-of-fold selection (score it first:
`propwatch train --folds 4 --only-folds 0,1,2,3 --work runs/cv`). Without, a dev-selected model
is re-tuned on dev.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from propwatch.model.artifact import SHIPPED_MODEL, ModelConfig
from propwatch.training.results import DevSelected, record_of
from propwatch.training.selection import DevSet
from propwatch.training.ship import adopt_selection
from propwatch.training.train import select_and_describe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc"))
    parser.add_argument("--work", type=Path, help="a scored cross-validation folder")
    args = parser.parse_args()
    if args.work:
        adopt_selection(args.work, args.model, args.data)
        return
    config = ModelConfig.load(args.model)
    record = record_of(config.metrics)
    if not isinstance(record, DevSelected):
        parser.error(f"{args.model} was selected out of fold; give its folds' folder with --work")
    select_and_describe(args.model, DevSet.load(args.data), config, record, print)


if __name__ == "__main__":
    main()
