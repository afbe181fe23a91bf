"""The analysis as one self-contained HTML page: highlighted article, explanations, charts.

The page loads nothing: its CSS and JavaScript (package data: `assets/report.css`, `report.js`)
are inlined, the data the script needs sits in a `<script type="application/json">` block, and a
Content-Security-Policy forbids every network fetch and every script but our own (by hash), so
even a rendering bug cannot run article text.
The page is the template `templates/report.html` (and the `report_*.html` parts it includes),
which escapes everything taken from the article (`render.templating`).

Overlapping spans: the text is cut at every span, sentence, attribution and section boundary;
each highlighted piece is one `<mark>` that lists all spans covering it (`data-spans`, most
confident first) and takes the colour of the most confident one that the filters show, with a dark
underline when several overlap. A small text label after each span names its technique, so colour
is never the only cue.
"""

from __future__ import annotations

import base64
import hashlib
import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from propwatch.article import per_1000_words
from propwatch.language import language_name
from propwatch.render import threshold_phrase
from propwatch.render.templating import render_template
from propwatch.render.typical import typical_of
from propwatch.techniques import TECHNIQUES, Technique, by_id, ink_on
from propwatch.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from propwatch.analysis import Analysis, SpanResult

__all__ = ["Bar", "render_html", "technique_css"]

# Short words for the in-text labels; the full display name is in the panel and the legend.
SHORT_LABELS = {
    "appeal_to_authority": "authority",
    "appeal_to_fear_prejudice": "fear",
    "bandwagon": "bandwagon",
    "black_and_white_fallacy": "either/or",
    "causal_oversimplification": "cause",
    "doubt": "doubt",
    "exaggeration": "exaggeration",
    "flag_waving": "flag",
    "loaded_language": "loaded",
    "name_calling": "name-calling",
    "repetition": "repetition",
    "slogans": "slogan",
    "thought_terminating_cliches": "cliché",
    "whataboutism": "whataboutism",
}
VOICE_NAMES = {"outlet": "Outlet's own voice", "reported": "Reported speech"}
KIND_NAMES = {"report": "Report", "opinion": "Opinion", "credits": "Credits"}
TOP_SENTENCES = 8
TOP_SOURCES = 5
MAX_QUOTE_CHARS = 400  # longer sentences are cut in the table; the article keeps them whole


@dataclass(frozen=True)
class Bar:
    """A bar an app puts at the top of the report (the web app's): its markup and its CSS."""

    markup: Markup
    css: Markup


def render_html(
    analysis: Analysis, bar: Bar | None = None, model_folder: Path | None = None
) -> str:
    """The whole report as one HTML document (UTF-8 text), with `bar` on top when given; the
    typical figures it quotes are those of `model_folder` (default: the shipped model)."""
    for span in analysis.spans:
        by_id(span.technique_id)  # an unknown id raises a PropwatchError before any output
    return render_template(
        "propwatch.render",
        "report.html",
        analysis=analysis,
        summary=analysis.summary,
        title=analysis.title or "Untitled article",
        threshold=threshold_phrase(analysis.min_confidence),
        csp=CSP,
        css=Markup(CSS + technique_css()),
        script=Markup(SCRIPT),
        bar=bar,
        version=__version__,
        most_frequent=_most_frequent(analysis.summary.by_technique),
        voices=_voices(analysis.summary.by_voice),
        sources=_top_sources(analysis.summary.by_source),
        article=_article(analysis),
        filters=_filters(analysis.summary.by_technique),
        slider=_slider(analysis),
        section_rows=_section_rows(analysis),
        sentences=analysis.sentences,
        top_sentences=_top_sentences(analysis),
        legend=_legend(analysis.summary.by_technique),
        data=_data(analysis),
        faint_below=FAINT_BELOW,
        typical=typical_of(analysis.model, model_folder, analysis.language),
        language=language_name(analysis.language) if analysis.language else None,
        short_labels=SHORT_LABELS,
        voice_names=VOICE_NAMES,
        kind_names=KIND_NAMES,
        bucket=_bucket,
        by_id=by_id,
    )


