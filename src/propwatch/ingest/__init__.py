"""Ingest: a file, stdin, a URL or raw bytes -> the exact text propwatch analyses.

Steps, each in its own module: read the bytes (`sources`, capped at 10 MB; URLs with an SSRF
guard), decode them (`decode`: BOM, UTF-8, declared charset, damaged UTF-8, detection; binary is
refused), check that it is text and prose (`checks`, the rules that API text meets too), reduce
HTML to the article's main text (`html`, trafilatura), normalise newlines (\\r\\n and \\r become
\\n), and remove boilerplate lines (`boilerplate`). `IngestedText.text` is the result, and
every offset downstream refers to it, not to the original bytes.

For HTML the text starts with the page title on a line of its own, then a blank line (the layout
`propwatch.article` reads as a headline), then one paragraph per line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from typing import BinaryIO

from propwatch.errors import BadInput, EmptyInput
from propwatch.ingest import sources
from propwatch.ingest.boilerplate import clean
from propwatch.ingest.checks import check_text
from propwatch.ingest.decode import Decoding, charset_from_content_type, decode, normalize_newlines
from propwatch.ingest.html import extract, looks_like_html

__all__ = [
    "Decoding",
    "IngestedText",
    "check_text",
    "ingest",
    "ingest_bytes",
    "without_boilerplate",
]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True)
class IngestedText:
    text: str  # exactly the text that will be analysed; offsets refer to it
    title: str | None  # from HTML metadata or None
    url: str | None
    source_kind: str  # "text" | "html" | "url" | "stdin"
    credits: tuple[tuple[int, int], ...]  # (start, end) of "Source: ..." credit lines, kept in text
    removed: tuple[str, ...]  # boilerplate lines that were removed (for the report)
    decoding: Decoding | None = None  # how the bytes were read: encoding, bad bytes replaced


def ingest(
    source: str, *, allow_private: bool = False, stdin: BinaryIO | None = None
) -> IngestedText:
    """Read `source`: a file path, an http(s) URL, or "-" for stdin (`stdin`, else sys.stdin)."""
    if not isinstance(source, str) or not source.strip():
        raise BadInput("no input given; pass a file path, an http(s) URL, or - for stdin")
    if source == "-":
        payload, kind = sources.read_stdin(stdin if stdin is not None else _sys_stdin()), "stdin"
    elif sources.is_url(source):
        payload, kind = sources.fetch(source, allow_private=allow_private), "url"
    elif scheme := _SCHEME.match(source):
        raise BadInput(
            f"cannot read {source}: {scheme.group(0)} URLs are not supported; give an http(s) "
            "URL or a file path"
        )
    else:
        payload, kind = sources.read_file(source), None
    result = ingest_bytes(payload.data, content_type=payload.content_type, name=payload.name)
    return replace(result, url=payload.url, source_kind=kind or result.source_kind)


def ingest_bytes(
    data: bytes, *, content_type: str | None = None, name: str = "<input>"
) -> IngestedText:
    """Turn the bytes of one article (plain text or an HTML page) into the text to analyse."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise BadInput(f"{name}: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    sources.check_size(len(data), name)
    if not data:
        raise EmptyInput(f"{name} is empty; give a file that holds the article text")
    text, decoding = decode(data, name=name, declared=charset_from_content_type(content_type))
    check_text(text, name)
    if not text.strip():
        raise EmptyInput(f"{name} holds only whitespace; give a file with the article text")
    is_html = looks_like_html(text) or (_declares_html(content_type) and "<" in text)
    title = None
    if is_html:
        body, title = extract(text, name=name)
        text = _with_title(normalize_newlines(body), title)
    cleaned = clean(normalize_newlines(text))
    if not cleaned.text.strip():
        raise EmptyInput(f"{name} holds no article text, only page boilerplate")
    return IngestedText(
        text=cleaned.text,
        title=title,
        url=None,
        source_kind="html" if is_html else "text",
        credits=cleaned.credits,
        removed=cleaned.removed,
        decoding=decoding,
    )


def without_boilerplate(text: str) -> str:
    """Pasted text with its page leftovers removed, as `ingest` removes them from a file."""
    return clean(normalize_newlines(text)).text


def _declares_html(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() in _HTML_TYPES


def _with_title(body: str, title: str | None) -> str:
    """The title as a headline line, then a blank line, then the body (without a repeated title)."""
    if not title:
        return body
    first, _, rest = body.partition("\n")
    if first.strip() == title:
        body = rest.lstrip("\n")
    return f"{title}\n\n{body}" if body.strip() else title


def _sys_stdin() -> BinaryIO | None:
    return getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
