"""Page leftovers: remove comment-form, sharing and cookie lines; mark credit lines.

Only whole short lines that are nothing but boilerplate ("Leave a Reply", "Share this:",
"Tweet", "We use cookies ...") are removed, so an article sentence that mentions cookies or
sharing stays. Removing a line also removes the blank lines it leaves behind, so paragraphs keep
the spacing they had and the rest of the text is unchanged byte for byte.

Credit lines ("Source: ...", "Photo: ...") stay in the text (they are part of what the outlet
published) and are returned as offsets, so later stages can tell them from the article's voice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cleaned", "clean"]

# Whole lines, matched case-insensitively after trimming; a trailing ":", "." or "…" is allowed.
_BOILERPLATE = re.compile(
    r"""(?:
        leave\ a\ (?:reply|comment|response)(?:\ (?:to\ \S.{0,80}|cancel\ reply))?
      | cancel\ reply | post\ (?:a\ )?comment | (?:no\ )?comments?(?:\ are\ closed)?
      | \d{1,5}\ comments? | show\ comments | view\ comments | join\ the\ discussion
      | you\ must\ be\ logged\ in\ to\ post\ a\ comment
      | your\ email\ address\ will\ not\ be\ published.{0,60}
      | share(?:\ (?:this|this\ (?:article|story|post|page)|article|story))?
      | share\ (?:on|via|to)\ \w[\w+ -]{0,20}
      | tweet(?:\ this)? | pin\ it | email\ this | print\ this(?:\ (?:article|page|story))?
      | click\ to\ (?:share|email|print|tweet)\b.{0,80}
      | (?:like\ )?loading(?:\.{3}|…) | like\ this
      | related(?:\ (?:posts?|articles?|stories|news|content|reading))?
      | you\ (?:may|might)\ also\ (?:like|be\ interested\ in)
      | (?:read|see)\ (?:also|more)(?::\ .{1,150})?  # a cross-link: "Read also: <headline>"
      | (?:subscribe|sign\ up)(?:\ now|\ today)?
      | (?:subscribe|sign\ up)\ (?:to|for)\ (?:our|the)\ (?:[\w-]+\ ){0,3}newsletters?
      | follow\ us(?:\ on\ \w[\w ]{0,30})? | advertisements?
    )[:.…]?""",
    re.IGNORECASE | re.VERBOSE,
)

# A cookie banner: starts like one and talks like one; an article sentence on cookies does not.
_COOKIE_START = re.compile(r"(?:this\ (?:web)?site|we)\ uses?\ cookies\b", re.I | re.X)
_COOKIE_WORDS = re.compile(
    r"\b(?:accept|agree|consent|continu|browsing|experience|privacy|cookie policy|opt.out"
    r"|learn more|read more|settings|you'?re ok)",
    re.IGNORECASE,
)
_MAX_COOKIE_CHARS = 400

# Share-widget entries ("Twitter", "Facebook") are boilerplate only right after a share heading.
_SHARE_HEADING = re.compile(r"(?:share|share this|share this (?:article|story|post)):?", re.I)
_WIDGET_ITEM = re.compile(
    r"(?:twitter|x|facebook|whatsapp|telegram|e-?mail|print|reddit|linkedin|pinterest|tumblr"
    r"|pocket|vk|skype|mastodon|threads|bluesky|messenger|copy link|more)"
    r"(?:\ \(opens\ in\ new\ window\))?",
    re.IGNORECASE | re.VERBOSE,
)

_CREDIT = re.compile(
    r"(?:sources?|image|images|photo|photos|picture|via|image credit|photo credit"
    r"|image source|photo source|featured image)\s*:\s*\S.*",
    re.IGNORECASE,
)
_MAX_CREDIT_CHARS = 200  # longer "Source: ..." lines are sentences, not credits


@dataclass(frozen=True)
class Cleaned:
    text: str
    credits: tuple[tuple[int, int], ...]  # (start, end) of each credit line in `text`
    removed: tuple[str, ...]  # the removed lines, trimmed, in text order


def clean(text: str) -> Cleaned:
    """Remove boilerplate lines from `text` (newlines already normalised) and find credits."""
    trailing_newline = text.endswith("\n")
    lines = (text[:-1] if trailing_newline else text).split("\n")
    drop = boilerplate_lines(lines)
    kept = _without(lines, drop)
    cleaned = "\n".join(kept) + ("\n" if trailing_newline and kept else "")
    removed = tuple(lines[i].strip() for i in sorted(drop))
    return Cleaned(cleaned, _credits(kept), removed)


def is_boilerplate(line: str) -> bool:
    """Whether one line, on its own, is page boilerplate."""
    stripped = line.strip()
    if _BOILERPLATE.fullmatch(stripped):
        return True
    return (
        len(stripped) <= _MAX_COOKIE_CHARS
        and _COOKIE_START.match(stripped) is not None
        and (_COOKIE_WORDS.search(stripped) is not None or len(stripped) < 40)
    )


def boilerplate_lines(lines: list[str]) -> set[int]:
    """Indices of the lines that are page boilerplate (share widgets' entries among them)."""
    drop: set[int] = set()
    in_widget = False  # inside a share widget's list of networks
    for index, line in enumerate(lines):
        stripped = line.strip()
        if in_widget and _WIDGET_ITEM.fullmatch(stripped):
            drop.add(index)
            continue
        in_widget = _SHARE_HEADING.fullmatch(stripped) is not None
        if is_boilerplate(stripped):
            drop.add(index)
    return drop


def _without(lines: list[str], drop: set[int]) -> list[str]:
    """`lines` minus `drop`; each gap keeps the blank lines of its larger side, none at the ends."""
    return [lines[index] for index in kept_lines(lines, drop)]


def kept_lines(lines: list[str], drop: set[int]) -> list[int]:
    """Indices of the lines `clean` keeps of `lines` when it drops `drop` (and the blank lines
    a gap leaves), in order: what lets a caller map the cleaned text back to its source."""
    kept: list[int] = []
    index = 0
    while index < len(lines):
        if index not in drop:
            kept.append(index)
            index += 1
            continue
        before: list[int] = []
        while kept and not lines[kept[-1]].strip():
            before.insert(0, kept.pop())
        end, after = _gap_end(lines, drop, index)
        if kept and end < len(lines):
            kept.extend(before if len(before) >= len(after) else after)
        index = end
    return kept


def _gap_end(lines: list[str], drop: set[int], start: int) -> tuple[int, list[int]]:
    """End of the gap of dropped and blank lines from `start`, and its trailing blank lines."""
    after: list[int] = []
    end = start
    while end < len(lines) and (end in drop or not lines[end].strip()):
        after = [] if end in drop else [*after, end]
        end += 1
    return end, after


def _credits(lines: list[str]) -> tuple[tuple[int, int], ...]:
    credits = []
    offset = 0
    for line in lines:
        stripped = line.strip()
        if len(stripped) <= _MAX_CREDIT_CHARS and _CREDIT.fullmatch(stripped):
            start = offset + len(line) - len(line.lstrip())
            credits.append((start, start + len(stripped)))
        offset += len(line) + 1
    return tuple(credits)
