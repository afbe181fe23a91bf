"""What the structure stage finds in an article: its sections and its attributed speech."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SectionKind = Literal["report", "opinion", "credits"]
Voice = Literal["outlet", "reported"]


@dataclass(frozen=True)
class Section:
    """A stretch of the article in one register: the outlet's reporting, or its opinion."""

    start: int
    end: int
    kind: SectionKind
    heading: str | None  # the heading line that opened it, if any ("Editorial comment")


@dataclass(frozen=True)
class Attribution:
    """Text the article attributes to someone else: a quotation or a reported clause."""

    start: int  # the reported content, code-point offsets into the article text
    end: int
    source: str  # who says it, as named in the text ("the Russian Ministry of Defense")
    cue: str  # what marks it: "quote", "said", "according to", "reported", "cites", ...
