"""The analysis in a terminal: highlighted article, legend and summary (Rich)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from rich.color import Color, ColorSystem
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from propwatch.analysis import Analysis, SpanResult
from propwatch.article import per_1000_words
from propwatch.language import language_name
from propwatch.render import threshold_phrase
from propwatch.render.html import FAINT_BELOW, is_faint
from propwatch.render.typical import typical_of
from propwatch.techniques import ANSI_INK, by_id, ink_on

TOP_SENTENCES = 5
SIXTEEN_COLOURS = frozenset({"standard", "windows"})  # Console.color_system names
FAINT_STYLE = "underline"  # a less sure span: underlined, not filled, in any terminal's theme
FRAGMENT = 60  # characters of a span quoted whole in a note; longer ones show both ends


def technique_style(technique_id: str, color_system: str | None) -> str:
    """The palette's highlight for a technique: background and text colour, both set, so that
    it reads on light and dark terminals. 16-colour terminals get the technique's `ansi`
    fallback; 256-colour ones its colour rounded to their palette, with the ink chosen for
    that. (Each system gets its own style string: Rich caches a style's codes for the colour
    system it first renders in.)"""
    technique = by_id(technique_id)
    if color_system in SIXTEEN_COLOURS:
        return f"{ANSI_INK[technique.ansi]} on {technique.ansi}"
    if color_system == "256":
        background = Color.parse(technique.color).downgrade(ColorSystem.EIGHT_BIT)
        ink = Color.parse(ink_on(background.get_truecolor().hex)).downgrade(ColorSystem.EIGHT_BIT)
        return f"color({ink.number}) on color({background.number})"
    return f"{ink_on(technique.color)} on {technique.color}"


def highlighted_text(analysis: Analysis, color_system: str | None = "truecolor") -> Text:
    """The article with every span in its technique's colour (underlined only when less sure,
    as the report draws it paler), and a tag after it with its technique and confidence."""
    text = Text(analysis.text)
    tags: dict[int, list[str]] = {}
    for span in sorted(analysis.spans, key=lambda s: s.confidence):  # the surest drawn last
        faint = is_faint(span.confidence)
        style = FAINT_STYLE if faint else technique_style(span.technique_id, color_system)
        text.stylize(style, span.start, span.end)
    for span in analysis.spans:
        name = by_id(span.technique_id).display_name
        tags.setdefault(span.end, []).append(f"{name} {span.confidence:.0%}")
    ends = sorted(tags)
    tagged = Text()
    for i, piece in enumerate(text.divide(ends)):
        tagged.append_text(piece)
        if i < len(ends):
            tagged.append(f"[{', '.join(dict.fromkeys(tags[ends[i]]))}]", style="dim italic")
    return tagged


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
OPEN, CLOSE = "⟦", "⟧"


def marked_text(analysis: Analysis, width: int = 80) -> str:
    """The article for output without colour: each span between ⟦ and ⟧ with a number, and
    under each line a note per span that closes in it (technique, confidence, fragment),
    wrapped to `width` under its own indent."""
    text = analysis.text
    spans = sorted(analysis.spans, key=lambda s: (s.start, -s.end))
    # At one offset: closes before opens, and the span opened last closes first.
    marks = sorted(
        [(span.start, 1, 0, OPEN) for span in spans]
        + [(span.end, 0, -i, CLOSE + _number(i)) for i, span in enumerate(spans, 1)]
    )
    out: list[str] = []
    position = line_start = 0
    for line_end in [*(i for i, char in enumerate(text) if char == "\n"), len(text)]:
        while marks and marks[0][0] <= line_end:
            offset, _, _, mark = marks.pop(0)
            out.append(text[position:offset] + mark)
            position = offset
        out.append(text[position:line_end])
        position = line_end
        closing = [(i, s) for i, s in enumerate(spans, 1) if line_start < s.end <= line_end]
        out.extend(_note(i, span, width) for i, span in closing)
        line_start = line_end
    return "".join(out)


def _number(n: int) -> str:
    return str(n).translate(SUPERSCRIPT)


def _note(number: int, span: SpanResult, width: int) -> str:
    name = by_id(span.technique_id).display_name
    note = f"{_number(number)} {name}, confidence {span.confidence:.0%}: “{_fragment(span.text)}”"
    lines = textwrap.wrap(note, width, initial_indent="   ", subsequent_indent="     ")
    return "".join(f"\n{line}" for line in lines)


def _fragment(text: str) -> str:
    """A span's text to quote: whole when short, else its first and last words around "…"."""
    if len(text) <= FRAGMENT:
        return text
    half = FRAGMENT // 2
    head = text[:half].rsplit(maxsplit=1)[0]
    tail = text[-half:].split(maxsplit=1)[-1]
    return f"{head} … {tail}"


