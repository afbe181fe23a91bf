"""The analysis in a terminal: highlighted article, legend and summary (Rich)."""

from __future__ import annotations

from rich.color import Color, ColorSystem
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from propwatch.analysis import Analysis, SpanResult
from propwatch.render import threshold_phrase
from propwatch.render.typical import TYPICAL
from propwatch.techniques import ANSI_INK, by_id, ink_on

TOP_SENTENCES = 5
SIXTEEN_COLOURS = frozenset({"standard", "windows"})  # Console.color_system names


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
    """The article with every span in its technique's colour, and a tag after it with its
    technique and confidence."""
    text = Text(analysis.text)
    tags: dict[int, list[str]] = {}
    for span in analysis.spans:
        text.stylize(technique_style(span.technique_id, color_system), span.start, span.end)
        tags.setdefault(span.end, []).append(f"{span.technique_id} {span.confidence:.2f}")
    ends = sorted(tags)
    tagged = Text()
    for i, piece in enumerate(text.divide(ends)):
        tagged.append_text(piece)
        if i < len(ends):
            tagged.append(f"[{', '.join(dict.fromkeys(tags[ends[i]]))}]", style="dim italic")
    return tagged


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
OPEN, CLOSE = "⟦", "⟧"


def marked_text(analysis: Analysis) -> str:
    """The article for output without colour: each span between ⟦ and ⟧ with a number, and
    under each line a note per span that closes in it: technique, confidence, fragment."""
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
        out.extend(_note(i, span) for i, span in closing)
        line_start = line_end
    return "".join(out)


def _number(n: int) -> str:
    return str(n).translate(SUPERSCRIPT)


def _note(number: int, span: SpanResult) -> str:
    fragment = span.text if len(span.text) <= 60 else f"{span.text[:28]} … {span.text[-28:]}"
    name = by_id(span.technique_id).display_name
    return f"\n   {_number(number)} {name}, confidence {span.confidence:.0%}: “{fragment}”"


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
    """Where the techniques sit: per section, and whose words they are in."""
    table = Table(title="Where and whose", title_justify="left")
    table.add_column("part")
    table.add_column("spans", justify="right")
    table.add_column("per 1,000 words", justify="right")
    for section in analysis.sections:
        label = section.kind + (f": {section.heading}" if section.heading else "")
        table.add_row(label, str(section.spans), f"{section.spans_per_1000_words:g}")
    voices = analysis.summary.by_voice
    table.add_section()
    table.add_row("outlet's own voice", str(voices.get("outlet", 0)), "")
    table.add_row("reported speech", str(voices.get("reported", 0)), "")
    for source, count in sorted(analysis.summary.by_source.items(), key=lambda item: -item[1]):
        table.add_row(f"  attributed to {source}", str(count), "")
    return table


def top_sentences(analysis: Analysis) -> Table:
    table = Table(title="Most propagandistic sentences", title_justify="left")
    table.add_column("score", justify="right")
    table.add_column("sentence")
    ranked = sorted(analysis.sentences, key=lambda s: -s.score)[:TOP_SENTENCES]
    for sentence in ranked:
        table.add_row(f"{sentence.score:.2f}", sentence.text)
    return table


def render(analysis: Analysis, console: Console) -> None:
    summary = analysis.summary
    if console.color_system is None:  # piped, NO_COLOR or a dumb terminal
        console.print(marked_text(analysis), markup=False, highlight=False)
    else:
        console.print(highlighted_text(analysis, console.color_system))
    console.print()
    console.print(
        Group(
            Text(
                f"{summary.spans} technique spans in {summary.propaganda_sentences} of "
                f"{summary.sentences} sentences ({summary.spans_per_1000_words} per 1,000 words), "
                f"{threshold_phrase(analysis.min_confidence)}; model {analysis.model}",
                style="bold",
            ),
            Text(f"For comparison, {TYPICAL.sentence()}.", style="dim"),
            legend(analysis, console.color_system),
            sections_and_voices(analysis),
            top_sentences(analysis),
        )
    )
