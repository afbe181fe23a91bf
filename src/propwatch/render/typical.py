"""What a typical news article scores, for the reader to compare with: spans per 1,000 words over
the PTC dev articles (or, for a language the model folder has them for, its SemEval-2023
articles), as the model's own pipeline found them when its folder was made (the model folder's
`reference.json`, written by `training/reference.py`). A report quotes the figures of the model
that made its analysis, or none: never another model's."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from propwatch.model.artifact import REFERENCE_FILE, SHIPPED_MODELS

__all__ = ["Typical", "typical_of"]


@dataclass(frozen=True)
class Typical:
    corpus: str  # "PTC dev (75 articles)"
    model: str  # the model that found the spans
    median: float  # the model's spans per 1,000 words: median and quartiles over the corpus
    q1: float
    q3: float
    annotators: tuple[float, float, float]  # the gold spans' median, q1, q3

    def sentence(self) -> str:
        """One line for a reader: 'a typical article of PTC dev (75 articles): median 16.04, middle
        half 9.94 to 25.51 per 1,000 words', with an en dash for 'to'."""
        return (
            f"a typical article of {self.corpus}: median {self.median:g}, middle half "
            f"{self.q1:g}\u2013{self.q3:g} per 1,000 words"
        )


def typical_of(
    model: str, folder: Path | None = None, language: str | None = None
) -> Typical | None:
    """The reference figures of the model folder `folder` (default: the shipped model of that
    name) for an analysis made by the model named `model` of an article in `language` (those of
    its language where the folder has them, else PTC dev's); None when the folder has none or
    they are another model's."""
    folders = (folder,) if folder else SHIPPED_MODELS
    found = (t for f in folders if (t := _load(f, language)) and t.model == model)
    return next(found, None)


@lru_cache(maxsize=16)
def _load(folder: Path, language: str | None) -> Typical | None:
    path = folder / REFERENCE_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    part = data.get("languages", {}).get(language, data)
    model, gold = part["model_density"], part["annotator_density"]
    return Typical(
        corpus=part["corpus"],
        model=data["model"],
        median=model["median"],
        q1=model["q1"],
        q3=model["q3"],
        annotators=(gold["median"], gold["q1"], gold["q3"]),
    )
