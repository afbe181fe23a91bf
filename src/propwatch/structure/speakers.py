"""Who speaks: the speech verbs, the speaker of each, and the speaker of each quotation.

The speech verbs of the parse's language are in `lexicon` (communication verbs only: cognition
verbs, believe or think, are not attribution); the parse's labels are English's or Universal
Dependencies' (French), and the rules read both. A negated verb ("did not say that", "n'a pas
dit que") has no speaker, nor does a first-person subject: outside quotes "we reported that" is
the outlet itself. A French speech verb set off after its content takes its inverted subject
("« ... », a déclaré le ministre") or clitic ("« ... », a-t-il dit"). The verb "suggest" needs a
named subject: "it suggests that" is the writer's inference. A subjectless verb borrows the
subject of the verb it hangs from ("X said A and added that B", "X issued a statement, saying B",
"a woman who could be heard saying B"); "Y cites X" and "Y quotes X" make the cited X the speaker.

Quotations (`cue="quote"`) of at least `MIN_QUOTE_WORDS` words are attributed: shorter ones are
scare quotes (“moderate opposition”), often the outlet's own loaded language. A quotation's speaker
comes from the speech verb nearest to it, outside any quotation, in the sentences it touches; when
the quotation is (nearly) its whole sentence, also from the sentence before, else the one after.
No speaker, no attribution. Quotations are the source's words whole.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from propwatch.structure.candidates import Found, child, found
from propwatch.structure.lexicon import lexicon_for
from propwatch.structure.quotes import inside, words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from propwatch.structure.nlp import Chunk

__all__ = ["MIN_QUOTE_WORDS", "is_speech_verb", "quotations", "speaker"]

_FRAME_DEPS = frozenset({"conj", "xcomp", "advcl"})  # a subjectless verb borrows its head's subject
_CITING = frozenset({"cite", "quote", "citer"})  # "Interfax cites the officials": the object speaks
_NEEDS_NAMED_SUBJECT = frozenset({"suggest"})
_DEMONSTRATIVES = frozenset({"it", "this", "that", "these", "those", "which", "what"})

MIN_QUOTE_WORDS = 4  # 1-3 quoted words are scare quotes or names, not a source's statement
MAX_WORDS_AROUND_QUOTE = 3  # a quotation with more words around it in its sentence is embedded
MAX_FRAME_HOPS = 3


def is_speech_verb(token: Token) -> bool:
    """Whether `token` is a speech verb that is not negated."""
    if token.pos_ != "VERB":  # first: the cheapest test, and most tokens fail it
        return False
    lexicon = lexicon_for(token.doc.lang_)
    if any(c.dep_ == "neg" or c.lower_ in lexicon.negations for c in token.children):
        return False
    lemma = token.lemma_.lower()
    if lemma == "point":  # "point out"
        return any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children)
    return lemma in lexicon.speech_verbs


def speaker(verb: Token) -> Token | None:
    """The token heading the phrase that says what `verb` reports, or None."""
    lemma = verb.lemma_.lower()
    lexicon = lexicon_for(verb.doc.lang_)
    frame, subject = _subject(verb)
    if subject is None:
        return None
    relative = subject.tag_ in ("WDT", "WP") or subject.lower_ in lexicon.relatives
    if relative and frame.dep_ in ("relcl", "acl:relcl"):
        subject = frame.head  # "the report, which said that ...", "a woman who was heard saying"
    if subject.lower_ in lexicon.never_sources:
        return None
    if lemma in _NEEDS_NAMED_SUBJECT and (
        subject.pos_ == "PRON" or subject.lower_ in _DEMONSTRATIVES
    ):
        return None
    return subject


def _subject(verb: Token) -> tuple[Token, Token | None]:
    """The verb that carries the speaker, and the speaker: a subject, an agent, a cited object.

    A subjectless verb takes the subject of the verb it hangs from, up to `MAX_FRAME_HOPS` up:
    "X said A and added B", "X issued a statement, saying B", "Y cited X as saying B", "a woman
    who was crying and could be heard saying B".
    """
    frame = verb
    for hop in range(MAX_FRAME_HOPS + 1):
        cited = child(frame, "dobj", "obj") if frame.lemma_.lower() in _CITING else None
        passive = child(frame, "nsubjpass", "nsubj:pass") if hop and verb.dep_ == "xcomp" else None
        subject = cited or _clitic(frame) or child(frame, "nsubj") or passive
        subject = subject or (_agent(frame) if not hop else None)
        if subject is None and not hop:
            subject = _inverted(frame)
        if subject is not None or frame.dep_ not in _FRAME_DEPS or frame.head.i == frame.i:
            return frame, subject
        frame = frame.head
    return frame, None


def _clitic(verb: Token) -> Token | None:
    """The inverted clitic subject of a French verb, however the parser tags it: "a-t-il dit"."""
    inverted = lexicon_for(verb.doc.lang_).inverted_subjects
    return next((c for c in verb.children if c.lower_ in inverted), None)


def _agent(verb: Token) -> Token | None:
    """The "by" phrase of a passive: "it was reported by Reuters that ..." ("par" in French)."""
    agent = child(verb, "agent")
    return child(agent, "pobj") if agent is not None else child(verb, "obl:agent")


def _inverted(verb: Token) -> Token | None:
    """The subject after a French speech verb set off from its content, which the parser takes
    for an object: "« ... », a déclaré le ministre"."""
    opening = verb.left_edge.i
    set_off = any(verb.doc[i].is_punct for i in range(max(opening - 1, 0), opening + 1))
    if verb.dep_ not in ("parataxis", "conj") or not set_off:
        return None
    return next((c for c in verb.rights if c.dep_ == "obj"), None)


def quotations(chunk: Chunk, quotes: list[tuple[int, int]]) -> Iterator[Found]:
    """The quotations in `chunk` that have a speaker."""
    doc = chunk.doc
    sentences = list(doc.sents)
    starts = [chunk.offset + s.start_char for s in sentences]
    lo, hi = chunk.offset, chunk.offset + len(chunk.text)
    for start, end in quotes[bisect_left(quotes, (lo,)) :]:
        if start >= hi:
            break
        if words(chunk.slice(start, min(end, hi))) < MIN_QUOTE_WORDS:
            continue
        first = max(bisect_right(starts, start) - 1, 0)
        last = max(bisect_right(starts, end - 1) - 1, 0)
        groups: list[Sequence[int]] = [range(first, last + 1)]
        if _stands_alone(chunk, sentences[first], sentences[last], start, end):
            groups += [(first - 1,), (last + 1,)]
        for group in groups:
            spans = [sentences[i] for i in group if 0 <= i < len(sentences)]
            said_by = _quote_speaker(chunk, spans, start, end, quotes)
            if said_by is not None:
                yield found(chunk, (start, end), said_by, "quote")
                break


def _stands_alone(chunk: Chunk, first: Span, last: Span, start: int, end: int) -> bool:
    """Whether the quotation is (nearly) all of its sentences: only then may the sentence before
    or after name its speaker ("Smith said so. “...”"); a quotation inside a sentence of its own
    ("X described it as “...”") belongs to that sentence or to no one."""
    text, offset = chunk.text, chunk.offset
    before = text[first.start_char : max(start - offset, first.start_char)]
    after = text[min(end - offset, last.end_char) : last.end_char]
    return words(before) + words(after) <= MAX_WORDS_AROUND_QUOTE


def _quote_speaker(
    chunk: Chunk, spans: list[Span], start: int, end: int, quotes: list[tuple[int, int]]
) -> Token | None:
    """The speaker of the speech verb nearest the quotation, outside every quotation."""
    best: tuple[int, Token] | None = None
    for span in spans:
        for token in span:
            at = chunk.offset + token.idx
            if not is_speech_verb(token) or inside(at, quotes):
                continue
            said_by = speaker(token)
            distance = start - at if at < start else at - end
            if said_by is not None and (best is None or distance < best[0]):
                best = (distance, said_by)
    return best[1] if best else None
