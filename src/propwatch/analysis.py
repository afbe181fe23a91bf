"""The Analysis of one article: spans, sentence scores and a summary, JSON-serialisable.

The JSON form is versioned (`SCHEMA_VERSION`) and described by `schema/analysis.schema.json`.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from propwatch.article import Article, per_1000_words
from propwatch.ingest.decode import Decoding
from propwatch.model.detector import Detection
from propwatch.structure import Structure, voice_of
from propwatch.structure.types import Attribution, Section
from propwatch.techniques import TECHNIQUE_NAMES, by_name

SCHEMA_VERSION = "1.4"


@dataclass(frozen=True)
class KeyWord:
    """A word of a span that weighed most for its technique (see model/evidence.py)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SpanResult:
    start: int
    end: int
    text: str
    technique: str  # PTC label, e.g. "Loaded_Language"
    technique_id: str  # stable slug, e.g. "loaded_language"
    confidence: float
    sentence: int | None  # index into Analysis.sentences
    section: int | None  # index into Analysis.sections
    voice: str  # "outlet": the outlet's own words; "reported": a quotation or attributed clause
    source: str | None  # who the reported words are attributed to
    runner_up: str | None = None  # id of the next likeliest technique, when nearly as likely
    examples: tuple[str, ...] = ()  # training fragments annotated with this technique, most alike
    key_words: tuple[KeyWord, ...] = ()  # the words that weighed most, in text order


@dataclass(frozen=True)
class SentenceResult:
    start: int
    end: int
    text: str
    score: float  # the highest piece probability in it: uncalibrated, unlike span confidences
    techniques: tuple[str, ...]  # ids of the techniques found in it


@dataclass(frozen=True)
class SectionResult:
    start: int
    end: int
    kind: str  # "report", "opinion" or "credits"
    heading: str | None
    words: int
    spans: int
    spans_per_1000_words: float


@dataclass(frozen=True)
class Summary:
    words: int
    spans: int
    sentences: int
    propaganda_sentences: int
    spans_per_1000_words: float
    by_technique: dict[str, int]  # technique id -> span count, all 14 listed
    by_voice: dict[str, int]  # "outlet" / "reported" -> span count
    by_source: dict[str, int]  # source -> count of spans attributed to it


@dataclass(frozen=True)
class Analysis:
    schema_version: str
    model: str
    min_confidence: float  # the display threshold used: no span below it
    text: str
    title: str | None
    url: str | None
    spans: tuple[SpanResult, ...]
    sentences: tuple[SentenceResult, ...]
    sections: tuple[SectionResult, ...]
    attributions: tuple[Attribution, ...]
    summary: Summary
    decoding: Decoding | None = None  # how the article's bytes were read; None for given text
    language: str | None = None  # ISO 639-1 (propwatch.language); None: too short to tell
    warnings: tuple[str, ...] = ()  # one line each, e.g. that the model never saw the language

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def sentence_scores(article: Article, detection: Detection) -> np.ndarray:
    """Highest P(piece in a span) over the pieces that start inside each sentence."""
    starts = detection.tokens.offsets[:, 0] if len(detection.tokens) else np.zeros(0, np.int64)
    scores = np.zeros(len(article.sentences), dtype=np.float32)
    for i, sentence in enumerate(article.sentences):
        lo, hi = np.searchsorted(starts, [sentence.start, sentence.end])
        if hi > lo:
            scores[i] = detection.span_probability[lo:hi].max()
    return scores


def section_index(sections: tuple[Section, ...], offset: int) -> int | None:
    """The section holding `offset`, or None (before the first section: the title)."""
    position = bisect.bisect_right([section.start for section in sections], offset) - 1
    return position if position >= 0 and offset < sections[position].end else None


