"""The analysis as one self-contained HTML page: highlighted article, explanations, charts.

The page loads nothing: its CSS and JavaScript (package data: `assets/report.css`, `report.js`)
are inlined, the data the script needs sits in a `<script type="application/json">` block, and a
Content-Security-Policy forbids every network fetch and every script but our own (by hash), so
even a rendering bug cannot run article text.
Everything taken from the article is escaped with `html.escape`.

Overlapping spans: the text is cut at every span, sentence, attribution and section boundary;
each highlighted piece is one `<mark>` that lists all spans covering it (`data-spans`, most
confident first) and takes the colour of the most confident one that the filters show, with a dark
underline when several overlap. A small text label after each span names its technique, so colour
is never the only cue.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from propwatch.article import per_1000_words
from propwatch.render import threshold_phrase
from propwatch.render.typical import TYPICAL
from propwatch.techniques import TECHNIQUES, Technique, by_id, ink_on
from propwatch.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from propwatch.analysis import Analysis, SpanResult

__all__ = ["render_html", "technique_css"]

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


def render_html(analysis: Analysis) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    for span in analysis.spans:
        by_id(span.technique_id)  # an unknown id raises a PropwatchError before any output
    title = analysis.title or "Untitled article"
    body = "".join(
        (
            _header(analysis, title),
            "<main id='main'>",
            _summary(analysis),
            _workspace(analysis),
            "<div class='panels'>",
            _sections_chart(analysis),
            _sentences(analysis),
            "</div>",
            _reading_guide(analysis),
            _legend(analysis),
            "</main>",
            _footer(analysis),
            _panel(),
            f"<script type='application/json' id='pw-data'>{_script_json(_data(analysis))}",
            "</script>",
            f"<script>{SCRIPT}</script>",
        )
    )
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta http-equiv='Content-Security-Policy' content='{_e(CSP)}'>"
        "<meta name='referrer' content='no-referrer'>"
        f"<meta name='generator' content='propwatch {_e(__version__)}'>"
        "<link rel='icon' href='data:,'>"
        f"<title>{_e(title)} — propwatch report</title>"
        f"<style>{CSS}{technique_css()}</style></head>"
        f"<body><a class='skip' href='#article'>Skip to the article</a>{body}</body></html>\n"
    )


# --- small helpers -----------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escaped for HTML text and quoted attribute values alike."""
    return html.escape(str(value), quote=True)


def _script_json(data: Any) -> str:
    """JSON that cannot end its <script> element: < > & (and ') become \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char in "&<>'":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _label(technique_id: str, extra: str = "") -> str:
    """The small text label that names a technique next to its colour."""
    technique = by_id(technique_id)
    return (
        f"<span class='lab t-{technique.id}' title='{_e(technique.display_name)}'{extra}>"
        f"{_e(SHORT_LABELS.get(technique.id, technique.display_name))}</span>"
    )


def _swatch(technique_id: str) -> str:
    return f"<span class='sw t-{technique_id}' aria-hidden='true'></span>"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def technique_css() -> str:
    """The palette as CSS: each technique's background and ink, and their dark-theme forms."""
    light = "".join(
        f".t-{t.id}{{background-color:{t.color};color:{ink_on(t.color)}}}" for t in TECHNIQUES
    )
    dark = "".join(
        f".t-{t.id}{{background-color:{t.dark};color:{ink_on(t.dark)}}}" for t in TECHNIQUES
    )
    return f"{light}@media (prefers-color-scheme:dark){{{dark}}}"


# --- header and summary ------------------------------------------------------------------------


def _header(analysis: Analysis, title: str) -> str:
    url = f"<p class='url'><span>Source</span> {_e(analysis.url)}</p>" if analysis.url else ""
    summary = analysis.summary
    return (
        "<header class='top'><p class='eyebrow'>propwatch · propaganda technique report</p>"
        f"<h1>{_e(title)}</h1>{url}"
        f"<p class='meta'>{summary.words:,} words · {summary.sentences:,} sentences · "
        f"{threshold_phrase(analysis.min_confidence)} · "
        f"model <code>{_e(analysis.model)}</code></p></header>"
    )


