"""The text the model reads: the article's body, whatever its line ends, margins and trailer.

Window placement, the position feature and the chooser's pools all depend on the text's length
and layout, so the same body given with CRLF line ends, a trailing newline or a "Leave a Reply"
trailer would read differently. The model reads one canonical view instead: line ends as "\\n",
boilerplate lines dropped as `ingest.boilerplate.clean` drops them, leading and trailing
whitespace removed. Every view character comes from one character of the given text, so offsets
map back exactly and spans keep `text[start:end] == span.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from propwatch.ingest.boilerplate import boilerplate_lines, kept_lines

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


@dataclass(frozen=True)
class TextView:
    """The canonical text and, for each of its characters, where it sits in the given text."""

    text: str
    origin: np.ndarray  # (len(text),) int64 offsets into the given text, increasing

    def start(self, offsets: np.ndarray) -> np.ndarray:
        """Given-text offsets of view start offsets (a span's first character)."""
        return np.asarray(self.origin[np.minimum(offsets, len(self.origin) - 1)])

    def end(self, offsets: np.ndarray) -> np.ndarray:
        """Given-text offsets of view end offsets (one past a span's last character)."""
        return np.asarray(self.origin[np.maximum(offsets, 1) - 1] + 1)


def text_view(text: str) -> TextView:
    """The canonical view of `text` (see the module's docstring)."""
    lines = [(m.start(), m.end()) for m in LINE.finditer(text) if m.end() > m.start()]
    bodies = [text[a:b].rstrip("\r\n") for a, b in lines]
    kept = kept_lines(bodies, boilerplate_lines(bodies))
    origin: list[int] = []
    for position, index in enumerate(kept):
        start = lines[index][0]
        origin.extend(range(start, start + len(bodies[index])))
        if position < len(kept) - 1:
            origin.append(start + len(bodies[index]))  # the line end: "\n", or "\r" of "\r\n"
    view = "".join("\n" if text[i] == "\r" else text[i] for i in origin)
    stripped = view.strip()
    first = len(view) - len(view.lstrip())
    kept_origin = np.asarray(origin[first : first + len(stripped)], dtype=np.int64)
    return TextView(stripped, kept_origin)
