"""The six languages' texts for the encoder: PTC (English), the SemEval-2023 train articles (French,
German, Italian, Polish, Russian) and BBC News (English, unlabelled); a seeded share of each
source's articles held out, and sentences drawn from articles."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propwatch.corpus.ptc import read_articles
from propwatch.training.silver import bbc_folder

LANGUAGES = ("en", "fr", "de", "it", "pl", "ru")
SEMEVAL_LANGUAGES = LANGUAGES[1:]
HELD_OUT_SHARE = 0.1
SEED = 13


def labelled_articles(shared: Path) -> dict[str, dict[str, str]]:
    """The labelled articles of each language, by article id."""
    ptc = shared / "data" / "ptc"
    english = read_articles(ptc / "train" / "train-articles")
    english |= read_articles(ptc / "dev" / "dev-articles")
    semeval = shared / "data" / "semeval2023"
    return {"en": english} | {
        language: read_articles(semeval / language / "train-articles")
        for language in SEMEVAL_LANGUAGES
    }


def bbc_articles() -> dict[str, str]:
    """Every BBC News text (English, 2004-2005), by `bbc-<topic>-<number>`."""
    return {
        f"bbc-{path.parent.name}-{path.stem}": path.read_text(encoding="latin-1")
        for path in sorted(bbc_folder().glob("*/*.txt"))
    }


def split_held_out(
    articles: dict[str, str], share: float = HELD_OUT_SHARE, seed: int = SEED
) -> tuple[dict[str, str], dict[str, str]]:
    """(kept, held out): a seeded `share` of the articles held out, at least one."""
    ids = sorted(articles)
    held = {
        ids[i]
        for i in np.random.default_rng(seed).permutation(len(ids))[
            : max(1, round(share * len(ids)))
        ]
    }
    kept = {key: text for key, text in articles.items() if key not in held}
    return kept, {key: articles[key] for key in sorted(held)}


def sample_sentences(
    articles: dict[str, str], count: int, seed: int = SEED, shortest: int = 40, longest: int = 400
) -> list[str]:
    """`count` lines of `shortest` to `longest` characters drawn from the articles (seeded): whole
    sentences or short paragraphs, well inside the encoder's 512 pieces."""
    lines = sorted(
        {
            line.strip()
            for text in articles.values()
            for line in text.splitlines()
            if shortest <= len(line.strip()) <= longest
        }
    )
    chosen = np.random.default_rng(seed).permutation(len(lines))[:count]
    return [lines[i] for i in sorted(chosen)]
