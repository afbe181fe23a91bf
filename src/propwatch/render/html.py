"""The analysis as one self-contained HTML page: highlighted article, explanations, charts.

The page loads nothing: CSS and JavaScript are inline, the data the script needs sits in a
`<script type="application/json">` block, and a Content-Security-Policy forbids every network
fetch and every script but our own (by hash), so even a rendering bug cannot run article text.
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
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from propwatch.techniques import TECHNIQUES, Technique, by_id
from propwatch.version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from propwatch.analysis import Analysis, SpanResult

__all__ = ["render_html"]

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
        f"<style>{CSS}{_technique_css()}</style></head>"
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


def _per_thousand(count: int, words: int) -> float:
    return round(1000 * count / words, 1) if words else 0.0


def _technique_css() -> str:
    return "".join(f".t-{t.id}{{background-color:{t.color}}}" for t in TECHNIQUES)


# --- header and summary ------------------------------------------------------------------------


def _header(analysis: Analysis, title: str) -> str:
    url = f"<p class='url'><span>Source</span> {_e(analysis.url)}</p>" if analysis.url else ""
    summary = analysis.summary
    return (
        "<header class='top'><p class='eyebrow'>propwatch · propaganda technique report</p>"
        f"<h1>{_e(title)}</h1>{url}"
        f"<p class='meta'>{summary.words:,} words · {summary.sentences:,} sentences · "
        f"model <code>{_e(analysis.model)}</code></p></header>"
    )


def _summary(analysis: Analysis) -> str:
    s = analysis.summary
    top = min(((-n, t) for t, n in s.by_technique.items() if n), default=None)
    stats = (
        _stat(f"{s.spans:,}", "technique span" if s.spans == 1 else "technique spans"),
        _stat(f"{s.spans_per_1000_words:,.1f}", "spans per 1,000 words"),
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
        "the technique and why it counts.</p>"
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
    ranges: Iterable[tuple[dict, dict, Sequence[Any]]] = (
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
    top = math.ceil(1000 * max((s.confidence for s in analysis.spans), default=1.0))
    return (
        "<fieldset class='options'><legend><h2>Display</h2></legend>"
        "<label class='range'><span>Minimum confidence <output id='opt-conf-out'>0%</output>"
        f"</span><input type='range' id='opt-conf' min='0' max='{top}' step='{max(1, top // 40)}' "
        "value='0'></label>"
        "<label><input type='checkbox' id='opt-labels' checked> Technique labels in the text"
        "</label><label><input type='checkbox' id='opt-voice' checked> Underline "
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
        return _per_thousand(self.spans, self.words)


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
    if None in counts:  # spans in the headline, before the first section
        words = len(analysis.text[: sections[0].start].split())
        rows.insert(0, _Row("Headline", None, "title", words, counts[None]))
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
        "darker is likelier. Select a cell to jump to its sentence.</p>"
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
        "<span class='hl multi demo t-loaded_language'>a dark underline</span> means several "
        "techniques overlap there, and <span class='rep demo'>a dotted underline</span> marks "
        "reported speech.</p>"
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
            }
            for s in analysis.spans
        ],
        "techniques": {
            t.id: {"name": t.display_name, "definition": t.definition} for t in TECHNIQUES
        },
        "voices": VOICE_NAMES,
    }


# --- page assets -------------------------------------------------------------------------------

CSS = """
:root{--ink:#1d2126;--muted:#565d66;--paper:#fbfaf7;--card:#fff;--line:#e3e0d8;
--accent:#1f5b99;--focus:#1f5b99;--outlet:#44536a;--reported:#b9c3cf;color-scheme:light}
*{box-sizing:border-box}
html{background:var(--paper);color:var(--ink)}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",
Arial,sans-serif}
main,header.top,footer{max-width:1180px;margin:0 auto;padding:0 24px}
h1,h2,h3{line-height:1.25;margin:0 0 .5em}
h2{font-size:1.15rem}
h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
a{color:var(--accent)}
code{font:.85em ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.skip{position:absolute;left:8px;top:-40px;background:var(--card);padding:6px 10px;z-index:9}
.skip:focus{top:8px}
.muted{color:var(--muted)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
header.top{padding-top:28px;padding-bottom:8px}
.eyebrow{margin:0 0 .4em;font-size:.78rem;letter-spacing:.08em;text-transform:uppercase;
color:var(--muted)}
h1{font:600 1.9rem/1.2 Georgia,"Iowan Old Style","DejaVu Serif",serif;max-width:32em;
overflow-wrap:anywhere}
.url{margin:0 0 .3em;color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
.url span{font-weight:600;margin-right:.3em}
.meta{margin:0;color:var(--muted);font-size:.9rem}
.summary{display:grid;gap:12px;margin:18px 0 20px}
.stats{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px}
.stat,.voice,.who-src,.reader,.side fieldset,.chart,.scores,.legend{background:var(--card);
border:1px solid var(--line);border-radius:10px}
.stat{padding:14px 16px;display:flex;flex-direction:column;gap:2px}
.stat .num{font-size:1.7rem;font-weight:650;font-variant-numeric:tabular-nums}
.stat .num.text{font-size:1.2rem;line-height:1.3;padding:.35em 0 .2em}
.stat .num small{font-size:.55em;font-weight:500;color:var(--muted)}
.stat .lbl{color:var(--muted);font-size:.88rem}
.who{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
.voice,.who-src{padding:14px 16px}
.split{display:flex;height:12px;border-radius:6px;overflow:hidden;background:var(--line)}
.v-outlet{background:var(--outlet)}
.v-reported{background:repeating-linear-gradient(135deg,var(--reported) 0 4px,#dde3ea 4px 8px)}
.keys{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;
font-size:.9rem}
.voice-note{margin:10px 0 0}
.key{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;
vertical-align:-1px}
.sources{margin:0;padding:0;list-style:none;font-size:.92rem}
.sources li{display:flex;justify-content:space-between;gap:12px;padding:3px 0;
border-bottom:1px dashed var(--line)}
.sources li:last-child{border-bottom:0}
.sources .src{overflow-wrap:anywhere}
.sources .n{font-variant-numeric:tabular-nums;color:var(--muted)}
.workspace{display:grid;grid-template-columns:minmax(0,1fr) 290px;gap:20px;align-items:start}
.reader{padding:22px 30px 28px}
.hint{margin:-.2em 0 1em;color:var(--muted);font-size:.9rem}
.article{font:1.06rem/1.85 Georgia,"Iowan Old Style","DejaVu Serif",serif;white-space:pre-wrap;
overflow-wrap:anywhere;max-width:44em}
.article:focus{outline:none}
.hl{color:#111;padding:.12em 0;border-radius:2px;cursor:pointer;
box-decoration-break:clone;-webkit-box-decoration-break:clone}
.hl.multi{box-shadow:inset 0 -.2em 0 rgba(17,17,17,.72)}
.hl.off{background:none;color:inherit;box-shadow:none;cursor:auto}
.hl.active{box-shadow:0 0 0 2px rgba(17,17,17,.7)}
.hl.multi.active{box-shadow:inset 0 -.2em 0 rgba(17,17,17,.72),0 0 0 2px rgba(17,17,17,.7)}
.hl:hover:not(.off){filter:saturate(1.4) brightness(.96)}
.rep{text-decoration:underline dotted #6a7380 .09em;text-underline-offset:.28em}
.no-voice .article .rep{text-decoration:none}
.lab{display:inline-block;font:600 .6rem/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
letter-spacing:.03em;text-transform:uppercase;color:#111;border-radius:3px;padding:0 .35em;
margin:0 .1em 0 .2em;vertical-align:.35em;white-space:nowrap;user-select:none;
border:1px solid rgba(17,17,17,.25)}
.article .lab{font-size:.62rem;text-transform:none;letter-spacing:.01em;border-color:transparent;
padding:0 .3em;margin-left:.15em}
.no-labels .article .lab,.article .lab[hidden]{display:none}
.secmark{display:inline-block;font:600 .68rem/1.6 system-ui,sans-serif;letter-spacing:.07em;
text-transform:uppercase;color:var(--muted);border:1px solid var(--line);border-radius:99px;
padding:0 .7em;margin-right:.6em;vertical-align:.15em;user-select:none}
.secmark.k-opinion{color:#7a3b12;border-color:#e2c3a8;background:#fdf3ea}
.sent:target{background:#fff2b3;box-shadow:0 0 0 3px #fff2b3;border-radius:2px}
.side{position:sticky;top:16px;display:grid;gap:14px}
.side fieldset{margin:0;padding:14px 16px;min-width:0}
.side legend{float:left;width:100%;padding:0}
.side legend h2{font-size:.95rem;margin:0 0 .6em}
.filters ul{list-style:none;margin:0;padding:0;clear:both}
.filters li label{display:flex;align-items:center;gap:8px;padding:4px 2px;cursor:pointer;
font-size:.92rem;border-radius:6px}
.filters li label:hover{background:#f3f1ec}
.filters input,.options input{width:16px;height:16px;margin:0;accent-color:var(--accent);
flex:none}
.fname{flex:1}
.count{font-variant-numeric:tabular-nums;color:var(--muted);font-size:.85rem}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;flex:none;
border:1px solid rgba(17,17,17,.25)}
.bulk{display:flex;gap:8px;margin-bottom:8px;clear:both}
button{font:inherit;font-size:.82rem;padding:3px 10px;border-radius:6px;border:1px solid #b8b3a7;
background:#fff;color:var(--ink);cursor:pointer}
button:hover{background:#f3f1ec}
.status{margin:.4em 0 0;font-size:.82rem;color:var(--muted);min-height:1.2em}
.options label{display:flex;gap:8px;align-items:baseline;font-size:.92rem;padding:3px 0;clear:both}
.options label.range{flex-direction:column;align-items:stretch;gap:2px;margin-bottom:6px}
.options input[type=range]{width:100%;height:20px}
output{font-variant-numeric:tabular-nums;font-weight:650}
.rep-key{color:var(--muted);text-decoration:underline dotted #6a7380 .09em;
text-underline-offset:.28em}
.panels{display:grid;gap:20px;margin:20px 0}
.chart,.scores,.legend{padding:20px 24px}
.note{margin:-.2em 0 1em;color:var(--muted);font-size:.88rem}
.rows{list-style:none;margin:0;padding:0;display:grid;gap:14px}
.row-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px;font-size:.9rem}
.sec-name{font-weight:650}
.k-opinion .sec-name{color:#7a3b12}
.sec-heading{font-style:italic;color:var(--muted)}
.nums{margin-left:auto;color:var(--muted);font-variant-numeric:tabular-nums;font-size:.85rem}
.track{height:16px;background:#f1efe9;border-radius:4px;margin:5px 0 3px;overflow:hidden}
.bar{display:flex;height:100%;min-width:2px}
.bar span{height:100%;border-right:1px solid #fff}
.breakdown{margin:0;font-size:.8rem;color:var(--muted)}
.strip{display:flex;gap:2px;height:26px;margin-bottom:14px}
.strip a{flex:1 1 0;min-width:2px;border-radius:2px}
.strip a:hover{outline:2px solid var(--ink)}
.b0{background:#eef1f5}.b1{background:#d3dce8}.b2{background:#a9bcd3}.b3{background:#7895ba}
.b4{background:#4c6f9c}.b5{background:#2a4a75}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:600;margin-bottom:6px;font-size:.88rem}
th{text-align:left;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;
color:var(--muted);border-bottom:1px solid var(--line);padding:4px 8px 4px 0}
td{vertical-align:top;padding:7px 8px 7px 0;border-bottom:1px solid #efece5}
td.score{white-space:nowrap;font-variant-numeric:tabular-nums;width:6.5em}
.meter{display:inline-block;width:36px;height:8px;background:#eef1f5;border-radius:4px;
margin-right:6px;overflow:hidden;vertical-align:0}
.meter span{display:block;height:100%}
.goto{font-variant-numeric:tabular-nums;font-size:.8rem;text-decoration:none;color:var(--muted)}
.goto:hover{text-decoration:underline}
td.labels{width:1%;white-space:nowrap}
td.labels .lab{margin:0 .2em .2em 0;vertical-align:0}
.legend dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px 32px;
margin:0}
.entry dt{display:flex;align-items:center;gap:8px;font-weight:650}
.entry dt .lab{vertical-align:0;margin:0 0 0 auto}
.entry dd{margin:4px 0 0 22px;font-size:.9rem}
.entry dd p{margin:0 0 .3em}
.found{color:var(--muted);font-size:.85rem;font-variant-numeric:tabular-nums}
.example{color:var(--muted);font-style:italic}
.legend details{margin-top:18px;border-top:1px solid var(--line);padding-top:12px}
.legend summary{cursor:pointer;color:var(--accent);font-size:.92rem;margin-bottom:12px}
.demo.hl{padding:0 .2em;cursor:auto}
footer{color:var(--muted);font-size:.85rem;padding-bottom:40px}
.panel{position:absolute;z-index:20;width:min(380px,calc(100vw - 16px));background:var(--card);
border:1px solid #cfcabd;border-radius:10px;box-shadow:0 10px 30px rgba(20,24,30,.18);
padding:12px 16px 14px;font-size:.92rem}
.panel.sheet{position:fixed;left:8px!important;right:8px;bottom:8px;top:auto!important;
width:auto;max-height:60vh;overflow:auto}
.panel-head{display:flex;align-items:start;gap:10px}
.panel-head h2{font-size:1rem;margin:2px 0 6px;flex:1}
.close{font-size:1.1rem;line-height:1;padding:2px 8px}
.item+.item{border-top:1px solid var(--line);margin-top:10px;padding-top:10px}
.item-head{display:flex;align-items:center;gap:8px;font-weight:650}
.conf{margin-left:auto;font-weight:500;color:var(--muted);font-variant-numeric:tabular-nums;
white-space:nowrap}
.quote{margin:6px 0;padding:2px 0 2px 10px;border-left:3px solid var(--line);
font-family:Georgia,"DejaVu Serif",serif;overflow-wrap:anywhere}
.item p{margin:0 0 6px}
.facts{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0;font-size:.86rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
@media (max-width:900px){.who,.panels,.workspace{grid-template-columns:minmax(0,1fr)}
.stats{grid-template-columns:repeat(2,minmax(0,1fr))}td.labels{white-space:normal}
.side{position:static;order:-1}.reader{padding:18px}main,header.top,footer{padding-left:14px;padding-right:14px}}
@media print{html,body{background:#fff;font-size:11pt}.skip,.side,.panel,.hint,.strip{display:none}
main,header.top,footer{max-width:none;padding:0}.workspace,.panels{display:block}
.reader{border:0;padding:0}.article{max-width:none;line-height:1.75}.chart,.scores{margin:0 0 14px}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}
.hl.active{box-shadow:none}tr,.entry,.rows li,.stat,.voice,.who-src{break-inside:avoid}
h2{break-after:avoid}}
"""

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pw-data").textContent);
  var spans = data.spans, techniques = data.techniques;
  var article = document.getElementById("article");
  var marks = Array.prototype.slice.call(article.querySelectorAll("mark.hl"));
  var labels = Array.prototype.slice.call(article.querySelectorAll(".lab[data-span]"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var panel = document.getElementById("pw-panel");
  var panelTitle = document.getElementById("pw-panel-title");
  var panelBody = panel.querySelector(".panel-body");
  var status = document.querySelector(".filters .status");
  var conf = document.getElementById("opt-conf");
  var confOut = document.getElementById("opt-conf-out");
  var shown = {}, minimum = 0, current = null, pinned = false, hideTimer = 0;
  Object.keys(techniques).forEach(function (t) { shown[t] = true; });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // never innerHTML: data is article text
    return node;
  }
  function percent(p) {  // "4.2%" for small values, "83%" for large ones
    return (p < 0.1 && p > 0 ? (100 * p).toFixed(1) : Math.round(100 * p)) + "%";
  }
  function spanIds(mark) { return mark.getAttribute("data-spans").split(" ").map(Number); }
  function visible(i) {
    return shown[spans[i].technique] && spans[i].confidence >= minimum;
  }
  function visibleIds(mark) {  // most confident first, as the page lists them
    return spanIds(mark).filter(visible);
  }

  function paint(mark) {
    var ids = visibleIds(mark);
    Array.prototype.slice.call(mark.classList).forEach(function (c) {
      if (c.indexOf("t-") === 0) mark.classList.remove(c);
    });
    mark.classList.toggle("off", ids.length === 0);
    mark.classList.toggle("multi", ids.length > 1);
    if (ids.length) mark.classList.add("t-" + spans[ids[0]].technique);
    mark.setAttribute("tabindex", ids.length ? "0" : "-1");
    mark.setAttribute("aria-hidden", ids.length ? "false" : "true");
  }

  function applyFilters() {
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    minimum = conf ? Number(conf.value) / 1000 : 0;
    if (confOut) confOut.textContent = percent(minimum);
    marks.forEach(paint);
    labels.forEach(function (lab) {
      lab.hidden = !visible(Number(lab.getAttribute("data-span")));
    });
    if (current && current.classList.contains("off")) close(false);
    var count = spans.filter(function (s, i) { return visible(i); }).length;
    if (status) status.textContent = count === spans.length ? "" :
      "Showing " + count + " of " + spans.length + " spans.";
  }

  function item(i) {
    var span = spans[i], technique = techniques[span.technique];
    var box = el("div", "item"), head = el("div", "item-head");
    var swatch = el("span", "sw t-" + span.technique);
    swatch.setAttribute("aria-hidden", "true");
    head.appendChild(swatch);
    head.appendChild(el("span", "item-name", technique.name));
    head.appendChild(el("span", "conf", percent(span.confidence) + " confident"));
    box.appendChild(head);
    box.appendChild(el("blockquote", "quote", "\\u201c" + span.text + "\\u201d"));
    box.appendChild(el("p", "def", technique.definition));
    var facts = el("dl", "facts");
    facts.appendChild(el("dt", "", "Voice"));
    facts.appendChild(el("dd", "", data.voices[span.voice] || span.voice));
    facts.appendChild(el("dt", "", "Source"));
    facts.appendChild(el("dd", "", span.source ||
      (span.voice === "reported" ? "not named" : "the outlet")));
    box.appendChild(facts);
    return box;
  }

  function fill(mark) {
    var ids = visibleIds(mark);
    panelTitle.textContent = ids.length > 1 ? ids.length + " techniques overlap here" :
      "Technique found";
    panelBody.textContent = "";
    ids.forEach(function (i) { panelBody.appendChild(item(i)); });
    return ids;
  }

  function place(mark) {
    var small = window.innerWidth < 720;
    panel.classList.toggle("sheet", small);
    if (small) return;
    var rect = mark.getClientRects()[0] || mark.getBoundingClientRect();
    var width = panel.offsetWidth, height = panel.offsetHeight;
    var view = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(rect.left, view - width - 8));
    var top = rect.bottom + 8;
    if (top + height > window.innerHeight - 8 && rect.top - height - 8 > 8) {
      top = rect.top - height - 8;
    }
    panel.style.left = left + window.pageXOffset + "px";
    panel.style.top = top + window.pageYOffset + "px";
  }

  function setActive(mark, on) {
    var ids = visibleIds(mark);
    marks.forEach(function (m) {
      var hit = on && spanIds(m).some(function (i) { return ids.indexOf(i) >= 0; });
      m.classList.toggle("active", hit && !m.classList.contains("off"));
    });
  }

  function open(mark, pin) {
    clearTimeout(hideTimer);
    if (current && current !== mark) current.setAttribute("aria-expanded", "false");
    current = mark;
    pinned = pin;
    fill(mark);
    panel.hidden = false;
    place(mark);
    mark.setAttribute("aria-expanded", "true");
    setActive(mark, pin);
  }

  function close(refocus) {
    clearTimeout(hideTimer);
    panel.hidden = true;
    if (current) {
      setActive(current, false);
      current.setAttribute("aria-expanded", "false");
      if (refocus) current.focus();
    }
    current = null;
    pinned = false;
  }

  function markOf(target) {
    var mark = target && target.closest ? target.closest("mark.hl") : null;
    return mark && !mark.classList.contains("off") ? mark : null;
  }
  function toggle(mark) {
    if (current === mark && pinned) close(false); else open(mark, true);
  }

  article.addEventListener("mouseover", function (event) {
    var mark = markOf(event.target);
    if (mark && !pinned && mark !== current) open(mark, false);
    else if (mark) clearTimeout(hideTimer);
  });
  article.addEventListener("mouseout", function (event) {
    if (pinned || !markOf(event.target)) return;
    var to = event.relatedTarget;
    if (to && (panel.contains(to) || markOf(to) === current)) return;
    hideTimer = setTimeout(function () { close(false); }, 300);
  });
  panel.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  panel.addEventListener("mouseleave", function () {
    if (!pinned) hideTimer = setTimeout(function () { close(false); }, 300);
  });
  article.addEventListener("click", function (event) {
    var mark = markOf(event.target);
    if (mark) toggle(mark);
  });
  article.addEventListener("keydown", function (event) {
    var mark = markOf(event.target);
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();  // Space would scroll the page
      toggle(mark);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) close(pinned);  // focus goes back if it was there
  });
  document.addEventListener("click", function (event) {
    if (pinned && !panel.contains(event.target) && !markOf(event.target)) close(false);
  });
  panel.querySelector(".close").addEventListener("click", function () { close(true); });
  window.addEventListener("resize", function () { if (current) place(current); });

  boxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  if (conf) conf.addEventListener("input", applyFilters);
  Array.prototype.slice.call(document.querySelectorAll("button[data-all]")).forEach(
    function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-all") === "1";
        boxes.forEach(function (box) { box.checked = on; });
        applyFilters();
      });
    });
  function option(id, cls) {
    var box = document.getElementById(id);
    if (box) box.addEventListener("change", function () {
      document.body.classList.toggle(cls, !box.checked);
    });
  }
  option("opt-labels", "no-labels");
  option("opt-voice", "no-voice");
})();
"""

# Only our own script may run (by hash): injected markup could not execute even if it got in.
CSP = (
    "default-src 'none'; "
    f"script-src 'sha256-{base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()}'; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