def _summary(analysis: Analysis) -> str:
    s = analysis.summary
    top = min(((-n, t) for t, n in s.by_technique.items() if n), default=None)
    stats = (
        _stat(f"{s.spans:,}", "technique span" if s.spans == 1 else "technique spans"),
        _stat(
            f"{s.spans_per_1000_words:,.1f}",
            f"spans per 1,000 words <small>(typical: {TYPICAL.q1:g}&ndash;{TYPICAL.q3:g})</small>",
        ),
        _stat(
            f"{s.propaganda_sentences:,} <small>of {s.sentences:,}</small>",
            "sentences use a technique",
        ),
        _stat(
            _e(by_id(top[1]).display_name) if top else "—",
            f"most frequent ({_plural(-top[0], 'span')})" if top else "most frequent",
            text=True,
        ),
    )
    return (
        "<section class='summary' aria-labelledby='h-summary'>"
        "<h2 id='h-summary' class='vh'>Summary</h2>"
        f"<div class='stats'>{''.join(stats)}</div>"
        f"<div class='who'>{_voice_share(s.by_voice)}{_top_sources(s.by_source)}</div></section>"
    )


def _stat(value: str, label: str, text: bool = False) -> str:
    return (
        f"<div class='stat'><span class='num{' text' if text else ''}'>{value}</span>"
        f"<span class='lbl'>{label}</span></div>"
    )


def _voice_share(by_voice: dict[str, int]) -> str:
    outlet, reported = by_voice.get("outlet", 0), by_voice.get("reported", 0)
    total = outlet + reported
    if not total:
        return "<div class='voice'><h3>Whose words?</h3><p class='muted'>No spans.</p></div>"
    share = _percent(outlet, total)
    return (
        "<div class='voice'><h3>Whose words carry the techniques?</h3>"
        f"<div class='split' role='img' aria-label='{share}% outlet, {100 - share}% reported'>"
        f"<span class='v-outlet' style='width:{share}%'></span>"
        f"<span class='v-reported' style='width:{100 - share}%'></span></div>"
        "<ul class='keys'>"
        f"<li><span class='key v-outlet' aria-hidden='true'></span>{VOICE_NAMES['outlet']}: "
        f"<strong>{share}%</strong> ({outlet:,})</li>"
        f"<li><span class='key v-reported' aria-hidden='true'></span>{VOICE_NAMES['reported']}: "
        f"<strong>{100 - share}%</strong> ({reported:,})</li></ul>"
        "<p class='note voice-note'>Reported speech is quoted or attributed to a source: a "
        "technique there may be the source's rather than the outlet's. Whether the outlet "
        "endorses it is for you to judge.</p></div>"
    )


def _top_sources(by_source: dict[str, int]) -> str:
    ranked = sorted(by_source.items(), key=lambda item: (-item[1], item[0]))[:TOP_SOURCES]
    items = "".join(
        f"<li><span class='src'>{_e(source)}</span> <span class='n'>{count:,}</span></li>"
        for source, count in ranked
    )
    body = f"<ol class='sources'>{items}</ol>" if items else "<p class='muted'>None named.</p>"
    return f"<div class='who-src'><h3>Sources quoted in spans</h3>{body}</div>"


# --- the article -------------------------------------------------------------------------------


def _workspace(analysis: Analysis) -> str:
    return (
        "<div class='workspace'>"
        "<section class='reader' aria-labelledby='h-article'>"
        "<h2 id='h-article'>Article</h2>"
        "<p class='hint'>Hover over a highlight, or select it (click, Enter or Space), to see "
        "the technique and why it counts. Paler highlights are less sure: under "
        f"{FAINT_BELOW:.0%} confidence.</p>"
        f"<div id='article' class='article' tabindex='-1'>{_article(analysis)}</div></section>"
        "<aside class='side' aria-label='Filters and display options'>"
        f"{_filters(analysis.summary.by_technique)}{_options(analysis)}</aside></div>"
    )


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


def _article(analysis: Analysis) -> str:
    """The text cut into pieces at every boundary, each piece marked with what covers it."""
    cuts, text = _cuts(analysis), analysis.text
    sentence_starts = [s.start for s in analysis.sentences]
    spans: set[int] = set()
    attributions: set[int] = set()
    out: list[str] = []
    open_sentence: int | None = None
    for lo, hi in pairwise(cuts.bounds):
        spans.difference_update(cuts.span_ends.get(lo, ()))
        spans.update(cuts.span_starts.get(lo, ()))
        attributions.difference_update(cuts.attr_ends.get(lo, ()))
        attributions.update(cuts.attr_starts.get(lo, ()))
        sentence = _sentence_at(analysis, sentence_starts, lo)
        if open_sentence is not None and sentence != open_sentence:
            out.append("</span>")
            open_sentence = None
        out.extend(_section_mark(analysis, i) for i in cuts.section_starts.get(lo, ()))
        if sentence is not None and open_sentence is None:
            score = analysis.sentences[sentence].score
            out.append(f"<span class='sent' id='s-{sentence}' data-score='{score:.2f}'>")
            open_sentence = sentence
        out.append(_piece(analysis, text[lo:hi], spans, attributions))
        ends = sorted(cuts.span_ends.get(hi, ()), key=lambda i: analysis.spans[i].start)
        out.extend(_span_label(analysis.spans[i], i) for i in ends)
    if open_sentence is not None:
        out.append("</span>")
    return "".join(out)


