"""Out-of-fold scores of one fold model before the others exist, with every setting tuned out of
fold: its held-out articles are split into two halves, and each half is scored with the epoch,
decoding, chooser and calibration chosen on the other. Both "fold models" of the halves are the
one fold model, which trained on neither half.

    .venv/bin/python scripts/score_one_fold.py runs/e5-6-cv --fold 0 --out runs/e5-6-halves \\
        --semeval2023 ../shared/data/semeval2023

`propwatch train --only-folds 0` alone tunes those settings on no other articles (one fold has no
other fold), so its figures are those of untuned settings. Writes `out-of-fold.json` in `--out`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from propwatch.training.folds import PLAN_FILE, fold_folder
from propwatch.training.loop import Recipe
from propwatch.training.out_of_fold import out_of_fold


def halves_of_fold(work: Path, fold: int, out: Path) -> None:
    """`out` as a --work folder: the fold's articles in two halves, each half's model the fold's."""
    plan = json.loads((work / PLAN_FILE).read_text())
    held = sorted(article for article, k in plan.items() if k == fold)
    out.mkdir(parents=True, exist_ok=True)
    halves = {article: i % 2 for i, article in enumerate(held)}
    (out / PLAN_FILE).write_text(json.dumps(halves, indent=1, sort_keys=True) + "\n")
    for half in (0, 1):
        link = fold_folder(out, half)
        if not link.exists():
            link.symlink_to(fold_folder(work, fold).resolve())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="the --work folder of the cross-validated run")
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc"))
    parser.add_argument("--semeval2023", help="as given to the training run, if it was")
    options = parser.parse_args()
    halves_of_fold(options.work, options.fold, options.out)
    report = out_of_fold(
        options.data, options.out, print, None, Recipe(semeval2023=options.semeval2023)
    )
    print(json.dumps({"per_language": report["per_language"]}, indent=1))


if __name__ == "__main__":
    main()
