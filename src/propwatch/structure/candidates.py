"""Candidate attributions as the parse yields them, before pronouns are resolved, and the token
helpers that every finder shares: phrases, trimmed token spans, article offsets.

Subject phrases drop their appositions and relative clauses ("Mark Lukasiewicz, dean of ...,
said" -> "Mark Lukasiewicz"); clause contents shorter than `MIN_CLAUSE_WORDS` words are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from propwatch.structure.nlp import Chunk

__all__ = [
    "MIN_CLAUSE_WORDS",
    "SPEAKER_LABELS",
    "Entity",
    "Found",
    "blank",
    "child",
    "found",
    "phrase",
    "token_span",
    "trim",
]

MIN_CLAUSE_WORDS = 3
MAX_SOURCE_TOKENS = 15
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_PRONOUNS = frozenset({"he", "she", "it", "they"})
# Dependents that end a subject phrase: "X, dean of Y, who ..., said" -> "X".
_PHRASE_STOP = frozenset({"relcl", "acl", "appos", "advcl", "parataxis", "ccomp", "punct", "case"})


@dataclass(frozen=True)
class Found:
    """An attribution before pronoun resolution."""

    start: int
    end: int
    source: str
    cue: str
    at: int  # where the source phrase starts: orders antecedents
    kind: str  # entity label of the source's head ("PERSON", "ORG", ...) or ""
    pronoun: str | None  # "he", "she", "it", "they" when the source is one


@dataclass(frozen=True)
class Entity:
    """A named PERSON/ORG/GPE/NORP: a pronoun's antecedent when no named source precedes it."""

    at: int
    source: str
    kind: str


def child(token: Token, dep: str) -> Token | None:
    """The first child of `token` with dependency `dep`, if any."""
    return next((c for c in token.children if c.dep_ == dep), None)


def trim(doc: Doc, first: int, last: int, skip_mark: bool = False) -> tuple[Token, Token] | None:
    """Shrink [first, last] past punctuation and spaces (and a leading "that") at its edges."""
    while first <= last and (blank(doc[first]) or (skip_mark and doc[first].dep_ == "mark")):
        first += 1
    while first <= last and blank(doc[last]):
        last -= 1
    if first > last or sum(not doc[i].is_punct for i in range(first, last + 1)) < MIN_CLAUSE_WORDS:
        return None  # nothing left, or a fragment ("he said so", a misparsed "Smith said")
    return doc[first], doc[last]


def blank(token: Token) -> bool:
    return token.is_punct or token.is_space


def token_span(chunk: Chunk, first: Token, last: Token) -> tuple[int, int]:
    """Article offsets of tokens first..last."""
    return chunk.offset + first.idx, chunk.offset + last.idx + len(last)


def found(chunk: Chunk, content: tuple[int, int], speaker: Token, cue: str) -> Found:
    """A candidate for the `content` offsets said by the phrase around `speaker`."""
    start, end = token_span(chunk, *phrase(speaker))
    source = " ".join(chunk.slice(start, end).split())
    pronoun = speaker.lower_ if speaker.pos_ == "PRON" and speaker.lower_ in _PRONOUNS else None
    kind = speaker.ent_type_ if speaker.ent_type_ in SPEAKER_LABELS else ""
    return Found(content[0], content[1], source, cue, start, kind, pronoun)


def phrase(head: Token) -> tuple[Token, Token]:
    """The noun phrase headed by `head`, without appositions and relative clauses."""
    last = head
    for right in head.rights:
        if right.dep_ in _PHRASE_STOP:
            break
        last = right.right_edge
    first = head.left_edge
    while first.i < head.i and blank(first):
        first = head.doc[first.i + 1]
    while last.i > head.i and blank(last):
        last = head.doc[last.i - 1]
    if last.i - first.i >= MAX_SOURCE_TOKENS:  # a clause-sized subject: keep its core
        first = last = head
        while first.i > 0 and first.nbor(-1).head.i == head.i and first.nbor(-1).dep_ != "punct":
            first = first.nbor(-1)
    return first, last