def _sentence_at(analysis: Analysis, starts: list[int], offset: int) -> int | None:
    i = bisect_right(starts, offset) - 1
    return i if i >= 0 and offset < analysis.sentences[i].end else None


# Highlights below this confidence are drawn paler: fewer than one in five such spans is one that
# annotators marked.
FAINT_BELOW = 0.2


def is_faint(confidence: float) -> bool:
    """Drawn paler: judged on the percentage a reader sees, so 0.197 ("20%") is not faint."""
    return round(confidence * 100) < round(FAINT_BELOW * 100)


def _piece(analysis: Analysis, text: str, spans: set[int], attributions: set[int]) -> str:
    """One stretch of text between two boundaries: plain, reported speech, or a highlight."""
    reported = ""
    if attributions:  # the innermost (shortest) one, as voice_of picks for spans
        source = analysis.attributions[min(attributions, key=_length_of(analysis))].source
        reported = f" data-source='{_e(source)}'"
    if not spans and reported:
        return f"<span class='rep'{reported} title='Reported: {_e(source)}'>{_e(text)}</span>"
    if not spans:
        return _e(text)
    ranked = sorted(spans, key=lambda i: (-analysis.spans[i].confidence, i))
    top = analysis.spans[ranked[0]]
    ids = list(dict.fromkeys(analysis.spans[i].technique_id for i in ranked))
    classes = f"hl t-{top.technique_id}{' multi' if len(ranked) > 1 else ''}"
    classes += " faint" if is_faint(top.confidence) else ""
    classes += " rep" if reported else ""
    return (
        f"<mark class='{classes}' data-spans='{' '.join(map(str, ranked))}' "
        f"data-techniques='{' '.join(ids)}' data-confidence='{top.confidence:.2f}'{reported} "
        "tabindex='0' role='button' aria-expanded='false' aria-controls='pw-panel' "
        f"aria-describedby='{' '.join(f'n-{t}' for t in ids)}'>{_e(text)}</mark>"
    )


def _length_of(analysis: Analysis) -> Callable[[int], tuple[int, int]]:
    return lambda i: (analysis.attributions[i].end - analysis.attributions[i].start, i)


def _span_label(span: SpanResult, index: int) -> str:
    return _label(span.technique_id, extra=f" data-span='{index}' aria-hidden='true'")


def _section_mark(analysis: Analysis, index: int) -> str:
    kind = analysis.sections[index].kind
    return (
        f"<span class='secmark k-{_e(kind)}' id='sec-{index}'>§{index + 1} "
        f"{_e(KIND_NAMES.get(kind, kind))}</span>"
    )


def _filters(by_technique: dict[str, int]) -> str:
    found = sorted(((n, t) for t, n in by_technique.items() if n), key=lambda x: (-x[0], x[1]))
    if not found:
        return "<div class='filters'><h2>Techniques found</h2><p>None.</p></div>"
    items = "".join(
        f"<li><label><input type='checkbox' checked value='{t}' data-filter>"
        f"{_swatch(t)}<span class='fname'>{_e(by_id(t).display_name)}</span>"
        f"<span class='count' aria-label='{n} spans'>{n:,}</span></label></li>"
        for n, t in found
    )
    return (
        "<fieldset class='filters'><legend><h2>Techniques found</h2></legend>"
        "<div class='bulk'><button type='button' data-all='1'>Show all</button>"
        "<button type='button' data-all='0'>Hide all</button></div>"
        f"<ul>{items}</ul><p class='status' role='status' aria-live='polite'></p></fieldset>"
    )


