"""Attributed clauses, from the dependency parse (`cue` = the verb as written, or "according to"):

- "X said (that) C", "X emphasized that C", "C, X reported": C is the verb's `ccomp` (its `xcomp`
  for claim-like verbs: "X claimed to have won"); the source is the subject phrase (`speakers`).
- "X accused Y of Z": "Y of Z" is X's charge (also "blame").
- "Y cites X" / "quotes X": the cited X is the source ("Interfax cites the Center officials").
- "according to X, C" / "C, according to X": C is the clause "according" attaches to; likewise
  "selon X, C" in French.
- "C, as X reported" and "C, X said, C": parenthetical frames (`parataxis`, `advcl` with "as").
- A headline "NAME: claim" when NAME is a PERSON/ORG entity or ends in a source noun ("FBI: ...",
  "Reports: ...").

A supplementary relative clause inside an attributed clause is the outlet's own voice, not the
source's: in "According to the US' classification, the opposition is the Free Syrian Army (FSA)
which is essentially a patchy alliance ...", the US classifies, the outlet characterises. Such
supplements (non-restrictive relatives) commit the writer even when embedded under a speech verb
(Potts 2005, The Logic of Conventional Implicatures), so the clause is cut around them. A
supplement is a `relcl` opened by who/whom/whose/which right after a comma, parenthesis or dash;
unmarked ("the mat which was enough") and "that" clauses restrict their noun and stay with the
source, and so does a supplement with a speech verb of its own ("which he said was no surprise")
or an evidential adverb ("who allegedly had a gun").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from propwatch.structure.candidates import (
    SPEAKER_LABELS,
    Found,
    child,
    found,
    kind,
    token_span,
    trim,
)
from propwatch.structure.lexicon import lexicon_for
from propwatch.structure.speakers import is_speech_verb, speaker

if TYPE_CHECKING:
    from spacy.tokens import Token

    from propwatch.article import Article
    from propwatch.structure.nlp import Chunk

__all__ = ["clauses", "headline"]

# "X accused Y of Z": the charge is Y and Z, by the labels of each parser ("accuser Y de Z").
_CHARGE_DEPS = {"en": frozenset({"dobj", "prep"}), "fr": frozenset({"obj", "xcomp", "obl:arg"})}
_XCOMP = frozenset({"claim", "deny", "allege", "vow", "promise", "threaten", "pledge"})
_APOSTROPHES = frozenset({"'", "\u2019", "'s", "\u2019s"})
# "Reports: ...", "Keith Ellison Accuser: ...": headline prefixes that name a source by its role.
_HEADLINE_SOURCES = frozenset(
    noun
    for group in (
        "report source official document expert study poll survey witness insider",
        "police lawyer attorney spokesman spokeswoman spokesperson accuser analyst critic",
    )
    for noun in group.split()
)
_HEADLINE_KIND = (
    "HEADLINE"  # no pronoun's antecedent: "Sore Loser: ..." labels, "she said" does not
)


def clauses(chunk: Chunk) -> Iterator[Found]:
    """The clauses in `chunk` that a speech verb or "according to" attributes."""
    according = lexicon_for(chunk.doc.lang_).according
    for token in chunk.doc:
        if token.lower_ == "according":
            yield from _according(chunk, token)
        elif token.lower_ in according and token.dep_ == "case":
            yield from _according_case(chunk, token)
        elif is_speech_verb(token):
            yield from _reported(chunk, token)


def _reported(chunk: Chunk, verb: Token) -> Iterator[Found]:
    said_by = speaker(verb)
    if said_by is None:
        return
    for content in _contents(verb):
        for first, last in _without_supplements(*content):
            yield found(chunk, token_span(chunk, first, last), said_by, verb.lower_)


def _contents(verb: Token) -> list[tuple[Token, Token]]:
    """The reported stretches of text that `verb` frames, as (first, last) tokens."""
    lemma = verb.lemma_.lower()
    doc = verb.doc
    lexicon = lexicon_for(doc.lang_)
    comps = [
        dependent
        for dependent in verb.children
        if dependent.dep_ == "ccomp" or (dependent.dep_ == "xcomp" and lemma in _XCOMP)
    ]
    if comps:
        spans = [trim(doc, c.left_edge.i, c.right_edge.i, skip_mark=True) for c in comps]
        return [span for span in spans if span is not None]
    if lemma in lexicon.accusing:
        charge = _CHARGE_DEPS.get(doc.lang_, frozenset())
        rights = [right for right in verb.rights if right.dep_ in charge]
        span = trim(doc, rights[0].left_edge.i, rights[-1].right_edge.i) if rights else None
        return [span] if span is not None else []
    if verb.dep_ == "parataxis" or (verb.dep_ == "advcl" and _has_mark(verb, lexicon.frame_words)):
        span = _without(_clause_head(verb.head), verb)
        return [span] if span is not None else []
    return []


def _has_mark(token: Token, words: frozenset[str]) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in words for c in token.children)


def _according(chunk: Chunk, according: Token) -> Iterator[Found]:
    """ "according to X, C" and "C, according to X": C is X's."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    source = child(to, "pobj") if to is not None else None
    if source is None or according.head.i == according.i:
        return
    source = _possessor(source) or source
    yield from _marked(chunk, according, source, "according to")


