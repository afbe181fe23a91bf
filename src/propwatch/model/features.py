"""Surface features the uncased encoder cannot see: capitals, quotes, !/?, repetition, position.

They are computed from the exact article text, so training and inference see the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

WORD = re.compile(r"\w+")
QUOTED = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"|«[^»\n]*»")
TOKEN_FEATURES = 8
SPAN_FEATURES = 9


@dataclass(frozen=True)
class TextIndex:
    """Per-text lookups shared by token and span features."""

    text: str
    lowered: str
    word_starts: np.ndarray
    word_ends: np.ndarray
    word_counts: np.ndarray  # how often each word occurs in the text (case-insensitive)
    line_starts: np.ndarray
    line_exclaims: np.ndarray
    line_questions: np.ndarray
    quoted: np.ndarray  # per character: inside a quotation

    @classmethod
    def build(cls, text: str) -> TextIndex:
        lowered = text.lower()
        words = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
        counts: dict[str, int] = {}
        for _, _, word in words:
            counts[word] = counts.get(word, 0) + 1
        lines = text.split("\n")
        line_starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]], dtype=np.int64)
        quoted = np.zeros(len(text) + 1, dtype=bool)
        for match in QUOTED.finditer(text):
            quoted[match.start() : match.end()] = True
        return cls(
            text=text,
            lowered=lowered,
            word_starts=np.asarray([w[0] for w in words], dtype=np.int64),
            word_ends=np.asarray([w[1] for w in words], dtype=np.int64),
            word_counts=np.asarray([counts[w[2]] for w in words], dtype=np.float32),
            line_starts=line_starts,
            line_exclaims=np.asarray(["!" in line for line in lines], dtype=np.float32),
            line_questions=np.asarray(["?" in line for line in lines], dtype=np.float32),
            quoted=quoted,
        )

    def line_of(self, offsets: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.line_starts, offsets, side="right") - 1

    def word_of(self, offsets: np.ndarray) -> np.ndarray:
        """Index of the word containing each offset, or -1 outside words."""
        index = np.searchsorted(self.word_starts, offsets, side="right") - 1
        inside = (index >= 0) & (offsets < self.word_ends[np.maximum(index, 0)])
        return np.where(inside, index, -1)


def token_features(index: TextIndex, offsets: np.ndarray) -> np.ndarray:
    """(n, TOKEN_FEATURES) features of word pieces given by their character offsets."""
    text = index.text
    starts = offsets[:, 0] if len(offsets) else np.zeros(0, dtype=np.int64)
    features = np.zeros((len(starts), TOKEN_FEATURES), dtype=np.float32)
    if not len(starts) or not len(index.word_starts):
        return features
    words = index.word_of(starts)
    in_word = words >= 0
    word_text = [text[s:e] for s, e in zip(index.word_starts, index.word_ends, strict=True)]
    is_title = np.asarray([w[:1].isupper() for w in word_text], dtype=np.float32)
    is_caps = np.asarray([len(w) > 1 and w.isupper() for w in word_text], dtype=np.float32)
    safe = np.maximum(words, 0)
    lines = index.line_of(starts)
    features[:, 0] = np.where(in_word, is_title[safe], 0)
    features[:, 1] = np.where(in_word, is_caps[safe], 0)
    features[:, 2] = index.quoted[starts]
    features[:, 3] = index.line_exclaims[lines]
    features[:, 4] = index.line_questions[lines]
    features[:, 5] = np.where(in_word, np.log1p(index.word_counts[safe]) / 3.0, 0)
    features[:, 6] = lines == 0
    features[:, 7] = starts / max(len(text), 1)
    return features


def fragment_repeats(index: TextIndex, start: int, end: int) -> int:
    """How often the fragment occurs in the text, ignoring case (0 for a blank fragment)."""
    fragment = index.text[start:end]
    return index.lowered.count(fragment.lower()) if fragment.strip() else 0


def span_features(index: TextIndex, start: int, end: int) -> np.ndarray:
    """(SPAN_FEATURES,) features of one fragment: repetition, length, capitals, punctuation."""
    fragment = index.text[start:end]
    letters = [c for c in fragment if c.isalpha()]
    line = int(index.line_of(np.asarray([start]))[0])
    line_start = int(index.line_starts[line])
    line_end = index.text.find("\n", start)
    line_end = len(index.text) if line_end < 0 else line_end
    whole_line = index.text[line_start:line_end].strip() == fragment.strip()
    repeats = fragment_repeats(index, start, end)
    return np.asarray(
        [
            np.log1p(repeats) / 2.0,
            np.log1p(len(fragment)) / 5.0,
            np.log1p(len(WORD.findall(fragment))) / 3.0,
            sum(c.isupper() for c in letters) / max(len(letters), 1),
            index.line_exclaims[line],
            index.line_questions[line],
            float(index.quoted[start]),
            float(line == 0),
            float(whole_line),
        ],
        dtype=np.float32,
    )
