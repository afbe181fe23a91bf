"""The explain stage: why a labelled span: its key words, and training examples most alike."""

from __future__ import annotations

from dataclasses import dataclass

from propwatch.model.correct import Candidate
from propwatch.model.evidence import Evidence, key_words


@dataclass(frozen=True)
class Explanation:
    examples: tuple[str, ...]  # training fragments annotated with the technique, most alike
    key_words: tuple[tuple[int, int], ...]  # offsets of the words that weighed most


@dataclass(frozen=True)
class Explainer:
    """Explains spans of an article's text; a model without evidence gives no examples."""

    evidence: Evidence | None

    def __call__(self, candidate: Candidate, technique: int, text: str) -> Explanation:
        return Explanation(
            self._examples(candidate, technique, text), _key_words(candidate, technique, text)
        )

    def _examples(self, candidate: Candidate, technique: int, text: str) -> tuple[str, ...]:
        if self.evidence is None:
            return ()
        fragment = text[candidate.raw.start : candidate.raw.end]
        return self.evidence.nearest(candidate.hidden_mean, technique, fragment)


def _key_words(candidate: Candidate, technique: int, text: str) -> tuple[tuple[int, int], ...]:
    probabilities = candidate.piece_probabilities
    # A token head with a column per technique weighs by it, else by "any technique"
    column = 1 + technique if probabilities.shape[1] > 1 + technique else 0
    span = (candidate.raw.start, candidate.raw.end)
    return key_words(text, candidate.pieces, probabilities[:, column], span)
