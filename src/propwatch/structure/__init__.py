"""The structure stage: which parts of an article are the outlet's voice, and which are reported.

>>> from propwatch.article import parse_article
>>> structure = analyse_structure(parse_article(text), load_pipeline())
>>> voice_of(structure, start, end)  # ("reported", "Interfax") or ("outlet", None)
>>> analyse_structure(parse_article(text), load_pipeline("de"), "de")  # no parser: None
>>> analyse_structure(article, load_pipeline(), "en", ends)  # phrase ends at `ends` only: faster

`analyse_structure` parses the article with spaCy (see `nlp`; given the highlights' ends, only
the sentences that can change its result, `needed`), finds its quotations once
(`quotes.find_quotes`), its attributions (`attribution` on the parse; `marked` where the language
has no parser; the words of each language in `lexicon`), where a highlight's phrase ends
(`phrases`, English only: measured there), and cuts its body into report / opinion / credits
sections (`sections`). Every Section and Attribution keeps `0 <= start < end <= len(article.text)`
and has no whitespace at either edge, for any input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from propwatch.structure.attribution import candidates
from propwatch.structure.candidates import finalise
from propwatch.structure.marked import find_marked_attributions
from propwatch.structure.needed import named_sentences, needed_sentences, pronoun_windows
from propwatch.structure.nlp import ArticleParse, Chunk, load_pipeline
from propwatch.structure.phrases import complete_end, phrase_ends
from propwatch.structure.pronouns import resolve_pronouns
from propwatch.structure.quotes import find_quotes
from propwatch.structure.sections import find_sections
from propwatch.structure.types import Attribution, Section, SectionKind, Voice

if TYPE_CHECKING:
    from spacy.language import Language

    from propwatch.article import Article

__all__ = [
    "Attribution",
    "Section",
    "SectionKind",
    "Structure",
    "Voice",
    "analyse_structure",
    "load_pipeline",
    "voice_of",
]


@dataclass(frozen=True)
class Structure:
    """An article's sections (tiling its body, title excluded) and its attributions."""

    sections: tuple[Section, ...]
    attributions: tuple[Attribution, ...]  # by start, outer before inner
    # {end of a modifier: end of the noun it modifies}, where a span ending there should end
    phrase_ends: Mapping[int, int] = field(default_factory=dict)

    def phrase_end(self, end: int) -> int:
        """Where a highlight that ends at `end` should end (`phrases`)."""
        return complete_end(end, self.phrase_ends)


def analyse_structure(
    article: Article, nlp: Language | None, language: str = "en", ends: Iterable[int] | None = None
) -> Structure:
    """Sections and attributions of `article`, written in `language` (ISO 639-1); `nlp` is its
    pipeline (`load_pipeline(language)`), or None where it has none (quotation-only voices).

    Phrase ends are those of highlights ending at `ends` (None: anywhere); given the ends, only
    the sentences that can change the result are parsed (`needed`), which is faster.
    """
    quotes = find_quotes(article.text)
    if nlp is None:
        chunks: list[Chunk] = []
        attributions = find_marked_attributions(article, quotes, language)
    else:
        chunks, attributions = _parsed_attributions(article, nlp, quotes, ends)
    sections = find_sections(article, attributions, quotes)
    english = nlp is not None and nlp.lang == "en"
    return Structure(sections, attributions, phrase_ends(chunks) if english else {})


def _parsed_attributions(
    article: Article, nlp: Language, quotes: list[tuple[int, int]], ends: Iterable[int] | None
) -> tuple[list[Chunk], tuple[Attribution, ...]]:
    """The parsed chunks the structure needs, and the attributions found on them."""
    parse = ArticleParse(article, nlp)
    needed = needed_sentences(article, nlp, quotes, ends)
    chunks = parse.chunks(needed)
    found, named = candidates(article, chunks, quotes)
    if needed is not None:  # no entities yet: add them where they can change an attribution
        more = pronoun_windows(article, found) - needed
        chunks = sorted([*chunks, *parse.chunks(more)], key=lambda chunk: chunk.offset)
        parse.name(chunks, named_sentences(article, found))
        found, named = candidates(article, chunks, quotes)
    return chunks, finalise(article.text, resolve_pronouns(article, found, named))


def voice_of(structure: Structure, start: int, end: int) -> tuple[Voice, str | None]:
    """("reported", source) when at least half of [start, end) lies inside one attribution (the
    shortest such one: the innermost when they nest), else ("outlet", None).

    An empty span counts as reported when its position lies inside an attribution.
    """
    best: Attribution | None = None
    for attribution in structure.attributions:
        if attribution.start >= max(end, start + 1):
            break  # sorted by start: no later one overlaps
        if _mostly_inside(attribution, start, end) and (
            best is None or attribution.end - attribution.start < best.end - best.start
        ):
            best = attribution
    return ("reported", best.source) if best is not None else ("outlet", None)


def _mostly_inside(attribution: Attribution, start: int, end: int) -> bool:
    if end <= start:
        return attribution.start <= start < attribution.end
    overlap = min(end, attribution.end) - max(start, attribution.start)
    return 2 * overlap >= end - start
