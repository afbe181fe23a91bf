"""Evidence for a highlight: fragments that annotators marked with the same technique.

The words that weighed most: within a span, the words whose word pieces the token head gave the
highest probability of the span's technique (read off outputs the detector has already, so it
costs no encoder pass).

A model folder may hold `evidence.npz`: every gold span of its training data as a short vector
(the mean of the encoder's hidden states over the span, centred and projected on its main
components), its technique and its text. A detected span's nearest neighbours among the gold
spans of its technique (cosine similarity) are shown beside it: real annotated examples of why
such a fragment counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.model.decode import APOSTROPHE, FUNCTION_WORD_ENDS

EVIDENCE_FILE = "evidence.npz"
NEIGHBOURS = 3
LOOK_ALIKES = 10  # evidence comes from the span's nearest fragments of any technique
KEY_WORDS = 3
WORD = re.compile(rf"\w+(?:['{APOSTROPHE}]\w+)*")  # a possessive's apostrophe is not in it


@dataclass(frozen=True)
class Evidence:
    mean: np.ndarray  # (H,) subtracted before projecting
    components: np.ndarray  # (H, D) projection
    vectors: np.ndarray  # (N, D) unit-length gold span vectors
    techniques: np.ndarray  # (N,) technique index of each gold span
    texts: np.ndarray  # (N,) the gold fragments, whole words
    articles: np.ndarray | None = None  # (N,) the article of each (indexes from 2026-12 on)

    @classmethod
    def load(cls, folder: Path) -> Evidence | None:
        path = folder / EVIDENCE_FILE
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as stored:
            return cls(
                stored["mean"].astype(np.float32),
                stored["components"].astype(np.float32),
                stored["vectors"].astype(np.float32),
                stored["techniques"],
                stored["texts"],
                stored["articles"] if "articles" in stored.files else None,
            )

    def nearest(self, hidden_mean: np.ndarray, technique: int, text: str) -> tuple[str, ...]:
        """The gold fragments of `technique` that look most like the span, other than its text."""
        vector = project(hidden_mean[None, :], self.mean, self.components)[0]
        return tuple(str(self.texts[row]) for row in self.look_alikes(vector, technique, text))

    def look_alikes(
        self,
        vector: np.ndarray,
        technique: int,
        text: str,
        among: int = LOOK_ALIKES,
        excluded: np.ndarray | None = None,
    ) -> list[int]:
        """Rows of up to `NEIGHBOURS` distinct fragments of `technique` among the `among` nearest
        to the projected `vector` of any technique (and not `excluded`), nearest first.

        A fragment of the right technique that is not among the span's nearest of any technique
        looks less like the span than fragments marked otherwise do: no evidence for it.
        """
        similarity = self.vectors @ vector
        if excluded is not None:
            similarity = np.where(excluded, -np.inf, similarity)
        found: list[int] = []
        seen = {text.casefold()}
        for row in np.argsort(-similarity)[:among]:
            fragment = str(self.texts[row]).casefold()
            if (
                self.techniques[row] == technique
                and fragment not in seen
                and similarity[row] > -np.inf
            ):
                found.append(int(row))
                seen.add(fragment)
            if len(found) == NEIGHBOURS:
                break
        return found

    def save(self, folder: Path) -> None:
        sources: dict[str, Any] = {}
        if self.articles is not None:
            sources["articles"] = self.articles.astype(str)
        np.savez_compressed(
            folder / EVIDENCE_FILE,
            mean=self.mean.astype(np.float16),
            components=self.components.astype(np.float16),
            vectors=self.vectors.astype(np.float16),
            techniques=self.techniques.astype(np.int8),
            texts=self.texts.astype(str),
            **sources,
        )


def project(hidden_means: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """(N, H) span means to unit-length (N, D) vectors: centred, projected, normalised."""
    projected = (hidden_means - mean) @ components
    norms = np.linalg.norm(projected, axis=-1, keepdims=True)
    return np.asarray(projected / np.maximum(norms, 1e-9), dtype=np.float32)


def key_words(
    text: str, pieces: np.ndarray, weights: np.ndarray, span: tuple[int, int]
) -> tuple[tuple[int, int], ...]:
    """(start, end) of the `KEY_WORDS` words of `span` that weighed most, in text order.

    `pieces` (n, 2) are the character offsets of the span's word pieces and `weights` (n,) the
    token head's probability of the span's technique for each; a word weighs as its heaviest
    piece. Function words ("the", "of") never count: the head's probabilities run smoothly over
    a phrase, and they say nothing about why it was marked.
    """
    scored = []
    for match in WORD.finditer(text, *span):
        overlapping = (pieces[:, 0] < match.end()) & (pieces[:, 1] > match.start())
        if match[0].lower() not in FUNCTION_WORD_ENDS and overlapping.any():
            scored.append((float(weights[overlapping].max()), match.start(), match.end()))
    heaviest = sorted(scored, key=lambda word: -word[0])[:KEY_WORDS]
    return tuple(sorted((start, end) for _, start, end in heaviest))