def _options(analysis: Analysis) -> str:
    # The slider runs in tenths of a percent up to the highest confidence found, so that it is
    # useful however the model's confidences are spread.
    # It starts at the analysis' own threshold: no span below it was kept.
    floor = math.floor(1000 * analysis.min_confidence)
    top = max(floor + 1, math.ceil(1000 * max((s.confidence for s in analysis.spans), default=1.0)))
    return (
        "<fieldset class='options'><legend><h2>Display</h2></legend>"
        "<label class='range'><span>Minimum confidence <output id='opt-conf-out'>"
        f"{floor / 10:g}%</output></span><input type='range' id='opt-conf' min='{floor}' "
        f"max='{top}' step='{max(1, (top - floor) // 40)}' value='{floor}'></label>"
        "<label><input type='checkbox' id='opt-labels' checked> Technique labels in the text"
        "</label><label><input type='checkbox' id='opt-voice'> Underline "
        "<span class='rep-key'>reported speech</span></label></fieldset>"
    )


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


def _section_rows(analysis: Analysis) -> list[_Row]:
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


def _sections_chart(analysis: Analysis) -> str:
    rows = _section_rows(analysis)
    scale = max((row.density for row in rows), default=0.0) or 1.0
    items = "".join(_chart_row(row, scale) for row in rows)
    return (
        "<section class='chart' aria-labelledby='h-sections'>"
        "<h2 id='h-sections'>Techniques per section</h2>"
        "<p class='note'>Bar length: spans per 1,000 words, so sections of different length "
        "compare fairly. Colours: techniques, named below each bar.</p>"
        f"<ol class='rows'>{items}</ol></section>"
    )


def _chart_row(row: _Row, scale: float) -> str:
    ranked = sorted(row.counts.items(), key=lambda item: (-item[1], item[0]))
    width = 100 * row.density / scale
    segments = "".join(
        f"<span class='t-{t}' style='width:{100 * n / row.spans:.2f}%' "
        f"title='{_e(by_id(t).display_name)}: {n}'></span>"
        for t, n in ranked
    )
    breakdown = " · ".join(f"{_e(by_id(t).display_name)} {n}" for t, n in ranked) or "no spans"
    heading = f"<span class='sec-heading'>{_e(row.heading)}</span>" if row.heading else ""
    return (
        f"<li class='k-{_e(row.kind)}'><div class='row-head'><span class='sec-name'>"
        f"{_e(row.name)}</span>{heading}<span class='nums'>{_plural(row.spans, 'span')} · "
        f"<strong>{row.density:g}</strong> per 1,000 words · {row.words:,} words</span></div>"
        f"<div class='track'><div class='bar' style='width:{width:.2f}%'>{segments}</div></div>"
        f"<p class='breakdown'>{breakdown}</p></li>"
    )


# --- sentence scores ---------------------------------------------------------------------------