def technique_css() -> str:
    """The palette as CSS: each technique's background and ink, and their dark-theme forms."""
    light = "".join(
        f".t-{t.id}{{background-color:{t.color};color:{ink_on(t.color)}}}" for t in TECHNIQUES
    )
    dark = "".join(
        f".t-{t.id}{{background-color:{t.dark};color:{ink_on(t.dark)}}}" for t in TECHNIQUES
    )
    return f"{light}@media (prefers-color-scheme:dark){{{dark}}}"


# --- summary -----------------------------------------------------------------------------------


def _most_frequent(by_technique: dict[str, int]) -> tuple[Technique, int] | None:
    top = min(((-n, t) for t, n in by_technique.items() if n), default=None)
    return (by_id(top[1]), -top[0]) if top else None


@dataclass(frozen=True)
class _Voices:
    outlet: int
    reported: int
    share: int  # the outlet's, in percent


def _voices(by_voice: dict[str, int]) -> _Voices | None:
    outlet, reported = by_voice.get("outlet", 0), by_voice.get("reported", 0)
    total = outlet + reported
    return _Voices(outlet, reported, round(100 * outlet / total)) if total else None


def _top_sources(by_source: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(by_source.items(), key=lambda item: (-item[1], item[0]))[:TOP_SOURCES]


# --- the article -------------------------------------------------------------------------------


@dataclass
class _Cuts:
    """What starts and ends at each boundary offset of the article text."""

    bounds: list[int]
    span_starts: dict[int, list[int]]
    span_ends: dict[int, list[int]]
    attr_starts: dict[int, list[int]]
    attr_ends: dict[int, list[int]]
    section_starts: dict[int, list[int]]


def _cuts(analysis: Analysis) -> _Cuts:
    size = len(analysis.text)
    cuts = _Cuts([], {}, {}, {}, {}, {})
    bounds = {0, size}
    ranges: Iterable[tuple[dict[Any, Any], dict[Any, Any], Sequence[Any]]] = (
        (cuts.span_starts, cuts.span_ends, analysis.spans),
        (cuts.attr_starts, cuts.attr_ends, analysis.attributions),
    )
    for starts, ends, items in ranges:
        for i, item in enumerate(items):
            if 0 <= item.start < item.end <= size:  # an empty or out-of-range item marks nothing
                starts.setdefault(item.start, []).append(i)
                ends.setdefault(item.end, []).append(i)
                bounds.update((item.start, item.end))
    bounds.update(s.start for s in analysis.sentences)
    bounds.update(s.end for s in analysis.sentences)
    for i, section in enumerate(analysis.sections):
        if 0 <= section.start < size:
            cuts.section_starts.setdefault(section.start, []).append(i)
            bounds.add(section.start)
    cuts.bounds = sorted(b for b in bounds if 0 <= b <= size)
    return cuts


# The article as the template writes it: a run of these parts, in text order.


@dataclass(frozen=True)
class _SentenceStart:
    index: int
    score: float
    kind: str = "sentence"


@dataclass(frozen=True)
class _SentenceEnd:
    kind: str = "end"


@dataclass(frozen=True)
class _SectionMark:
    index: int
    section_kind: str
    kind: str = "section"


@dataclass(frozen=True)
class _Label:
    """The small label that names a span's technique after its last piece."""

    technique: Technique
    index: int
    kind: str = "label"


@dataclass(frozen=True)
class _Piece:
    """A stretch of text between two boundaries: plain, reported speech, or a highlight."""

    text: str
    spans: list[int]  # the spans covering it, most confident first
    source: str | None  # the innermost attribution's source, in reported speech
    top: SpanResult | None
    techniques: list[str]  # of `spans`, each once
    faint: bool
    kind: str = "piece"


_Part = _SentenceStart | _SentenceEnd | _SectionMark | _Label | _Piece


def _article(analysis: Analysis) -> list[_Part]:
    """The text cut into pieces at every boundary, each piece marked with what covers it."""
    cuts, text = _cuts(analysis), analysis.text
    sentence_starts = [s.start for s in analysis.sentences]
    spans: set[int] = set()
    attributions: set[int] = set()
    out: list[_Part] = []
    open_sentence: int | None = None
    for lo, hi in pairwise(cuts.bounds):
        spans.difference_update(cuts.span_ends.get(lo, ()))
        spans.update(cuts.span_starts.get(lo, ()))
        attributions.difference_update(cuts.attr_ends.get(lo, ()))
        attributions.update(cuts.attr_starts.get(lo, ()))
        sentence = _sentence_at(analysis, sentence_starts, lo)
        if open_sentence is not None and sentence != open_sentence:
            out.append(_SentenceEnd())
            open_sentence = None
        out.extend(
            _SectionMark(i, analysis.sections[i].kind) for i in cuts.section_starts.get(lo, ())
        )
        if sentence is not None and open_sentence is None:
            out.append(_SentenceStart(sentence, analysis.sentences[sentence].score))
            open_sentence = sentence
        out.append(_piece(analysis, text[lo:hi], spans, attributions))
        ends = sorted(cuts.span_ends.get(hi, ()), key=lambda i: analysis.spans[i].start)
        out.extend(_Label(by_id(analysis.spans[i].technique_id), i) for i in ends)
    if open_sentence is not None:
        out.append(_SentenceEnd())
    return out


def _sentence_at(analysis: Analysis, starts: list[int], offset: int) -> int | None:
    i = bisect_right(starts, offset) - 1
    return i if i >= 0 and offset < analysis.sentences[i].end else None


# Highlights below this confidence are drawn paler: fewer than one in five such spans is one that
# annotators marked.
FAINT_BELOW = 0.2


def is_faint(confidence: float) -> bool:
    """Drawn paler: judged on the percentage a reader sees, so 0.197 ("20%") is not faint."""
    return round(confidence * 100) < round(FAINT_BELOW * 100)


def _piece(analysis: Analysis, text: str, spans: set[int], attributions: set[int]) -> _Piece:
    source = None
    if attributions:  # the innermost (shortest) one, as voice_of picks for spans
        source = analysis.attributions[min(attributions, key=_length_of(analysis))].source
    ranked = sorted(spans, key=lambda i: (-analysis.spans[i].confidence, i))
    top = analysis.spans[ranked[0]] if ranked else None
    techniques = list(dict.fromkeys(analysis.spans[i].technique_id for i in ranked))
    faint = top is not None and is_faint(top.confidence)
    return _Piece(text, ranked, source, top, techniques, faint)


def _length_of(analysis: Analysis) -> Callable[[int], tuple[int, int]]:
    return lambda i: (analysis.attributions[i].end - analysis.attributions[i].start, i)


def _filters(by_technique: dict[str, int]) -> list[tuple[Technique, int]]:
    found = sorted(((n, t) for t, n in by_technique.items() if n), key=lambda x: (-x[0], x[1]))
    return [(by_id(t), n) for n, t in found]


@dataclass(frozen=True)
class _Slider:
    """The minimum-confidence slider, in tenths of a percent."""

    floor: int
    top: int
    step: int


def _slider(analysis: Analysis) -> _Slider:
    # The slider runs up to the highest confidence found, so that it is useful however the
    # model's confidences are spread. It starts at the analysis' own threshold: no span below it
    # was kept.
    floor = math.floor(1000 * analysis.min_confidence)
    top = max(floor + 1, math.ceil(1000 * max((s.confidence for s in analysis.spans), default=1.0)))
    return _Slider(floor, top, max(1, (top - floor) // 40))


# --- sections chart ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    name: str
    heading: str | None
    kind: str
    words: int
    counts: Counter[str]

    @property
    def spans(self) -> int:
        return sum(self.counts.values())

    @property
    def density(self) -> float:
        return round(per_1000_words(self.spans, self.words), 1)

    @property
    def ranked(self) -> list[tuple[Technique, int]]:
        """Its techniques, most spans first."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return [(by_id(t), n) for t, n in ordered]


def _section_rows(analysis: Analysis) -> tuple[list[_Row], float]:
    """The rows of the sections chart, and the density its longest bar stands for."""
    rows = _rows(analysis)
    return rows, max((row.density for row in rows), default=0.0) or 1.0


def _rows(analysis: Analysis) -> list[_Row]:
    counts: dict[int | None, Counter[str]] = {}
    for span in analysis.spans:
        counts.setdefault(span.section, Counter())[span.technique_id] += 1
    sections = analysis.sections
    if not sections:
        return [
            _Row(
                "Whole article", None, "report", analysis.summary.words, counts.get(None, Counter())
            )
        ]
    rows = [
        _Row(
            f"§{i + 1} {KIND_NAMES.get(s.kind, s.kind)}",
            s.heading,
            s.kind,
            s.words,
            counts.get(i, Counter()),
        )
        for i, s in enumerate(sections)
    ]
    # The headline and dateline, before the first section: their words count in the article's
    # rate, so they get a row even without spans, and the rows' words add up to the article's
    words = len(analysis.text[: sections[0].start].split())
    if words or None in counts:
        rows.insert(0, _Row("Headline", None, "title", words, counts.get(None, Counter())))
    return rows


# --- sentence scores ---------------------------------------------------------------------------


def _bucket(score: float) -> int:
    return max(0, min(5, int(score * 6)))


def _top_sentences(analysis: Analysis) -> list[tuple[int, str]]:
    """The highest-scoring sentences' indices and texts, long ones cut."""
    sentences = analysis.sentences
    ranked = sorted(range(len(sentences)), key=lambda i: (-sentences[i].score, i))
    return [(i, _quote(sentences[i].text)) for i in ranked[:TOP_SENTENCES]]


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE_CHARS else text[: MAX_QUOTE_CHARS - 1] + "…"


# --- legend and data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Legend:
    found: list[tuple[Technique, int]]  # most spans first
    absent: list[Technique]  # in the taxonomy's order


def _legend(counts: dict[str, int]) -> _Legend:
    ordered = sorted(TECHNIQUES, key=lambda t: (-counts.get(t.id, 0), t.index))
    found = [(t, counts[t.id]) for t in ordered if counts.get(t.id)]
    return _Legend(found, [t for t in ordered if not counts.get(t.id)])


def _data(analysis: Analysis) -> dict[str, Any]:
    """What the script needs: the spans and the taxonomy (the text is in the page already)."""
    return {
        "spans": [
            {
                "technique": s.technique_id,
                "confidence": s.confidence,
                "voice": s.voice,
                "source": s.source,
                "text": s.text,
                "runner_up": s.runner_up,
                "examples": list(s.examples),
                # offsets within the span's text, for the pop-up's quote
                "key_words": [[w.start - s.start, w.end - s.start] for w in s.key_words],
            }
            for s in analysis.spans
        ],
        "techniques": {
            t.id: {"name": t.display_name, "definition": t.definition} for t in TECHNIQUES
        },
        "voices": VOICE_NAMES,
    }


# --- page assets: package data, inlined so that the page needs nothing else -------------------

_ASSETS = files("propwatch.render") / "assets"
CSS = (_ASSETS / "report.css").read_text(encoding="utf-8")
SCRIPT = (_ASSETS / "report.js").read_text(encoding="utf-8")

# Only our own script may run (by hash): injected markup could not execute even if it got in.
CSP = (
    "default-src 'none'; "
    f"script-src 'sha256-{base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()}'; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
