"""Who says what: every quotation and attributed clause of an article, found on the spaCy parse.

The finders are one module each: quotation marks (`quotes`), the speakers of speech verbs and
quotations (`speakers`), attributed clauses and headlines (`clauses`), pronoun speakers
(`pronouns`); this module runs them over the parsed chunks and keeps the final list.

Attributions nest: the content of "The Ministry accused Y of Z, Interfax reported" is Interfax's,
and "Y of Z" inside it is the Ministry's. Spans are trimmed of whitespace, `. , : ;` and quotation
marks at both edges; a quotation and a clause with the same extent keep the quotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from propwatch.structure.clauses import clauses, headline
from propwatch.structure.pronouns import entities, resolve_pronouns
from propwatch.structure.quotes import QUOTE_MARKS
from propwatch.structure.speakers import quotations
from propwatch.structure.types import Attribution

if TYPE_CHECKING:
    from propwatch.article import Article
    from propwatch.structure.candidates import Entity, Found
    from propwatch.structure.nlp import Chunk

__all__ = ["find_attributions"]

_EDGE = frozenset("\ufeff\u200b.,:;" + QUOTE_MARKS)  # trimmed like whitespace


def find_attributions(
    article: Article, chunks: Sequence[Chunk], quotes: list[tuple[int, int]]
) -> tuple[Attribution, ...]:
    """Every quotation and attributed clause of `article`, sorted by position, nested ones too.

    `chunks` are its parse (`nlp.parse`), `quotes` what `quotes.find_quotes` finds.
    """
    found: list[Found] = []
    named: list[Entity] = []
    for chunk in chunks:
        found += clauses(chunk)
        found += quotations(chunk, quotes)
        found += headline(chunk, article)
        named += entities(chunk)
    return _finalise(article.text, resolve_pronouns(article, found, named))


def _finalise(text: str, found: list[Found]) -> tuple[Attribution, ...]:
    """Trimmed, valid, deduplicated attributions in text order; quotations win ties."""
    kept: dict[tuple[int, int], Attribution] = {}
    for item in sorted(found, key=lambda f: f.cue != "quote"):
        start, end = _trim_chars(text, item.start, item.end)
        if start < end and item.source and (start, end) not in kept:
            kept[start, end] = Attribution(start, end, item.source, item.cue)
    return tuple(sorted(kept.values(), key=lambda a: (a.start, -a.end, a.source)))


def _trim_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) shrunk past whitespace, `. , : ;` and quotation marks at both edges."""
    start, end = max(start, 0), min(end, len(text))
    while start < end and (text[start] in _EDGE or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _EDGE or text[end - 1].isspace()):
        end -= 1
    return start, end
