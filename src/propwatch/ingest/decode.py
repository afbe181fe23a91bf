"""Bytes to text: BOM, strict UTF-8, a declared charset, damaged UTF-8, then charset-normalizer.

UTF-8 with a few bad bytes stays UTF-8: each bad byte becomes U+FFFD and is counted, so that a
file saved as UTF-8 but for a broken copy and paste is not misread whole in a legacy code page
("Café" as "CafĂŠ"). A legacy code page is used only when the bytes carry no UTF-8 evidence and
charset-normalizer names one. Binary input (file signatures, NUL bytes) is refused rather than
decoded into garbage. `normalize_newlines` turns \\r\\n and lone \\r into \\n: the analysed
text, and so every offset, refers to the normalised text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from propwatch.errors import Unreadable

__all__ = ["Decoding", "charset_from_content_type", "decode", "normalize_newlines"]


@dataclass(frozen=True)
class Decoding:
    """How an article's bytes became its text."""

    encoding: str  # the Python codec name: "utf-8", "cp1252", ...
    replaced_bytes: int = 0  # bytes not valid in it, each now U+FFFD in the text


# Checked longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Formats people hand us by mistake; named so the error can say what the file is.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx, .odt or .epub file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an executable program"),
)

# WHATWG: documents labelled Latin-1 or ASCII are decoded as windows-1252 by every browser.
_LABEL_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}  # keys: codecs.lookup names

# Damaged UTF-8: at most this many bad bytes per well-formed multi-byte character. A legacy
# code page hardly ever forms a valid multi-byte sequence by chance, and then among many bad ones.
_BAD_PER_VALID = 4
_MAX_BAD_SHARE = 0.1  # more bad bytes than this is not damage, whatever the header says
_ESCAPED = re.compile("[\udc80-\udcff]")  # bad bytes, as surrogateescape decodes them

# Non-ASCII characters of Western European text: all that windows-1252 decodes to, less the
# symbols that show up when Central European text is misread as it ("ł" -> "³", "ą" -> "¹").
_WESTERN = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", "ignore")) - frozenset(
    "\xa4\xa6\xa8\xaf\xb3\xb8\xb9\u02c6\u02dc"
)
_CHAOS_SLACK = 0.05

_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_WINDOW = 4096  # HTML must declare its charset in the first 1024 bytes; be lenient


def decode(data: bytes, *, name: str, declared: str | None = None) -> tuple[str, Decoding]:
    """Decode `data` to text; `declared` is a charset from a Content-Type header, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data[len(bom) :], encoding), name, encoding), Decoding(encoding)
    _refuse_known_binary(data, name)
    if b"\x00" in data:
        raise _binary(name)
    labels = [_codec(label) for label in (declared, _meta_charset(data)) if label]
    for encoding in ("utf-8", *labels):
        strict = _strict(data, encoding)
        if strict is not None:
            return _checked(strict, name, encoding), Decoding(encoding)
    damaged = _damaged_utf8(data, declared="utf-8" in labels)
    if damaged is not None:
        return damaged
    guessed, encoding = _guess(data)
    return _checked(guessed, name, "detected"), Decoding(encoding)


def normalize_newlines(text: str) -> str:
    """\\r\\n and lone \\r become \\n (old Mac and Windows files read like any other)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _CHARSET.search(content_type.encode("latin-1", "replace"))
    return match.group(1).decode("ascii") if match else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _codec(label: str) -> str:
    """A Python codec for a charset label, or the label itself (then _strict fails cleanly)."""
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return label
    return _LABEL_ALIASES.get(name, name)


def _meta_charset(data: bytes) -> str | None:
    """The charset an HTML <meta> tag declares near the top, if any."""
    head = data[:_META_WINDOW]
    if b"<meta" not in head.lower():
        return None
    match = _CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _damaged_utf8(data: bytes, declared: bool) -> tuple[str, Decoding] | None:
    """UTF-8 with its bad bytes replaced, when the bytes are UTF-8 but for a few (or say they
    are UTF-8); None when they look like a legacy code page."""
    escaped = data.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED.findall(escaped))
    valid = sum(1 for char in escaped if char > "\x7f") - bad  # well-formed multi-byte chars
    if bad > _MAX_BAD_SHARE * len(data):
        return None
    if not declared and (valid == 0 or bad > _BAD_PER_VALID * valid):
        return None
    return _ESCAPED.sub("\ufffd", escaped), Decoding("utf-8", bad)


def _guess(data: bytes) -> tuple[str | None, str]:
    """charset-normalizer's reading, or None when no encoding reads the bytes as text.

    On short Western text the detector often ranks cp1250 or cp1257 first ("naïve" becomes
    "naďve"); windows-1252 is by far the likeliest legacy encoding of English-language news,
    so it wins whenever it is nearly as orderly and yields only Western letters and punctuation.
    """
    try:
        matches = from_bytes(data)
        best = matches.best()
        if best is None:
            return None, "unknown"
        western = next((m for m in matches if m.encoding == "cp1252"), None)
        if western is not None and western.chaos <= best.chaos + _CHAOS_SLACK:
            text = str(western)
            if _WESTERN.issuperset(c for c in set(text) if c > "\x7f"):
                return text, "cp1252"
        return str(best), best.encoding
    except Exception:  # a detector failure means "cannot tell", never a crash
        return None, "unknown"


def _refuse_known_binary(data: bytes, name: str) -> None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise Unreadable(
                f"{name} is {kind}, not text; convert it to plain text or HTML and try again"
            )


def _checked(text: str | None, name: str, encoding: str) -> str:
    """Refuse a failed decoding; drop a BOM inside a guessed encoding."""
    if text is None:
        raise _binary(name) if encoding == "detected" else _bad_bom(name, encoding)
    return text.removeprefix("\ufeff")


def _binary(name: str) -> Unreadable:
    return Unreadable(
        f"{name} looks like a binary file, not text in any encoding propwatch can read; "
        "give a .txt or .html article (saved as UTF-8 if you can)"
    )


def _bad_bom(name: str, encoding: str) -> Unreadable:
    return Unreadable(
        f"{name} starts with a {encoding.upper()} byte-order mark but is not valid {encoding}; "
        "re-save it as UTF-8"
    )
