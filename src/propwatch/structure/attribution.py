"""Who says what: every quotation and attributed clause of an article, found on the spaCy parse.

The finders are one module each: quotation marks (`quotes`), the speakers of speech verbs and
quotations (`speakers`), attributed clauses and headlines (`clauses`), pronoun speakers
(`pronouns`), each reading the words of the parse's language (`lexicon`); this module runs them
over the parsed chunks and keeps the final list. Text with no parse goes to `marked` instead.

Attributions nest: the content of "The Ministry accused Y of Z, Interfax reported" is Interfax's,
and "Y of Z" inside it is the Ministry's. Spans are trimmed of whitespace, `. , : ;` and quotation
marks at both edges; a quotation and a clause with the same extent keep the quotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from propwatch.structure.candidates import finalise
from propwatch.structure.clauses import clauses, headline
from propwatch.structure.pronouns import entities, resolve_pronouns
from propwatch.structure.speakers import quotations
from propwatch.structure.types import Attribution

if TYPE_CHECKING:
    from propwatch.article import Article
    from propwatch.structure.candidates import Entity, Found
    from propwatch.structure.nlp import Chunk

__all__ = ["candidates", "find_attributions"]


def find_attributions(
    article: Article, chunks: Sequence[Chunk], quotes: list[tuple[int, int]]
) -> tuple[Attribution, ...]:
    """Every quotation and attributed clause of `article`, sorted by position, nested ones too.

    `chunks` are its parse (`nlp.parse`), `quotes` what `quotes.find_quotes` finds.
    """
    found, named = candidates(article, chunks, quotes)
    return finalise(article.text, resolve_pronouns(article, found, named))


def candidates(
    article: Article, chunks: Sequence[Chunk], quotes: list[tuple[int, int]]
) -> tuple[list[Found], list[Entity]]:
    """The attributions before pronouns are resolved, and the named subjects that pronouns may
    stand for (in text order), found where each chunk's parse counts (not in its margins)."""
    found: list[Found] = []
    named: list[Entity] = []
    for chunk in chunks:
        found += (f for f in clauses(chunk) if chunk.counts(f.start))
        found += (f for f in quotations(chunk, quotes) if chunk.counts(f.start))
        found += headline(chunk, article)
        named += (e for e in entities(chunk) if chunk.counts(e.at))
    return found, sorted(named, key=lambda entity: entity.at)  # chunks may overlap
