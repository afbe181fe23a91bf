"""Pronoun speakers resolved to the name they stand for.

Pronoun speakers (he, she, it, they) become the most recent compatible named source before them,
else the most recent compatible named entity that is a subject ("Kelly ordered ... He said";
without a parser, a named speaker of any speech form: "Дугин написал, что ..."), looking back
within the paragraph or the `PRONOUN_WINDOW` sentences before (PTC paragraphs are single
sentences). He/she prefer a PERSON or an unlabelled phrase ("a spokesman"), then an ORG (the
small model tags many surnames ORG); "it" takes an ORG, GPE, NORP or unlabelled phrase. When
nothing fits, the pronoun stays in English; in the other languages a pronoun is no source
(`Lexicon.pronoun_sources`: its source is empty), so the attribution is dropped.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from propwatch.structure.candidates import SPEAKER_LABELS, Entity, Found, kind, phrase, token_span

if TYPE_CHECKING:
    from propwatch.article import Article
    from propwatch.structure.nlp import Chunk

__all__ = ["PRONOUN_WINDOW", "entities", "resolve_pronouns"]

PRONOUN_WINDOW = 3  # sentences looked back for a pronoun's antecedent beyond its paragraph

# Antecedent kinds a pronoun accepts, by preference: the small model often tags a lone surname
# ("Trump") ORG, so he/she fall back on ORG when no person is near.
_COMPATIBLE: dict[str, tuple[frozenset[str], ...]] = {
    "he": (frozenset({"PERSON", ""}), frozenset({"ORG"})),
    "she": (frozenset({"PERSON", ""}), frozenset({"ORG"})),
    "it": (frozenset({"ORG", "GPE", "NORP", ""}),),
    "they": (frozenset({"PERSON", "ORG", "GPE", "NORP", ""}),),
}


def entities(chunk: Chunk) -> Iterator[Entity]:
    """Named subjects: "Kelly ordered that Acosta be reinstated" offers Kelly, not Acosta."""
    for ent in chunk.doc.ents:
        label = kind(ent.root)  # French "PER" is a PERSON
        if label in SPEAKER_LABELS and ent.root.dep_ == "nsubj":
            start, end = token_span(chunk, *phrase(ent.root))  # "Mayor Jane Smith", whole
            source = " ".join(chunk.slice(start, end).split())
            yield Entity(start, source, label)


def resolve_pronouns(article: Article, found: list[Found], named: list[Entity]) -> list[Found]:
    """Each pronoun source replaced by its antecedent when one is near (see the module doc)."""
    found = sorted(found, key=lambda f: f.at)
    sources = [f for f in found if f.pronoun is None and not f.fallback]
    source_at = [f.at for f in sources]
    entity_at = [e.at for e in named]
    resolved = []
    for item in found:
        if item.pronoun is not None:
            earlier = sources[: bisect_right(source_at, item.at - 1)]
            before = named[: bisect_right(entity_at, item.at - 1)]
            antecedent = _antecedent(article, item.at, item.pronoun, earlier, before)
            if antecedent is not None:
                item = replace(item, source=antecedent.source, pronoun=None)
        resolved.append(item)
    return resolved


def _antecedent(
    article: Article, at: int, pronoun: str, earlier: list[Found], before: list[Entity]
) -> Found | Entity | None:
    """By preference of kind, the nearest named source, else the nearest named subject."""
    for allowed in _COMPATIBLE[pronoun]:
        for candidates in (earlier, before):
            antecedent = _last_near(article, at, candidates, allowed)
            if antecedent is not None:
                return antecedent
    return None


def _last_near(
    article: Article, at: int, candidates: Sequence[Found | Entity], allowed: frozenset[str]
) -> Found | Entity | None:
    """The last candidate with an allowed kind in the paragraph of `at` or the window before it."""
    here = article.sentence_at(at)
    if here is None:
        return None
    paragraph = article.sentences[here].paragraph
    for candidate in reversed(candidates):
        there = article.sentence_at(candidate.at)
        if there is None:
            continue
        if article.sentences[there].paragraph != paragraph and here - there > PRONOUN_WINDOW:
            return None
        if candidate.kind in allowed:
            return candidate
    return None