def legend(analysis: Analysis, color_system: str | None = "truecolor") -> Table:
    table = Table(title="Techniques found", title_justify="left")
    table.add_column("technique")
    table.add_column("spans", justify="right")
    table.add_column("what it is")
    counts = sorted(analysis.summary.by_technique.items(), key=lambda item: -item[1])
    for technique_id, count in counts:
        if count:
            technique = by_id(technique_id)
            style = technique_style(technique_id, color_system)
            name = Text(f" {technique.display_name} ", style=style)
            table.add_row(name, str(count), technique.definition)
    return table


def sections_and_voices(analysis: Analysis) -> Table:
    """Where the techniques sit: per part of the article (headline and dateline included, so
    the rows add up to every span), and whose words they are in."""
    table = Table(title="Where and whose", title_justify="left")
    table.add_column("part")
    table.add_column("spans", justify="right")
    table.add_column("per 1,000 words", justify="right")
    for label, spans, words in _parts(analysis):
        table.add_row(label, str(spans), f"{per_1000_words(spans, words):.2f}")
    voices = analysis.summary.by_voice
    table.add_section()
    table.add_row("outlet's own voice", str(voices.get("outlet", 0)), "")
    table.add_row("reported speech", str(voices.get("reported", 0)), "")
    for source, count in sorted(analysis.summary.by_source.items(), key=lambda item: -item[1]):
        table.add_row(f"  attributed to {source}", str(count), "")
    return table


def _parts(analysis: Analysis) -> list[tuple[str, int, int]]:
    """(label, spans, words) of the headline and dateline before the first section, when they
    hold words or spans, then of each section; the whole article when it has no sections."""
    outside = sum(1 for span in analysis.spans if span.section is None)
    if not analysis.sections:
        return [("whole article", analysis.summary.spans, analysis.summary.words)]
    parts = [
        (s.kind + (f": {s.heading}" if s.heading else ""), s.spans, s.words)
        for s in analysis.sections
    ]
    words = len(analysis.text[: analysis.sections[0].start].split())
    if words or outside:
        parts.insert(0, ("headline and dateline", outside, words))
    return parts


def top_sentences(analysis: Analysis) -> Table:
    table = Table(
        title="Most propagandistic sentences",
        title_justify="left",
        caption="score: how likely the sentence is to hold a technique at all; not calibrated, "
        "and it asks for no span's extent or technique, so it runs above the spans' confidences",
        caption_justify="left",
    )
    table.add_column("score", justify="right")
    table.add_column("sentence")
    ranked = sorted(analysis.sentences, key=lambda s: -s.score)[:TOP_SENTENCES]
    for sentence in ranked:
        table.add_row(f"{sentence.score:.2f}", sentence.text)
    return table


def render(analysis: Analysis, console: Console, model_folder: Path | None = None) -> None:
    """The analysis on `console`; the typical figures quoted are those of `model_folder` (default:
    the shipped model), and none when that folder has none for the analysis's model."""
    summary = analysis.summary
    typical = typical_of(analysis.model, model_folder, analysis.language)
    # Rich keeps a terminal's colour system under NO_COLOR and only drops the colours, which
    # would leave the tags at the ends of spans as the only marks.
    coloured = console.color_system is not None and not console.no_color
    for warning in analysis.warnings:  # before the highlights they qualify, and again below
        console.print(Text(warning, style="bold yellow"))
    if analysis.warnings:
        console.print()
    if coloured:
        console.print(highlighted_text(analysis, console.color_system))
    else:  # piped, NO_COLOR or a dumb terminal
        console.print(marked_text(analysis, console.width), markup=False, highlight=False)
    console.print()
    console.print(
        Group(
            Text(
                f"{summary.spans} technique spans in {summary.propaganda_sentences} of "
                f"{summary.sentences} sentences ({summary.spans_per_1000_words} per 1,000 words), "
                f"{threshold_phrase(analysis.min_confidence)}; model {analysis.model}"
                f"{_language_phrase(analysis.language)}",
                style="bold",
            ),
            *(Text(warning, style="bold yellow") for warning in analysis.warnings),
            *([Text(f"For comparison, {typical.sentence()}.", style="dim")] if typical else []),
            *_less_sure_line(analysis, coloured),
            Text(),  # a blank line before each table
            legend(analysis, console.color_system),
            Text(),
            sections_and_voices(analysis),
            Text(),
            top_sentences(analysis),
        )
    )


def _language_phrase(language: str | None) -> str:
    return f", {language_name(language)} text" if language else ""


def _less_sure_line(analysis: Analysis, coloured: bool) -> list[Text]:
    """How many spans are less sure, and how they are drawn: none when there are none."""
    faint = sum(1 for span in analysis.spans if is_faint(span.confidence))
    if not faint:
        return []
    drawn = "; they are underlined, not highlighted" if coloured else ""
    return [
        Text(
            f"{faint} of {len(analysis.spans)} spans are under {FAINT_BELOW:.0%} "
            f"confidence, less sure{drawn}.",
            style="dim",
        )
    ]
