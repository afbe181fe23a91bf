"""Candidate attributions as the parse yields them, before pronouns are resolved, and the token
helpers that every finder shares: phrases, trimmed token spans, article offsets.

Subject phrases drop their appositions and relative clauses ("Mark Lukasiewicz, dean of ...,
said" -> "Mark Lukasiewicz"); clause contents shorter than `MIN_CLAUSE_WORDS` words are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from propwatch.structure.lexicon import lexicon_for
from propwatch.structure.quotes import QUOTE_MARKS
from propwatch.structure.types import Attribution

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
    "finalise",
    "found",
    "kind",
    "phrase",
    "token_span",
    "trim",
]

MIN_CLAUSE_WORDS = 3
MAX_SOURCE_TOKENS = 15
SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Dependents that end a subject phrase: "X, dean of Y, who ..., said" -> "X". The labels are
# English's and Universal Dependencies' (French): neither parser makes the other's.
_PHRASE_STOP = frozenset(
    {"relcl", "acl:relcl", "acl", "appos", "advcl", "parataxis", "ccomp", "punct", "case"}
)


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
    fallback: bool = False  # kept only where no other candidate of its extent has a source


@dataclass(frozen=True)
class Entity:
    """A named PERSON/ORG/GPE/NORP: a pronoun's antecedent when no named source precedes it."""

    at: int
    source: str
    kind: str


def child(token: Token, *deps: str) -> Token | None:
    """The first child of `token` with one of the dependencies `deps`, if any."""
    return next((c for c in token.children if c.dep_ in deps), None)


def kind(token: Token) -> str:
    """The entity label of `token` as English names it ("PER" -> "PERSON"), or ""."""
    label = token.ent_type_
    return lexicon_for(token.doc.lang_).entity_kinds.get(label, label)


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
    lexicon = lexicon_for(speaker.doc.lang_)
    pronoun = lexicon.inverted_subjects.get(speaker.lower_)  # "-il", whatever its tag
    if pronoun is None and speaker.pos_ == "PRON":
        pronoun = lexicon.pronouns.get(speaker.lower_)
    if pronoun is not None and not lexicon.pronoun_sources:
        source = ""  # no source unless an antecedent takes its place (`pronouns`)
    label = kind(speaker)
    label = label if label in SPEAKER_LABELS else ""
    return Found(content[0], content[1], source, cue, start, label, pronoun)


def _marks(token: Token, head: Token) -> bool:
    """Whether `token` is the preposition of `head`'s phrase ("selon" in "selon l'OMS")."""
    return token.dep_ == "case" and token.head.i == head.i


def phrase(head: Token) -> tuple[Token, Token]:
    """The noun phrase headed by `head`, without appositions, relative clauses and a leading
    preposition."""
    last = head
    for right in head.rights:
        if right.dep_ in _PHRASE_STOP:
            break
        last = right.right_edge
    first = head.left_edge
    while first.i < head.i and (blank(first) or _marks(first, head)):
        first = head.doc[first.i + 1]
    while last.i > head.i and blank(last):
        last = head.doc[last.i - 1]
    if last.i - first.i >= MAX_SOURCE_TOKENS:  # a clause-sized subject: keep its core
        first = last = head
        while first.i > 0 and first.nbor(-1).head.i == head.i and first.nbor(-1).dep_ != "punct":
            first = first.nbor(-1)
    return first, last


_EDGE = frozenset("\ufeff\u200b.,:;" + QUOTE_MARKS)  # trimmed like whitespace


def finalise(text: str, found: list[Found]) -> tuple[Attribution, ...]:
    """Trimmed, valid, deduplicated attributions in text order; quotations win ties, and any
    candidate wins over a fallback."""
    kept: dict[tuple[int, int], Attribution] = {}
    for item in sorted(found, key=lambda f: (f.cue != "quote", f.fallback)):
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
