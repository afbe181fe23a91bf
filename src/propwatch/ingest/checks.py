"""What every article text must be, however it came (file, upload, URL, batch record, API text).

Text, not binary data: no NUL characters and few other control characters. Prose, not data:
runs of `LONG_RUN` or more characters without a space (encoded data, hashes, long URLs) must not
make up most of it. Shorter stretches of such runs may stay in an article, but the pipeline
drops any span that touches one (`long_runs`): the model is not to highlight data. Scripts
written without spaces (Chinese, Japanese, Thai, ...) are prose: their characters break a run.
"""

from __future__ import annotations

import re

from propwatch.errors import Unreadable

__all__ = ["LONG_RUN", "check_text", "long_runs"]

LONG_RUN = 100  # no word of prose is this long
MAX_CONTROL_RATIO = 0.02
MAX_LONG_RUN_SHARE = 0.5  # of the characters that are not whitespace

# C0 and C1 control characters other than tab, newline, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Scripts written without spaces between words: CJK, kana, fullwidth forms, Thai, Lao, Tibetan,
# Myanmar, Khmer.
_UNSPACED = "\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_LONG_RUN = re.compile(rf"[^\s{_UNSPACED}]{{{LONG_RUN},}}")
_SPACE = re.compile(r"\s")


def check_text(text: str, name: str = "the text") -> str:
    """`text`, if it is text and prose; else Unreadable, saying why in one line."""
    if "\x00" in text:
        raise Unreadable(
            f"{name} holds NUL characters, so it is binary data, not text; give the article's "
            "plain text"
        )
    controls = len(_CONTROL.findall(text))
    if controls > MAX_CONTROL_RATIO * len(text):
        raise Unreadable(
            f"{name} looks like a binary file, not text in any encoding propwatch can read; "
            "give a .txt or .html article (saved as UTF-8 if you can)"
        )
    runs = long_runs(text)
    in_runs = sum(end - start for start, end in runs)
    if in_runs > MAX_LONG_RUN_SHARE * (len(text) - len(_SPACE.findall(text))):
        longest = max(end - start for start, end in runs)
        raise Unreadable(
            f"{name} is not prose: most of it is runs of characters without spaces (the longest "
            f"{longest:,} characters); give the article's text"
        )
    return text


def long_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every run of `LONG_RUN` or more characters without whitespace (nor a
    character of a script written without spaces)."""
    return [match.span() for match in _LONG_RUN.finditer(text)]
