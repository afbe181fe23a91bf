"""The detector: token windows through an encoder backend, decoded into technique spans.

The backend is ONNX Runtime in the product and the PyTorch model during training; both go through
this one code path, so what is selected on dev is what ships.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from propwatch.model.calibration import Calibration
from propwatch.model.chooser import Pool, SpanChooser, pool_decodes, pool_features
from propwatch.model.decode import DecodeSettings, RawSpan, decode_spans, piece_span_probability
from propwatch.model.evidence import Evidence, key_words
from propwatch.model.features import TextIndex, fragment_repeats, span_features
from propwatch.model.view import TextView, text_view
from propwatch.model.windows import TokenizedArticle, Window, WindowTokenizer
from propwatch.techniques import TECHNIQUE_NAMES

REPETITION = TECHNIQUE_NAMES.index("Repetition")
# Longer articles are cut at line breaks into segments of at most this many word pieces,
# so that memory stays flat however long the input is.
SEGMENT_PIECES = 4096
BATCH_WINDOWS = 8  # as fast as 16 on this CPU, with 80 MB less peak memory


# A segment's pool: its distinct spans, the span head's logits and the chooser's features on
# them, and the segment itself (kept alive so that its id, the pool's key, stays its own)
JudgedPool = tuple[list[RawSpan], np.ndarray, np.ndarray, "Segment"]


class Backend(Protocol):
    def encode(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(token logits (B, L, 1 + techniques), hidden states (B, L, H)) for a window batch."""
        ...

    def classify(self, pooled: np.ndarray) -> np.ndarray:
        """Technique logits (N, techniques) for pooled span representations."""
        ...


@dataclass(frozen=True)
class DetectorSettings:
    decode: DecodeSettings = field(default_factory=DecodeSettings)
    second_technique: float = 0.9  # also report a span's runner-up technique above this share
    # Raw span score (token confidence x P(propaganda) x P(technique)) to confidence
    calibration: Calibration = field(default_factory=Calibration)
    # The display threshold: spans below this confidence are neither shown nor predicted
    min_confidence: float = 0.0
    # Added to the technique logits: the head's class priors, corrected (training/corrections.py)
    technique_bias: tuple[float, ...] = ()
    # Added to the Repetition logit of a fragment that occurs once, and of one that recurs in the
    # article: the head underrates this evidence (tuned on dev, see training/corrections.py)
    repetition_bias: tuple[float, float] = (0.0, 0.0)


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


@dataclass(frozen=True)
class DetectedSpan:
    start: int
    end: int
    technique: str
    confidence: float  # P(the span overlaps a gold span of this technique), calibrated
    technique_probabilities: tuple[float, ...]
    examples: tuple[str, ...] = ()  # training fragments annotated with this technique, most alike
    key_words: tuple[tuple[int, int], ...] = ()  # offsets of the words that weighed most


@dataclass(frozen=True)
class Segment:
    """Pieces [first, last) of an article with their aggregated model outputs."""

    first: int
    last: int
    probabilities: np.ndarray  # (pieces, 1 + techniques): column 0 is "any technique"
    hidden: np.ndarray  # (pieces, H), each piece from the window where it sits most centrally


@dataclass(frozen=True)
class Detection:
    """Everything the model says about one article, in offsets of the text as given (the
    model read its canonical view: model/view.py; `tokens.index` is that view's)."""

    tokens: TokenizedArticle
    span_probability: np.ndarray  # (pieces,) P(piece is inside some technique span)
    spans: list[DetectedSpan]


def mean_rows(hidden: np.ndarray, first: int, last: int) -> np.ndarray:
    return np.asarray(hidden[first : last + 1].mean(axis=0))


def pool_span(
    hidden: np.ndarray, span: tuple[int, int], line: tuple[int, int], features: np.ndarray
) -> np.ndarray:
    """The span representation the span head reads: span mean, first, last, line mean, features.

    Mirrored by the PyTorch pooling used in training (model/train.py).
    """
    first, last = span
    return np.concatenate(
        [
            mean_rows(hidden, first, last),
            hidden[first],
            hidden[last],
            mean_rows(hidden, *line),
            features,
        ]
    ).astype(np.float32)


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=-1, keepdims=True))


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


