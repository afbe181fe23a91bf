"""Ship one fold model of a cross-validated run, before the model on all articles exists.

Its settings and scores are those `scripts/score_one_fold.py` chose and measured on the fold's
held-out articles (each half tuned on the other), so every figure on its card is held out:

    .venv/bin/python scripts/ship_fold.py runs/e5-6-cv --fold 0 --halves runs/e5-6-halves \\
        --out src/propwatch/model/multilingual \\
        --encoder .venv/encoders/multilingual-e5-small-trimmed-6
"""

from __future__ import annotations

import argparse
from pathlib import Path

from propwatch.training.ship import ship_fold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="the --work folder of the cross-validated run")
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--halves", type=Path, required=True, help="score_one_fold.py's --out")
    parser.add_argument("--out", type=Path, required=True, help="the model folder to write")
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc"))
    parser.add_argument("--encoder", type=Path, help="as given to the training run, if it was")
    options = parser.parse_args()
    ship_fold(
        options.work, options.fold, options.halves, options.out, options.data, options.encoder
    )
    print(f"wrote {options.out}")


if __name__ == "__main__":
    main()
