"""Training examples: labelled windows over PTC articles (no PyTorch needed to build them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from propwatch.corpus.ptc import Label
from propwatch.model.decode import expand_to_words, trim_span
from propwatch.model.features import span_features
from propwatch.model.windows import TokenizedArticle, Window, WindowTokenizer
from propwatch.techniques import TECHNIQUE_NAMES
from propwatch.training.distil import TeacherPieces

TECHNIQUE_INDEX = {name: i for i, name in enumerate(TECHNIQUE_NAMES)}
# The span head's extra class: a fragment outside every gold span.
NONE_CLASS = len(TECHNIQUE_NAMES)
# A near miss teaches the span head's credit output only; cross-entropy skips this class.
NO_CLASS = -100
MAX_NEGATIVE_PIECES = 16
NEAR_MISS_SHIFT = 6  # pieces a near miss's edges move from its gold span's, at most


@dataclass(frozen=True)
class SpanExample:
    """A gold span inside one window; positions count the window's [CLS] as 0."""

    first: int
    last: int
    line_first: int
    line_last: int
    features: np.ndarray
    technique: int  # NONE_CLASS for a negative, NO_CLASS for a near miss
    credit: float  # share of its characters inside gold spans: what SI credits it


@dataclass(frozen=True)
class WindowExample:
    inputs: dict[str, np.ndarray]  # one row each: input_ids, attention_mask, features
    targets: np.ndarray  # (L, 1 + techniques): inside any span, inside a span of technique k
    target_mask: np.ndarray  # (L,) 1 for word pieces, 0 for [CLS], [SEP] and padding
    spans: tuple[SpanExample, ...]
    weight: float = 1.0  # of its token loss: below 1 for silver (teacher-labelled) windows


def piece_targets(tokens: TokenizedArticle, labels: Sequence[Label]) -> np.ndarray:
    """(pieces, 1 + techniques) membership of every piece in the gold spans."""
    targets = np.zeros((len(tokens), 1 + len(TECHNIQUE_NAMES)), dtype=np.float32)
    starts, ends = tokens.offsets[:, 0], tokens.offsets[:, 1]
    for label in labels:
        inside = (starts < label.end) & (ends > label.start)
        targets[inside, 0] = 1
        if label.technique is not None:
            targets[inside, 1 + TECHNIQUE_INDEX[label.technique]] = 1
    return targets


def article_windows(
    tokenizer: WindowTokenizer,
    text: str,
    labels: Sequence[Label],
    rng: np.random.Generator,
    teacher: TeacherPieces | None = None,
    teacher_weight: float = 0.0,
    near_misses: int = 0,
    unlabelled: Sequence[tuple[int, int]] = (),
) -> list[WindowExample]:
    """Labelled windows of one article; token targets lean `teacher_weight` towards the
    teacher's probabilities when there is a teacher (span examples stay gold). Each gold span
    adds `near_misses` span examples with shifted edges, for the span head's credit output.
    Pieces touching an `unlabelled` character range are masked from the token loss and never
    serve as negatives: their text is neither a sure span nor a sure negative."""
    tokens = tokenizer.tokenize(text)
    if not len(tokens):
        return []
    targets = piece_targets(tokens, labels)
    masked = _pieces_in(tokens, unlabelled)
    taken = targets.copy()  # what negatives must avoid: gold spans and unlabelled text
    taken[masked, 0] = 1
    token_targets = targets
    if teacher is not None:
        soft = teacher.on(tokens.offsets)
        token_targets = (1 - teacher_weight) * targets + teacher_weight * soft
    lines = tokens.index.line_of(tokens.offsets[:, 0])
    located = [(label, _pieces(tokens, label)) for label in labels if label.technique]
    in_gold = np.zeros(len(text), dtype=bool)
    for label in labels:
        in_gold[label.start : label.end] = True
    examples = []
    for window in tokenizer.windows(len(tokens)):
        inputs = tokenizer.batch(tokens, [window], width=tokenizer.window + 2)
        width = inputs["input_ids"].shape[1]
        window_targets = np.zeros((width, targets.shape[1]), dtype=np.float32)
        window_targets[1 : window.length + 1] = token_targets[
            window.first : window.first + window.length
        ]
        mask = np.zeros(width, dtype=np.float32)
        mask[1 : window.length + 1] = ~masked[window.first : window.first + window.length]
        inside = [
            (label, pieces)
            for label, pieces in located
            if pieces and window.first <= pieces[0] and pieces[1] < window.first + window.length
        ]
        spans = tuple(
            _span_example(tokens, lines, window, pieces, (label.start, label.end), label.technique)
            for label, pieces in inside
        )
        negatives = tuple(
            _span_example(tokens, lines, window, pieces, chars, None)
            for pieces, chars in _negative_pieces(tokens, taken, lines, window, len(spans), rng)
        )
        misses = tuple(
            replace(
                _span_example(tokens, lines, window, pieces, chars, None),
                technique=NO_CLASS,
                credit=float(in_gold[chars[0] : chars[1]].mean()),
            )
            for gold_pieces in (pieces for _, pieces in inside)
            for pieces, chars in _near_miss_pieces(
                tokens, lines, window, gold_pieces, near_misses, rng
            )
        )
        examples.append(WindowExample(inputs, window_targets, mask, spans + negatives + misses))
    return examples


