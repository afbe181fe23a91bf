"""The correct stage: the span head's logits as probabilities, with the tuned corrections.

Training measures how the head's class priors and its reading of repeated fragments are off
(training/corrections.py); the corrections are biases added to the technique logits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from propwatch.model.decode import RawSpan
from propwatch.model.encode import Segment
from propwatch.model.features import TextIndex, fragment_repeats
from propwatch.model.judge import mean_rows
from propwatch.model.windows import TokenizedArticle
from propwatch.techniques import TECHNIQUE_NAMES

REPETITION = TECHNIQUE_NAMES.index("Repetition")


@dataclass(frozen=True)
class Candidate:
    """A decoded span with the span head's verdict on it."""

    raw: RawSpan  # piece indices relative to its segment
    techniques: np.ndarray  # (techniques,) P(technique | propaganda)
    propaganda: float  # P(the span is propaganda at all), from the head's "none" class
    hidden_mean: np.ndarray  # (H,) the encoder's mean over the span: what evidence is found by
    pieces: np.ndarray  # (n, 2) character offsets of the span's word pieces
    piece_probabilities: np.ndarray  # (n, 1 + techniques) the token head's, for those pieces

    @property
    def score(self) -> float:
        return self.raw.confidence * self.propaganda


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True))


def propaganda_probability(logits: np.ndarray) -> np.ndarray:
    """P(propaganda). A head with more outputs than techniques has a "none" class, trained
    on fragments outside every gold span (and, trained with near misses, a credit logit
    after it: not a class)."""
    none = len(TECHNIQUE_NAMES)
    if logits.shape[1] == none:
        return np.ones(len(logits), dtype=np.float32)
    return 1.0 - softmax(logits[:, : none + 1])[:, none]


def recurring(index: TextIndex, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """(N,) whether each span's fragment occurs more than once in the text."""
    return np.asarray([fragment_repeats(index, start, end) > 1 for start, end in spans], bool)


@dataclass(frozen=True)
class HeadCorrection:
    """Biases added to the span head's technique logits (none by default)."""

    # The head's class priors, corrected
    technique_bias: tuple[float, ...] = ()
    # Added to the Repetition logit of a fragment that occurs once, and of one that recurs in
    # the article: the head underrates this evidence
    repetition_bias: tuple[float, float] = (0.0, 0.0)

    def verdicts(self, logits: np.ndarray, recurs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(P(technique | propaganda) (N, techniques), P(propaganda) (N,)) from head logits;
        `recurs` says which spans' fragments occur more than once in their article."""
        technique_logits = logits[:, : len(TECHNIQUE_NAMES)].copy()
        if self.technique_bias:
            technique_logits += np.asarray(self.technique_bias)
        once, again = self.repetition_bias
        technique_logits[:, REPETITION] += np.where(recurs, again, once)
        return softmax(technique_logits), propaganda_probability(logits)

    def candidates(
        self, tokens: TokenizedArticle, segment: Segment, raw: list[RawSpan], logits: np.ndarray
    ) -> list[Candidate]:
        """Decoded spans of a segment with the corrected verdicts of their head logits."""
        if not raw:
            return []
        offsets = tokens.offsets[segment.first : segment.last]
        recurs = recurring(tokens.index, [(s.start, s.end) for s in raw])
        techniques, propaganda_probabilities = self.verdicts(logits, recurs)
        return [
            Candidate(
                s,
                probs,
                float(p),
                mean_rows(segment.hidden, s.first_token, s.last_token),
                offsets[s.first_token : s.last_token + 1],
                segment.probabilities[s.first_token : s.last_token + 1],
            )
            for s, probs, p in zip(raw, techniques, propaganda_probabilities, strict=True)
        ]
