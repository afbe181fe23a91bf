"""The detector: the inference stages composed, from article text to technique spans.

encode (model/encode.py) -> propose (propose.py) -> judge (judge.py) -> correct (correct.py) ->
choose (chooser.py) -> label (label.py) -> explain (explain.py). Each stage is a function of its
inputs with settings fixed at construction; the detector builds them from its settings. The
backend is ONNX Runtime in the product and the PyTorch model during training; both go through
this one code path, so what is selected on dev is what ships.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from propwatch.model.calibration import Calibration
from propwatch.model.chooser import SpanChooser, chooser_features, pool_decodes
from propwatch.model.correct import Candidate, HeadCorrection, recurring
from propwatch.model.decode import DecodeSettings, RawSpan
from propwatch.model.encode import Backend, Encoder, Segment
from propwatch.model.evidence import Evidence
from propwatch.model.explain import Explainer
from propwatch.model.judge import Judge, mean_rows
from propwatch.model.label import Labeller
from propwatch.model.propose import Proposer, SegmentView
from propwatch.model.view import TextView, text_view
from propwatch.model.windows import TokenizedArticle, WindowTokenizer
from propwatch.techniques import TECHNIQUE_NAMES


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
    # Display thresholds of the languages that have their own (training/thresholds.py): an
    # article in one of them shows spans from it up, one in any other from min_confidence up
    language_min_confidence: dict[str, float] = field(default_factory=dict)
    # SemEval-2023's paragraph labels (each line a span touches gets its technique) are read
    # from the spans from this confidence up, or a language's own; None: from the shown spans
    paragraph_min_confidence: float | None = None
    language_paragraph_min_confidence: dict[str, float] = field(default_factory=dict)

    @property
    def correction(self) -> HeadCorrection:
        return HeadCorrection(self.technique_bias, self.repetition_bias)

    def display_floor(self, language: str | None) -> float:
        """The display threshold of an article in `language` (None: not known)."""
        if language is None:
            return self.min_confidence
        return self.language_min_confidence.get(language, self.min_confidence)

    def paragraph_floor(self, language: str | None) -> float:
        """The confidence from which spans give an article in `language` its paragraph labels."""
        if language is not None and language in self.language_paragraph_min_confidence:
            return self.language_paragraph_min_confidence[language]
        if self.paragraph_min_confidence is not None:
            return self.paragraph_min_confidence
        return self.display_floor(language)


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
class Detection:
    """Everything the model says about one article, in offsets of the text as given (the
    model read its canonical view: model/view.py; `tokens.index` is that view's)."""

    tokens: TokenizedArticle
    span_probability: np.ndarray  # (pieces,) P(piece is inside some technique span)
    spans: list[DetectedSpan]


@dataclass(frozen=True)
class Judged:
    """A segment's proposed spans with the span head's logits, uncorrected, and for pool
    proposals the chooser's features: what does not change with the corrections and
    calibration that training tunes, so that it can keep them."""

    spans: list[RawSpan]
    logits: np.ndarray  # (spans, head outputs)
    features: np.ndarray | None  # (spans, chooser features), for pool proposals only


def pool_proposer(decode: DecodeSettings) -> Proposer:
    """Proposes the distinct spans of every pool decoding around `decode`."""
    return Proposer(tuple(pool_decodes(decode)))


def proposer_for(decode: DecodeSettings, chooser: SpanChooser | None) -> Proposer:
    """The pool around `decode` for a chooser to choose from; without one, `decode` alone."""
    return Proposer((decode,)) if chooser is None else pool_proposer(decode)


def judge_proposals(
    judge: Judge, proposer: Proposer, tokens: TokenizedArticle, segment: Segment
) -> Judged:
    """Propose a segment's spans and judge them."""
    view = SegmentView.of(tokens, segment, proposer.technique_mix)
    return judge_view(judge, proposer, tokens, segment, view)


def judge_view(
    judge: Judge, proposer: Proposer, tokens: TokenizedArticle, segment: Segment, view: SegmentView
) -> Judged:
    """Propose spans from the segment's `view` (built once, for its span probability too) and
    judge them."""
    spans = proposer(view)
    if not spans:
        return Judged([], np.zeros((0, 0)), np.zeros((0, 0)) if proposer.is_pool else None)
    logits = judge.logits(tokens, segment, spans)
    features = chooser_features(view, spans, logits) if proposer.is_pool else None
    return Judged(spans, logits, features)


def chosen(
    correction: HeadCorrection,
    chooser: SpanChooser | None,
    tokens: TokenizedArticle,
    segment: Segment,
    judged: Judged,
) -> list[Candidate]:
    """The judged proposals that the chooser keeps (all of them without one), corrected. The
    chooser reads uncorrected verdicts, so only what it keeps is corrected."""
    if chooser is None:
        return correction.candidates(tokens, segment, judged.spans, judged.logits)
    if judged.features is None:
        raise ValueError("a span chooser chooses among pool proposals (detector.pool_proposer)")
    kept = chooser.choose(judged.features, [(s.start, s.end) for s in judged.spans])
    spans = [judged.spans[i] for i in kept]
    return correction.candidates(tokens, segment, spans, judged.logits[kept])


@dataclass(frozen=True, eq=False)
class Detector:
    """Finds technique spans in article text with any encoder backend."""

    backend: Backend
    tokenizer: WindowTokenizer
    settings: DetectorSettings
    name: str = "unnamed"
    evidence: Evidence | None = None
    chooser: SpanChooser | None = None

    @cached_property
    def encoder(self) -> Encoder:
        return Encoder(self.backend, self.tokenizer)

    @cached_property
    def judge(self) -> Judge:
        return Judge(self.backend)

    @cached_property
    def proposer(self) -> Proposer:
        return proposer_for(self.settings.decode, self.chooser)

    @cached_property
    def labeller(self) -> Labeller:
        return Labeller(self.settings.second_technique, self.settings.calibration)

    @cached_property
    def explainer(self) -> Explainer:
        return Explainer(self.evidence)

    def detect(
        self,
        text: str,
        min_confidence: float | None = None,
        explained: bool = True,
        language: str | None = None,
    ) -> Detection:
        """Spans at or above `min_confidence` (if None, the model's display threshold for
        `language`, the article's), with their key words and examples unless not `explained`."""
        floor = self.settings.display_floor(language) if min_confidence is None else min_confidence
        view = text_view(text)
        tokens = self.tokenizer.tokenize(view.text)
        spans: list[DetectedSpan] = []
        span_probability = np.zeros(len(tokens), dtype=np.float32)
        if not len(tokens):
            return Detection(tokens, span_probability, spans)
        for segment in self.segments(tokens):
            segment_view = SegmentView.of(tokens, segment, self.proposer.technique_mix)
            span_probability[segment.first : segment.last] = segment_view.likely
            judged = judge_view(self.judge, self.proposer, tokens, segment, segment_view)
            for candidate in chosen(
                self.settings.correction, self.chooser, tokens, segment, judged
            ):
                spans.extend(self._detected(candidate, tokens.index.text, floor, explained))
        spans = [in_given_text(span, view) for span in spans]
        spans.sort(key=lambda s: (s.start, s.end, s.technique))
        offsets = np.column_stack(
            [view.start(tokens.offsets[:, 0]), view.end(tokens.offsets[:, 1])]
        )
        return Detection(replace(tokens, offsets=offsets), span_probability, spans)

    def segments(self, tokens: TokenizedArticle) -> Iterator[Segment]:
        return self.encoder.segments(tokens)

    def _detected(
        self, candidate: Candidate, text: str, floor: float, explained: bool
    ) -> list[DetectedSpan]:
        """The candidate's labels with a confidence of at least `floor`, each explained if
        `explained`."""
        probabilities = tuple(float(p) for p in candidate.techniques)
        detected = []
        for label in self.labeller(candidate):
            if label.confidence < floor:
                continue
            span = DetectedSpan(
                candidate.raw.start,
                candidate.raw.end,
                TECHNIQUE_NAMES[label.technique],
                label.confidence,
                probabilities,
            )
            if explained:
                why = self.explainer(candidate, label.technique, text)
                span = replace(span, examples=why.examples, key_words=why.key_words)
            detected.append(span)
        return detected

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
            logits = self.judge.given_logits(tokens, segment, [(r, spans[i]) for i, r in inside])
            recurs = recurring(tokens.index, [spans[i] for i, _ in inside])
            techniques, _ = self.settings.correction.verdicts(logits, recurs)
            for (i, _), probs in zip(inside, techniques, strict=True):
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
        located = [(i, piece_range(tokens, *span)) for i, span in enumerate(spans)]
        for segment in self.segments(tokens) if segments is None else segments:
            inside = [
                (i, r) for i, r in located if r is not None and segment.first <= r[0] < segment.last
            ]
            if inside:
                yield segment, inside


def piece_range(tokens: TokenizedArticle, start: int, end: int) -> tuple[int, int] | None:
    """First and last piece overlapping [start, end), or None if no piece does."""
    overlapping = np.flatnonzero((tokens.offsets[:, 0] < end) & (tokens.offsets[:, 1] > start))
    return (int(overlapping[0]), int(overlapping[-1])) if len(overlapping) else None


def in_given_text(span: DetectedSpan, view: TextView) -> DetectedSpan:
    """A span found in the model's view of a text, with offsets into the text as given."""
    starts = view.start(np.asarray([span.start, *(a for a, _ in span.key_words)]))
    ends = view.end(np.asarray([span.end, *(b for _, b in span.key_words)]))
    pairs = [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
    return replace(span, start=pairs[0][0], end=pairs[0][1], key_words=tuple(pairs[1:]))