def build_spans(
    article: Article, detection: Detection, structure: Structure
) -> tuple[SpanResult, ...]:
    spans = []
    for s in detection.spans:
        voice, source = voice_of(structure, s.start, s.end)
        spans.append(
            SpanResult(
                start=s.start,
                end=s.end,
                text=article.text[s.start : s.end],
                technique=s.technique,
                technique_id=by_name(s.technique).id,
                confidence=round(s.confidence, 4),
                sentence=article.sentence_at(s.start),
                section=section_index(structure.sections, s.start),
                voice=voice,
                source=source,
                runner_up=runner_up(s.technique, s.technique_probabilities),
                examples=s.examples,
                key_words=tuple(KeyWord(a, b, article.text[a:b]) for a, b in s.key_words),
            )
        )
    return tuple(spans)


RUNNER_UP_SHARE = 0.5  # a runner-up is named when at least this likely against the chosen one


def runner_up(technique: str, probabilities: tuple[float, ...]) -> str | None:
    """The id of the likeliest technique other than `technique`, if close enough to name."""
    chosen = TECHNIQUE_NAMES.index(technique)
    others = [(p, i) for i, p in enumerate(probabilities) if i != chosen]
    if not others or not probabilities[chosen]:
        return None
    best, index = max(others)
    close = best >= RUNNER_UP_SHARE * probabilities[chosen]
    return by_name(TECHNIQUE_NAMES[index]).id if close else None


def build_sentences(
    article: Article, detection: Detection, spans: tuple[SpanResult, ...]
) -> tuple[SentenceResult, ...]:
    found: dict[int, list[str]] = {}
    for span in spans:
        if span.sentence is not None:
            found.setdefault(span.sentence, []).append(span.technique_id)
    scores = sentence_scores(article, detection)
    return tuple(
        SentenceResult(
            s.start,
            s.end,
            s.text,
            round(float(scores[i]), 4),
            tuple(dict.fromkeys(found.get(i, []))),
        )
        for i, s in enumerate(article.sentences)
    )


def build_sections(
    article: Article, structure: Structure, spans: tuple[SpanResult, ...]
) -> tuple[SectionResult, ...]:
    results = []
    for i, section in enumerate(structure.sections):
        words = len(article.text[section.start : section.end].split())
        count = sum(1 for span in spans if span.section == i)
        results.append(
            SectionResult(
                section.start,
                section.end,
                section.kind,
                section.heading,
                words,
                count,
                round(per_1000_words(count, words), 2),
            )
        )
    return tuple(results)


def build_analysis(
    article: Article,
    detection: Detection,
    model: str,
    structure: Structure,
    url: str | None = None,
    min_confidence: float = 0.0,
    decoding: Decoding | None = None,
    language: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Analysis:
    """Join what the detector and the structure stage found into one Analysis."""
    spans = build_spans(article, detection, structure)
    sentences = build_sentences(article, detection, spans)
    return Analysis(
        schema_version=SCHEMA_VERSION,
        model=model,
        min_confidence=min_confidence,
        text=article.text,
        title=article.title.text if article.title else None,
        url=url,
        spans=spans,
        sentences=sentences,
        sections=build_sections(article, structure, spans),
        attributions=structure.attributions,
        summary=summarise(article, spans, sentences),
        decoding=decoding,
        language=language,
        warnings=warnings,
    )


def summarise(
    article: Article, spans: tuple[SpanResult, ...], sentences: tuple[SentenceResult, ...]
) -> Summary:
    words = len(article.text.split())
    by_technique = {by_name(name).id: 0 for name in TECHNIQUE_NAMES}
    by_voice = {"outlet": 0, "reported": 0}
    by_source: dict[str, int] = {}
    for span in spans:
        by_technique[span.technique_id] += 1
        by_voice[span.voice] += 1
        if span.source:
            by_source[span.source] = by_source.get(span.source, 0) + 1
    return Summary(
        words=words,
        spans=len(spans),
        sentences=len(sentences),
        propaganda_sentences=sum(1 for s in sentences if s.techniques),
        spans_per_1000_words=round(per_1000_words(len(spans), words), 2),
        by_technique=by_technique,
        by_voice=by_voice,
        by_source=by_source,
    )