def _sentences(analysis: Analysis) -> str:
    sentences = analysis.sentences
    if not sentences:
        return "<section class='scores'><h2>Sentence scores</h2><p>No sentences.</p></section>"
    strip = "".join(
        f"<a href='#s-{i}' class='b{_bucket(s.score)}' tabindex='-1' "
        f"title='Sentence {i + 1}: {s.score:.2f}'></a>"
        for i, s in enumerate(sentences)
    )
    ranked = sorted(range(len(sentences)), key=lambda i: (-sentences[i].score, i))
    rows = "".join(_sentence_row(analysis, i) for i in ranked[:TOP_SENTENCES])
    return (
        "<section class='scores' aria-labelledby='h-scores'>"
        "<h2 id='h-scores'>Sentence scores</h2>"
        "<p class='note'>How likely each sentence is to use a technique, in article order: "
        "the stronger the colour, the likelier. Select a cell to jump to its sentence.</p>"
        f"<div class='strip' aria-hidden='true'>{strip}</div>"
        f"<table><caption>The {min(TOP_SENTENCES, len(sentences))} highest-scoring sentences"
        "</caption><thead><tr><th scope='col'>Score</th><th scope='col'>Sentence</th>"
        f"<th scope='col'>Techniques</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _bucket(score: float) -> int:
    return max(0, min(5, int(score * 6)))


def _sentence_row(analysis: Analysis, index: int) -> str:
    sentence = analysis.sentences[index]
    text = sentence.text
    if len(text) > MAX_QUOTE_CHARS:
        text = text[: MAX_QUOTE_CHARS - 1] + "…"
    labels = "".join(_label(t) for t in sentence.techniques) or "<span class='muted'>—</span>"
    return (
        f"<tr><td class='score'><span class='meter' aria-hidden='true'><span class='b"
        f"{_bucket(sentence.score)}' style='width:{100 * sentence.score:.0f}%'></span></span>"
        f"{sentence.score:.2f}</td><td><a href='#s-{index}' class='goto'>#{index + 1}</a> "
        f"{_e(text)}</td><td class='labels'>{labels}</td></tr>"
    )


# --- how to read the numbers -------------------------------------------------------------------


def _reading_guide(analysis: Analysis) -> str:
    gold_median, gold_q1, gold_q3 = TYPICAL.annotators
    terms = (
        (
            "Spans per 1,000 words",
            "1,000 &times; technique spans &divide; words, where words are the "
            "whitespace-separated words of the whole text, headline and dateline included. "
            "Sections, the corpus statistics and this summary all use this one formula. For "
            f"comparison, {_e(TYPICAL.sentence())} (annotators marked a median {gold_median:g}, "
            f"middle half {gold_q1:g}&ndash;{gold_q3:g}); the model learnt from those articles, "
            "so take the figure as a reference, not a norm.",
        ),
        (
            "Confidence",
            "How likely trained annotators would mark this technique on this fragment, "
            "calibrated on articles the model did not learn from: of spans at 70%, about seven "
            f"in ten are right. This report shows {threshold_phrase(analysis.min_confidence)}.",
        ),
        (
            "Sentence score",
            "The model's highest probability, over the sentence's words, that a word lies "
            "inside some technique span: where the model sees technique at all. It is not "
            "calibrated, so it is no chance of being right and usually higher than the "
            "confidence of any span in the sentence, which must also hit the right words with "
            "the right technique: judge highlights by their confidence.",
        ),
        (
            "Voice",
            "Outlet's own voice, or reported speech: a quotation of four or more words with its "
            "speaker, or a clause attributed to a source (“X said that…”, “according to X”). "
            "An aside about someone (“…, which is essentially a patchy alliance”) stays the "
            "outlet's own.",
        ),
    )
    items = "".join(f"<div><dt>{term}</dt><dd>{text}</dd></div>" for term, text in terms)
    return (
        "<section class='guide' aria-labelledby='h-guide'>"
        f"<h2 id='h-guide'>How to read these numbers</h2><dl>{items}</dl></section>"
    )


# --- legend, footer, panel, data ---------------------------------------------------------------


def _legend(analysis: Analysis) -> str:
    counts = analysis.summary.by_technique
    ordered = sorted(TECHNIQUES, key=lambda t: (-counts.get(t.id, 0), t.index))
    found = "".join(_legend_entry(t, counts[t.id]) for t in ordered if counts.get(t.id))
    absent = [t for t in ordered if not counts.get(t.id)]
    rest = "".join(_legend_entry(t, 0) for t in absent)
    more = (
        f"<details><summary>{_plural(len(absent), 'technique')} not found in this article"
        f"</summary><dl>{rest}</dl></details>"
        if absent
        else ""
    )
    return (
        "<section class='legend' aria-labelledby='h-legend'>"
        f"<h2 id='h-legend'>Legend: the {len(TECHNIQUES)} techniques</h2>"
        "<p class='note'>A highlight takes the colour of its most confident technique; "
        "<span class='hl multi demo t-loaded_language'>an underline inside a highlight</span> "
        "means several techniques overlap there, and "
        "<span class='rep demo'>a dotted underline</span> marks reported speech.</p>"
        f"{f'<dl>{found}</dl>' if found else ''}{more}</section>"
    )


def _legend_entry(technique: Technique, count: int) -> str:
    found = f"<p class='found'>{_plural(count, 'span')} in this article</p>" if count else ""
    return (
        f"<div class='entry'><dt id='n-{technique.id}'>{_swatch(technique.id)}"
        f"<span class='lname'>{_e(technique.display_name)}</span>{_label(technique.id)}</dt>"
        f"<dd>{found}"
        f"<p>{_e(technique.definition)}</p>"
        f"<p class='example'>Example: “{_e(technique.example)}”</p></dd></div>"
    )


def _footer(analysis: Analysis) -> str:
    return (
        f"<footer><p>Made by propwatch {_e(__version__)} with model <code>{_e(analysis.model)}"
        f"</code>, JSON schema {_e(analysis.schema_version)}. The model finds techniques, not "
        "falsehoods: a highlight is a lead for a human to check, not a verdict.</p></footer>"
    )


def _panel() -> str:
    return (
        "<div id='pw-panel' class='panel' role='region' aria-live='polite' "
        "aria-labelledby='pw-panel-title' hidden>"
        "<div class='panel-head'><h2 id='pw-panel-title'>Technique</h2>"
        "<button type='button' class='close' aria-label='Close'>&times;</button></div>"
        "<div class='panel-body'></div></div>"
    )


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
