"""What a highlight looks like in real terminals: their 16-colour palettes and Rich's SGR codes.

Each terminal theme picks its own shades for the 16 ANSI colours, so a 16-colour highlight is
checked in several common ones. The 256-colour palette is the xterm one that Rich rounds to.
"""

from __future__ import annotations

import re

from rich.color import Color, ColorSystem

# ANSI colours 0-15: black red green yellow blue magenta cyan white, then their bright forms
PALETTES: dict[str, list[str]] = {
    "xterm": [
        "#000000",
        "#CD0000",
        "#00CD00",
        "#CDCD00",
        "#0000EE",
        "#CD00CD",
        "#00CDCD",
        "#E5E5E5",
        "#7F7F7F",
        "#FF0000",
        "#00FF00",
        "#FFFF00",
        "#5C5CFF",
        "#FF00FF",
        "#00FFFF",
        "#FFFFFF",
    ],
    "vga": [
        "#000000",
        "#AA0000",
        "#00AA00",
        "#AA5500",
        "#0000AA",
        "#AA00AA",
        "#00AAAA",
        "#AAAAAA",
        "#555555",
        "#FF5555",
        "#55FF55",
        "#FFFF55",
        "#5555FF",
        "#FF55FF",
        "#55FFFF",
        "#FFFFFF",
    ],
    "windows-campbell": [
        "#0C0C0C",
        "#C50F1F",
        "#13A10E",
        "#C19C00",
        "#0037DA",
        "#881798",
        "#3A96DD",
        "#CCCCCC",
        "#767676",
        "#E74856",
        "#16C60C",
        "#F9F1A5",
        "#3B78FF",
        "#B4009E",
        "#61D6D6",
        "#F2F2F2",
    ],
    "gnome-tango": [
        "#2E3436",
        "#CC0000",
        "#4E9A06",
        "#C4A000",
        "#3465A4",
        "#75507B",
        "#06989A",
        "#D3D7CF",
        "#555753",
        "#EF2929",
        "#8AE234",
        "#FCE94F",
        "#729FCF",
        "#AD7FA8",
        "#34E2E2",
        "#EEEEEC",
    ],
}
# Black, white and the greys: one of them is the background of any light or dark terminal
NEUTRAL = frozenset({0, 7, 8, 15})


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


SGR = re.compile(r"\x1b\[([0-9;]*)m([^\x1b]*)")


def coloured_runs(output: str) -> list[tuple[str, int | str | None, int | str | None]]:
    """(text, foreground, background) of every run of text in Rich's output that has a
    background: ANSI numbers 0-15 for 16 colours, ``#RRGGBB`` for 256 and true colour."""
    runs = []
    for codes, text in SGR.findall(output):
        fg, bg = _colours([int(c) for c in codes.split(";") if c])
        if bg is not None and text.strip():
            runs.append((text, fg, bg))
    return runs


def _colours(codes: list[int]) -> tuple[int | str | None, int | str | None]:
    fg: int | str | None = None
    bg: int | str | None = None
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in (38, 48):  # 38;5;N / 38;2;R;G;B
            if codes[i + 1] == 5:
                value: int | str = _eight_bit(codes[i + 2])
                i += 3
            else:
                value = "#{:02X}{:02X}{:02X}".format(*codes[i + 2 : i + 5])
                i += 5
            fg, bg = (value, bg) if code == 38 else (fg, value)
            continue
        if 30 <= code <= 37 or 90 <= code <= 97:
            fg = code - 30 if code < 90 else code - 82
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = code - 40 if code < 100 else code - 92
        i += 1
    return fg, bg


def _eight_bit(number: int) -> str:
    """The colour of xterm's 256-colour palette entry (16-255; 0-15 vary by theme)."""
    assert number >= 16, f"256-colour output used theme colour {number}"
    return Color.from_ansi(number).get_truecolor().hex.upper()


def downgraded(colour: str, system: ColorSystem) -> str:
    """The colour Rich sends to a terminal of `system` for `colour`, as #RRGGBB."""
    return Color.parse(colour).downgrade(system).get_truecolor().hex.upper()