def _pieces_in(tokens: TokenizedArticle, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """Which pieces overlap any of the character ranges."""
    inside = np.zeros(len(tokens), dtype=bool)
    for start, end in ranges:
        inside |= (tokens.offsets[:, 0] < end) & (tokens.offsets[:, 1] > start)
    return inside


def _negative_pieces(
    tokens: TokenizedArticle,
    targets: np.ndarray,
    lines: np.ndarray,
    window: Window,
    positives: int,
    rng: np.random.Generator,
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Random fragments (pieces, characters) on one line and outside every gold span, shaped
    like decoded spans: whole words, PTC-trimmed."""
    count = max(2, positives)
    found: list[tuple[tuple[int, int], tuple[int, int]]] = []
    end_of_window = window.first + window.length - 1
    for _ in range(count * 4):
        if len(found) == count:
            break
        first = window.first + int(rng.integers(window.length))
        last = min(first + int(rng.integers(MAX_NEGATIVE_PIECES)), end_of_window)
        if targets[first : last + 1, 0].any() or lines[first] != lines[last]:
            continue
        chars = _fragment(tokens, first, last)
        if chars is not None:
            found.append(((first, last), chars))
    return found


def _near_miss_pieces(
    tokens: TokenizedArticle,
    lines: np.ndarray,
    window: Window,
    gold: tuple[int, int],
    count: int,
    rng: np.random.Generator,
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Fragments (pieces, characters) whose edges lie up to NEAR_MISS_SHIFT pieces from a gold
    span's: what a decoder proposes around it, cut too short, too long or shifted."""
    found: list[tuple[tuple[int, int], tuple[int, int]]] = []
    end_of_window = window.first + window.length - 1
    for _ in range(count):
        shift = rng.integers(-NEAR_MISS_SHIFT, NEAR_MISS_SHIFT + 1, size=2)
        first = max(window.first, gold[0] + int(shift[0]))
        last = min(end_of_window, gold[1] + int(shift[1]))
        if first > last or (first, last) == gold or lines[first] != lines[last]:
            continue
        chars = _fragment(tokens, first, last)
        if chars is not None:
            found.append(((first, last), chars))
    return found


def _fragment(tokens: TokenizedArticle, first: int, last: int) -> tuple[int, int] | None:
    """Characters of pieces [first, last] shaped like a decoded span: whole words, PTC-trimmed."""
    text = tokens.index.text
    start, end = int(tokens.offsets[first, 0]), int(tokens.offsets[last, 1])
    return trim_span(text, *expand_to_words(text, start, end))


def _pieces(tokens: TokenizedArticle, label: Label) -> tuple[int, int] | None:
    inside = np.flatnonzero(
        (tokens.offsets[:, 0] < label.end) & (tokens.offsets[:, 1] > label.start)
    )
    return (int(inside[0]), int(inside[-1])) if len(inside) else None


def _span_example(
    tokens: TokenizedArticle,
    lines: np.ndarray,
    window: Window,
    pieces: tuple[int, int],
    chars: tuple[int, int],
    technique: str | None,
) -> SpanExample:
    """A span head example; technique None makes it a negative (the "none" class)."""
    window_first = window.first
    window_lines = lines[window_first : window_first + window.length]
    same_line = np.flatnonzero(window_lines == lines[pieces[0]])
    return SpanExample(
        first=pieces[0] - window_first + 1,
        last=pieces[1] - window_first + 1,
        line_first=int(same_line[0]) + 1,
        line_last=int(same_line[-1]) + 1,
        features=span_features(tokens.index, *chars),
        technique=NONE_CLASS if technique is None else TECHNIQUE_INDEX[technique],
        credit=0.0 if technique is None else 1.0,
    )


def corpus_windows(
    tokenizer: WindowTokenizer,
    articles: Mapping[str, str],
    labels: Mapping[str, Sequence[Label]],
    seed: int,
    teachers: Mapping[str, TeacherPieces] | None = None,
    teacher_weight: float = 0.0,
    near_misses: int = 0,
    unlabelled: Mapping[str, Sequence[tuple[int, int]]] | None = None,
) -> list[WindowExample]:
    """Labelled windows of every article, with the teacher's outputs by article if any, and
    each article's `unlabelled` ranges masked."""
    rng = np.random.default_rng(seed)
    examples = []
    for article_id, text in articles.items():
        teacher = (teachers or {}).get(article_id)
        examples.extend(
            article_windows(
                tokenizer,
                text,
                labels.get(article_id, ()),
                rng,
                teacher,
                teacher_weight,
                near_misses,
                (unlabelled or {}).get(article_id, ()),
            )
        )
    return examples


def silver_windows(
    tokenizer: WindowTokenizer,
    articles: Mapping[str, str],
    teachers: Mapping[str, TeacherPieces],
    weight: float,
) -> list[WindowExample]:
    """Windows of unlabelled articles whose token targets are the teacher's probabilities.

    They carry no span-head examples: the head learns techniques from gold spans only, and a
    random fragment of an unlabelled article is no sure negative.
    """
    rng = np.random.default_rng(0)
    examples: list[WindowExample] = []
    for article_id, text in articles.items():
        if article_id not in teachers:
            continue
        windows = article_windows(tokenizer, text, (), rng, teachers[article_id], 1.0)
        examples.extend(replace(w, spans=(), weight=weight) for w in windows)
    return examples