def _according_case(chunk: Chunk, marker: Token) -> Iterator[Found]:
    """ "selon X, C" and "C, selon X": X heads the phrase, an oblique of C's verb."""
    source = marker.head
    if source.dep_.startswith("obl") and source.head.i != source.i:
        yield from _marked(chunk, source, source, marker.lower_)


def _marked(chunk: Chunk, phrase: Token, source: Token, cue: str) -> Iterator[Found]:
    """The clause that `phrase` ("according to X") attaches to, without it, said by `source`."""
    span = _without(_clause_head(phrase.head), phrase)
    for first, last in _without_supplements(*span) if span is not None else ():
        yield found(chunk, token_span(chunk, first, last), source, cue)


def _possessor(noun: Token) -> Token | None:
    """X in "X's report" or "the US' classification": the one whose words they are.

    A curly apostrophe often leaves the possessor parsed as a modifier, so a named modifier
    followed by an apostrophe counts too.
    """
    for left in noun.lefts:
        if left.dep_ == "poss" and left.pos_ != "PRON":
            return left
        follows = left.nbor(1) if left.i + 1 < len(left.doc) else None
        if (
            left.dep_ in ("nmod", "compound")
            and kind(left) in SPEAKER_LABELS
            and follows is not None
            and follows.text in _APOSTROPHES
        ):
            return left
    return None


def _clause_head(token: Token) -> Token:
    """The verb heading the clause that `token` belongs to (or the sentence root)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _without(head: Token, part: Token) -> tuple[Token, Token] | None:
    """The span of `head`'s subtree with `part`'s subtree cut off when it sits at either edge."""
    span = trim(head.doc, head.left_edge.i, head.right_edge.i)
    if span is None:
        return None
    first, last = span[0].i, span[1].i
    if part.left_edge.i <= first:
        first = part.right_edge.i + 1
    elif part.right_edge.i >= last:
        last = part.left_edge.i - 1
    return trim(head.doc, first, last)


_SETTING_OFF = frozenset({",", "(", ")", "-", "\u2013", "\u2014"})


def _without_supplements(first: Token, last: Token) -> list[tuple[Token, Token]]:
    """The stretches of first..last outside its supplementary relative clauses (module doc)."""
    doc = first.doc
    pieces, start = [], first.i
    for token in doc[first.i : last.i + 1]:
        inside = start <= token.left_edge.i and token.right_edge.i <= last.i
        if inside and _is_supplement(token):
            pieces.append(_bracketed(trim(doc, start, token.left_edge.i - 1)))
            start = token.right_edge.i + 1
    pieces.append(trim(doc, start, last.i))
    return [piece for piece in pieces if piece is not None]


def _bracketed(piece: tuple[Token, Token] | None) -> tuple[Token, Token] | None:
    """The piece with the closing parenthesis that trimming took off: "Army (FSA)"."""
    if piece is None or piece[1].i + 1 >= len(piece[1].doc):
        return piece
    after = piece[1].nbor(1)
    opened = any(token.text == "(" for token in piece[1].doc[piece[0].i : piece[1].i + 1])
    return (piece[0], after) if after.text == ")" and opened else piece


def _is_supplement(token: Token) -> bool:
    if token.dep_ not in ("relcl", "acl:relcl"):
        return False
    lexicon = lexicon_for(token.doc.lang_)
    opener = token.left_edge
    if opener.lower_ not in lexicon.relatives:
        return False
    if opener.i == 0 or opener.nbor(-1).text not in _SETTING_OFF:
        return False
    # "..., which he said was no surprise", "..., who allegedly had a gun": still the source's
    return not any(is_speech_verb(w) or w.lower_ in lexicon.evidential for w in token.subtree)


def headline(chunk: Chunk, article: Article) -> Iterator[Found]:
    """ "Russian Ministry of Defense: US actions amount to war crime" in the title."""
    title = article.title
    if title is None or chunk.offset != title.start:  # the title opens the first chunk
        return
    tokens = [t for t in chunk.doc if chunk.offset + t.idx < title.end]
    colon = next((t for t in tokens if t.text == ":"), None)
    if colon is None or not 1 <= colon.i <= 8:
        return
    name = [t for t in tokens[: colon.i] if not t.is_punct and t.dep_ != "det"]
    named = all(kind(t) in ("PERSON", "ORG") for t in name)
    span = trim(chunk.doc, colon.i + 1, tokens[-1].i)
    if span is None or not name or not (named or name[-1].lemma_.lower() in _HEADLINE_SOURCES):
        return
    start, end = token_span(chunk, *span)
    source = " ".join(article.text[title.start : chunk.offset + colon.idx].split())
    yield Found(start, end, source, "headline", title.start, _HEADLINE_KIND, None)
