"""Soft training targets from a teacher model, carried over to the student's word pieces.

The teacher (a bigger encoder, trained on PTC train) may tokenize differently, so its piece
probabilities go through the characters: each student piece gets the mean over its characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from propwatch.model.artifact import load_detector
from propwatch.model.detector import Detector


def carry_over(
    source_offsets: np.ndarray, source_values: np.ndarray, target_offsets: np.ndarray, length: int
) -> np.ndarray:
    """(targets, C) mean of the per-character values under each target range; 0 where no
    source piece covers any of its characters."""
    channels = source_values.shape[1]
    values = np.zeros((length + 1, channels), dtype=np.float64)
    covered = np.zeros(length + 1, dtype=np.float64)
    starts, ends = source_offsets[:, 0], source_offsets[:, 1]
    np.add.at(values, starts, source_values)
    np.add.at(values, ends, -source_values)
    np.add.at(covered, starts, 1)
    np.add.at(covered, ends, -1)
    per_char_count = np.cumsum(covered)[:length]
    per_char = np.cumsum(values, axis=0)[:length] / np.maximum(per_char_count, 1)[:, None]
    prefix = np.vstack([np.zeros((1, channels)), np.cumsum(per_char, axis=0)])
    count_prefix = np.concatenate([[0.0], np.cumsum(per_char_count > 0)])
    first, last = target_offsets[:, 0], target_offsets[:, 1]
    sums = prefix[last] - prefix[first]
    counts = count_prefix[last] - count_prefix[first]
    return np.asarray(sums / np.maximum(counts, 1)[:, None], dtype=np.float32)


@dataclass(frozen=True)
class TeacherPieces:
    """A teacher's outputs on one article, in its own word pieces."""

    offsets: np.ndarray  # (pieces, 2) character offsets
    probabilities: np.ndarray  # (pieces, 1 + techniques)
    length: int  # characters in the article

    def on(self, offsets: np.ndarray) -> np.ndarray:
        """The probabilities carried over to other pieces of the same text."""
        return carry_over(self.offsets, self.probabilities, offsets, self.length)


def teacher_targets(teacher: Detector, articles: Mapping[str, str]) -> dict[str, TeacherPieces]:
    """The teacher's piece probabilities on every article with text."""
    soft = {}
    for article_id, text in articles.items():
        tokens = teacher.tokenizer.tokenize(text)
        if len(tokens):
            probabilities = np.concatenate(
                [segment.probabilities for segment in teacher.segments(tokens)]
            )
            soft[article_id] = TeacherPieces(tokens.offsets, probabilities, len(text))
    return soft


def folder_targets(
    folder: Path | None, articles: Mapping[str, str]
) -> dict[str, TeacherPieces] | None:
    """The targets of the teacher model in `folder` on `articles`; None without a teacher."""
    return None if folder is None else teacher_targets(load_detector(folder), articles)


def ensemble_targets(
    teachers: Sequence[Detector], articles: Mapping[str, str]
) -> dict[str, TeacherPieces]:
    """The teachers' piece probabilities averaged, each carried over to the first's pieces."""
    members = [teacher_targets(teacher, articles) for teacher in teachers]
    averaged = {}
    for article_id, first in members[0].items():
        mean = np.mean([m[article_id].on(first.offsets) for m in members], axis=0)
        averaged[article_id] = TeacherPieces(first.offsets, mean, first.length)
    return averaged