class Detector:
    """Finds technique spans in article text with any encoder backend."""

    def __init__(
        self,
        backend: Backend,
        tokenizer: WindowTokenizer,
        settings: DetectorSettings,
        name: str = "unnamed",
        evidence: Evidence | None = None,
        chooser: SpanChooser | None = None,
    ) -> None:
        self.backend = backend
        self.tokenizer = tokenizer
        self.settings = settings
        self.name = name
        self.evidence = evidence
        self.chooser = chooser
        self._pools: dict[tuple[int, DecodeSettings], JudgedPool] | None = None

    def detect(self, text: str, min_confidence: float | None = None) -> Detection:
        """Spans at or above `min_confidence` (the model's display threshold if None)."""
        floor = self.settings.min_confidence if min_confidence is None else min_confidence
        view = text_view(text)
        tokens = self.tokenizer.tokenize(view.text)
        spans: list[DetectedSpan] = []
        span_probability = np.zeros(len(tokens), dtype=np.float32)
        if not len(tokens):
            return Detection(tokens, span_probability, spans)
        for segment in self.segments(tokens):
            span_probability[segment.first : segment.last] = piece_span_probability(
                segment.probabilities, self.settings.decode.technique_mix
            )
            spans.extend(self._spans_in(tokens, segment, floor))
        spans = [in_given_text(span, view) for span in spans]
        spans.sort(key=lambda s: (s.start, s.end, s.technique))
        offsets = np.column_stack(
            [view.start(tokens.offsets[:, 0]), view.end(tokens.offsets[:, 1])]
        )
        return Detection(replace(tokens, offsets=offsets), span_probability, spans)

    def classify(self, pooled: np.ndarray, recurs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(P(technique | propaganda) (N, techniques), P(propaganda) (N,)) for pooled spans.

        `recurs` says which spans' fragments occur more than once in their article.
        """
        return self._verdicts(self.backend.classify(pooled), recurs)

    def _verdicts(self, logits: np.ndarray, recurs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The span head's logits as probabilities, the technique corrections applied."""
        technique_logits = logits[:, : len(TECHNIQUE_NAMES)].copy()
        if self.settings.technique_bias:
            technique_logits += np.asarray(self.settings.technique_bias)
        once, again = self.settings.repetition_bias
        technique_logits[:, REPETITION] += np.where(recurs, again, once)
        return softmax(technique_logits), self._propaganda(logits)

    @staticmethod
    def _propaganda(logits: np.ndarray) -> np.ndarray:
        """P(propaganda). A head with more outputs than techniques has a "none" class, trained
        on fragments outside every gold span (and, trained with near misses, a credit logit
        after it: not a class)."""
        none = len(TECHNIQUE_NAMES)
        if logits.shape[1] == none:
            return np.ones(len(logits), dtype=np.float32)
        return 1.0 - softmax(logits[:, : none + 1])[:, none]

    def technique_probabilities(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        segments: Sequence[Segment] | None = None,
    ) -> list[np.ndarray]:
        """P(technique) for given character spans (the TC task), in the order given.

        `segments` are this text's own, when it went through the encoder already.
        """
        result = [np.full(len(TECHNIQUE_NAMES), 1 / len(TECHNIQUE_NAMES))] * len(spans)
        tokens = self.tokenizer.tokenize(text)
        for segment, inside in self._located(tokens, spans, segments):
            pooled = np.stack([self._pool(tokens, segment, r, spans[i]) for i, r in inside])
            recurs = recurring(tokens.index, [spans[i] for i, _ in inside])
            for (i, _), probs in zip(inside, self.classify(pooled, recurs)[0], strict=True):
                result[i] = probs
        return result

    def span_means(self, text: str, spans: Sequence[tuple[int, int]]) -> list[np.ndarray | None]:
        """The mean hidden state over each character span's pieces (None where none)."""
        result: list[np.ndarray | None] = [None] * len(spans)
        tokens = self.tokenizer.tokenize(text)
        for segment, inside in self._located(tokens, spans):
            for i, (first, last) in inside:
                last = min(last, segment.last - 1)
                result[i] = mean_rows(segment.hidden, first - segment.first, last - segment.first)
        return result

    def _located(
        self,
        tokens: TokenizedArticle,
        spans: Sequence[tuple[int, int]],
        segments: Sequence[Segment] | None = None,
    ) -> Iterator[tuple[Segment, list[tuple[int, tuple[int, int]]]]]:
        """Each segment (run now unless given) with the spans (index, piece range) in it."""
        if not len(tokens):
            return
        located = [(i, self._piece_range(tokens, *span)) for i, span in enumerate(spans)]
        for segment in self.segments(tokens) if segments is None else segments:
            inside = [
                (i, r) for i, r in located if r is not None and segment.first <= r[0] < segment.last
            ]
            if inside:
                yield segment, inside

    def segments(self, tokens: TokenizedArticle) -> Iterator[Segment]:
        for first, last in self._segment_bounds(tokens):
            yield self._run_segment(tokens, first, last)

    def _segment_bounds(self, tokens: TokenizedArticle) -> list[tuple[int, int]]:
        """Cut points at line starts so that no segment exceeds SEGMENT_PIECES pieces."""
        bounds, first = [], 0
        line_of = tokens.index.line_of(tokens.offsets[:, 0]) if len(tokens) else np.zeros(0)
        while len(tokens) - first > SEGMENT_PIECES:
            limit = first + SEGMENT_PIECES
            starts = np.flatnonzero(np.diff(line_of[first + 1 : limit + 1]) > 0) + first + 2
            cut = int(starts[-1]) if len(starts) else limit
            bounds.append((first, cut))
            first = cut
        bounds.append((first, len(tokens)))
        return bounds

    def _run_segment(self, tokens: TokenizedArticle, first: int, last: int) -> Segment:
        pieces = last - first
        windows = [Window(first + w.first, w.length) for w in self.tokenizer.windows(pieces)]
        probs: np.ndarray | None = None
        hidden: np.ndarray | None = None
        counts = np.zeros(pieces, dtype=np.float32)
        centrality = np.full(pieces, -1, dtype=np.int64)
        for start in range(0, len(windows), BATCH_WINDOWS):
            batch_windows = windows[start : start + BATCH_WINDOWS]
            logits, states = self.backend.encode(self.tokenizer.batch(tokens, batch_windows))
            if probs is None or hidden is None:
                probs = np.zeros((pieces, logits.shape[-1]), dtype=np.float32)
                hidden = np.zeros((pieces, states.shape[-1]), dtype=np.float32)
            for row, window in enumerate(batch_windows):
                rows = slice(window.first - first, window.first - first + window.length)
                probs[rows] += sigmoid(logits[row, 1 : window.length + 1])
                counts[rows] += 1
                position = np.arange(window.length)
                central = np.minimum(position, window.length - 1 - position)
                better = central > centrality[rows]
                hidden[rows][better] = states[row, 1 : window.length + 1][better]
                centrality[rows] = np.maximum(centrality[rows], central)
        if probs is None or hidden is None:
            return Segment(first, last, np.zeros((0, 1 + len(TECHNIQUE_NAMES))), np.zeros((0, 1)))
        return Segment(first, last, probs / np.maximum(counts, 1)[:, None], hidden)

    def candidates(
        self, tokens: TokenizedArticle, segment: Segment, decode: DecodeSettings
    ) -> list[Candidate]:
        """Spans decoded from a segment's piece probabilities, each judged by the span head."""
        offsets = tokens.offsets[segment.first : segment.last]
        likely = piece_span_probability(segment.probabilities, decode.technique_mix)
        return self.judged(
            tokens, segment, decode_spans(tokens.index.text, offsets, likely, decode)
        )

    def pool(
        self, tokens: TokenizedArticle, segment: Segment, decode: DecodeSettings
    ) -> tuple[list[Candidate], np.ndarray]:
        """The candidates of every pool decoding (chooser.pool_decodes), each once, judged, with
        the chooser's features (candidates, features)."""
        key = (id(segment), decode)
        judged = self._pools.get(key) if self._pools is not None else None
        if judged is None:
            judged = self._judged_pool(tokens, segment, decode)
            if self._pools is not None:
                self._pools[key] = judged
        spans, logits, features, _ = judged
        if not spans:
            return [], features
        return self._candidates(tokens, segment, spans, logits), features

    def remember_pools(self) -> None:
        """Judge each segment's pool once and keep it: training judges the same pools under
        many corrections, which change only what is made of the span head's logits."""
        self._pools = {}

    def _judged_pool(
        self, tokens: TokenizedArticle, segment: Segment, decode: DecodeSettings
    ) -> JudgedPool:
        offsets = tokens.offsets[segment.first : segment.last]
        likely = piece_span_probability(segment.probabilities, decode.technique_mix)
        raw: dict[tuple[int, int], RawSpan] = {}
        for pool_decode in pool_decodes(decode):
            for span in decode_spans(tokens.index.text, offsets, likely, pool_decode):
                raw.setdefault((span.start, span.end), span)
        spans = list(raw.values())
        if not spans:
            return [], np.zeros((0, 0)), np.zeros((0, 0)), segment
        logits = self._head_logits(tokens, segment, spans)
        pool = Pool(
            likely=likely,
            pieces=np.asarray([(s.first_token, s.last_token) for s in spans]),
            bounds=np.asarray(list(raw)),
            # uncorrected: the trees are fitted on fold models with no corrections tuned yet
            propaganda=self._propaganda(logits),
            techniques=softmax(logits[:, : len(TECHNIQUE_NAMES)]),
        )
        return spans, logits, pool_features(pool, tokens.index.text), segment

    def chosen(self, tokens: TokenizedArticle, segment: Segment) -> list[Candidate]:
        """The segment's candidates under the settings: the chooser's pick from the pool when
        the model has a chooser, else one decoding's spans."""
        decode = self.settings.decode
        if self.chooser is None:
            return self.candidates(tokens, segment, decode)
        candidates, features = self.pool(tokens, segment, decode)
        bounds = [(c.raw.start, c.raw.end) for c in candidates]
        return [candidates[i] for i in self.chooser.choose(features, bounds)]

    def judged(
        self, tokens: TokenizedArticle, segment: Segment, raw: list[RawSpan]
    ) -> list[Candidate]:
        """Decoded spans with the span head's verdict on each."""
        if not raw:
            return []
        return self._candidates(tokens, segment, raw, self._head_logits(tokens, segment, raw))

    def _head_logits(
        self, tokens: TokenizedArticle, segment: Segment, raw: list[RawSpan]
    ) -> np.ndarray:
        pooled = np.stack(
            [
                self._pool(
                    tokens,
                    segment,
                    (segment.first + s.first_token, segment.first + s.last_token),
                    (s.start, s.end),
                )
                for s in raw
            ]
        )
        return self.backend.classify(pooled)

    def _candidates(
        self, tokens: TokenizedArticle, segment: Segment, raw: list[RawSpan], logits: np.ndarray
    ) -> list[Candidate]:
        offsets = tokens.offsets[segment.first : segment.last]
        techniques, propaganda = self._verdicts(
            logits, recurring(tokens.index, [(s.start, s.end) for s in raw])
        )
        return [
            Candidate(
                s,
                probs,
                float(p),
                mean_rows(segment.hidden, s.first_token, s.last_token),
                offsets[s.first_token : s.last_token + 1],
                segment.probabilities[s.first_token : s.last_token + 1],
            )
            for s, probs, p in zip(raw, techniques, propaganda, strict=True)
        ]

    def _spans_in(
        self, tokens: TokenizedArticle, segment: Segment, floor: float
    ) -> list[DetectedSpan]:
        spans: list[DetectedSpan] = []
        for candidate in self.chosen(tokens, segment):
            spans.extend(self.labelled(candidate, tokens.index.text, floor))
        return spans

    def labelled(
        self, candidate: Candidate, text: str = "", floor: float = 0.0
    ) -> list[DetectedSpan]:
        """The span under its best technique, plus the runner-up when that is nearly as likely;
        only labels with a confidence of at least `floor`, each with its evidence."""
        probs = candidate.techniques
        order = np.argsort(-probs)
        chosen = [order[0]]
        if probs[order[1]] >= self.settings.second_technique * probs[order[0]]:
            chosen.append(order[1])
        as_tuple = tuple(float(p) for p in probs)
        confidences = self.settings.calibration(candidate.score * probs[chosen])
        return [
            DetectedSpan(
                candidate.raw.start,
                candidate.raw.end,
                TECHNIQUE_NAMES[k],
                float(confidence),
                as_tuple,
                self._examples(candidate, int(k), text),
                self._key_words(candidate, int(k), text),
            )
            for k, confidence in zip(chosen, confidences, strict=True)
            if confidence >= floor
        ]

    def _examples(self, candidate: Candidate, technique: int, text: str) -> tuple[str, ...]:
        if self.evidence is None:
            return ()
        fragment = text[candidate.raw.start : candidate.raw.end]
        return self.evidence.nearest(candidate.hidden_mean, technique, fragment)

    def _key_words(
        self, candidate: Candidate, technique: int, text: str
    ) -> tuple[tuple[int, int], ...]:
        probabilities = candidate.piece_probabilities
        # A token head with a column per technique weighs by it, else by "any technique"
        column = 1 + technique if probabilities.shape[1] > 1 + technique else 0
        span = (candidate.raw.start, candidate.raw.end)
        return key_words(text, candidate.pieces, probabilities[:, column], span)

    def _piece_range(
        self, tokens: TokenizedArticle, start: int, end: int
    ) -> tuple[int, int] | None:
        """First and last piece overlapping [start, end), or None if no piece does."""
        overlapping = np.flatnonzero((tokens.offsets[:, 0] < end) & (tokens.offsets[:, 1] > start))
        return (int(overlapping[0]), int(overlapping[-1])) if len(overlapping) else None

    def _pool(
        self,
        tokens: TokenizedArticle,
        segment: Segment,
        pieces: tuple[int, int],
        chars: tuple[int, int],
    ) -> np.ndarray:
        first = pieces[0] - segment.first
        last = min(pieces[1], segment.last - 1) - segment.first
        line = line_piece_range(tokens, pieces[0], segment.first, segment.last)
        features = span_features(tokens.index, *chars)
        return pool_span(segment.hidden, (first, last), line, features)


def in_given_text(span: DetectedSpan, view: TextView) -> DetectedSpan:
    """A span found in the model's view of a text, with offsets into the text as given."""
    starts = view.start(np.asarray([span.start, *(a for a, _ in span.key_words)]))
    ends = view.end(np.asarray([span.end, *(b for _, b in span.key_words)]))
    pairs = [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
    return replace(span, start=pairs[0][0], end=pairs[0][1], key_words=tuple(pairs[1:]))


def recurring(index: TextIndex, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """(N,) whether each span's fragment occurs more than once in the text."""
    return np.asarray([fragment_repeats(index, start, end) > 1 for start, end in spans], bool)


def line_piece_range(
    tokens: TokenizedArticle, piece: int, lower: int, upper: int
) -> tuple[int, int]:
    """Pieces of the line holding `piece`, within [lower, upper), relative to `lower`."""
    lines = tokens.index.line_of(tokens.offsets[lower:upper, 0])
    own = lines[piece - lower]
    same = np.flatnonzero(lines == own)
    return int(same[0]), int(same[-1])
