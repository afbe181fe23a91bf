"""Who says what: quotations and attributed clauses, found on the spaCy dependency parse.

Quotations (`cue="quote"`): text between quotation marks (curly or straight double quotes,
guillemets, doubled single quotes, and curly single quotes outside double ones) of at least
`MIN_QUOTE_WORDS` words. Shorter ones are scare quotes (“moderate opposition”), often the outlet's
own loaded language, and are never attributed. A quotation may run over up to `MAX_QUOTE_LINES`
line breaks (PTC puts one sentence per line). Its speaker comes from the speech verb nearest to it,
outside any quotation, in the sentences it touches; when the quotation is (nearly) its whole
sentence, also from the sentence before, else the one after. No speaker, no attribution.

Attributed clauses, from the parse (`cue` = the verb as written, or "according to"):

- "X said (that) C", "X emphasized that C", "C, X reported": C is the verb's `ccomp` (its `xcomp`
  for claim-like verbs: "X claimed to have won"); the source is the subject phrase.
- "X accused Y of Z": "Y of Z" is X's charge (also "blame").
- "Y cites X" / "quotes X": the cited X is the source ("Interfax cites the Center officials").
- "according to X, C" / "C, according to X": C is the clause "according" attaches to.
- "C, as X reported" and "C, X said, C": parenthetical frames (`parataxis`, `advcl` with "as").
- A subjectless verb borrows the subject of the verb it hangs from ("X said A and added that B",
  "X issued a statement, saying B", "a woman who could be heard saying B").
- A headline "NAME: claim" when NAME is a PERSON/ORG entity or ends in a source noun ("FBI: ...",
  "Reports: ...").

`SPEECH_VERBS` lists communication verbs only; cognition verbs (believe, think) are not attribution.
A negated verb ("did not say that") attributes nothing, nor does a first-person subject: outside
quotes "we reported that" is the outlet itself. The verb "suggest" needs a named subject: "it
suggests that" is the writer's inference. Subject phrases drop their appositions and relative
clauses ("Mark Lukasiewicz, dean of ..., said" -> "Mark Lukasiewicz").

Pronoun speakers (he, she, it, they) become the most recent compatible named source before them,
else the most recent compatible named entity that is a subject ("Kelly ordered ... He said"),
looking back within the paragraph or the `PRONOUN_WINDOW` sentences before (PTC paragraphs are
single sentences). He/she prefer a PERSON or an unlabelled phrase ("a spokesman"), then an ORG (the
small model tags many surnames ORG); "it" takes an ORG, GPE, NORP or unlabelled phrase. When
nothing fits, the pronoun stays.

Attributions nest: the content of "The Ministry accused Y of Z, Interfax reported" is Interfax's,
and "Y of Z" inside it is the Ministry's.

A supplementary relative clause inside an attributed clause is the outlet's own voice, not the
source's: in "According to the US' classification, the opposition is the Free Syrian Army (FSA)
which is essentially a patchy alliance ...", the US classifies, the outlet characterises. Such
supplements (non-restrictive relatives) commit the writer even when embedded under a speech verb
(Potts 2005, The Logic of Conventional Implicatures), so the clause is cut around them. A
supplement is a `relcl` opened by who/whom/whose/which right after a comma, parenthesis or dash;
unmarked ("the mat which was enough") and "that" clauses restrict their noun and stay with the
source, and so does a supplement with a speech verb of its own ("which he said was no surprise")
or an evidential adverb ("who allegedly had a gun").
Quotations are the source's words whole. Spans are trimmed of whitespace, `. , : ;` and quotation
marks at both edges; clause contents shorter than `MIN_CLAUSE_WORDS` words are dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from propwatch.structure.nlp import Chunk
from propwatch.structure.types import Attribution

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from propwatch.article import Article

__all__ = [
    "MIN_QUOTE_WORDS",
    "SPEECH_VERBS",
    "find_attributions",
    "find_quotes",
]

SPEECH_VERBS = frozenset(
    verb
    for group in (
        "say tell report state add note write explain reply respond answer comment remark",
        "claim assert allege argue contend insist maintain suggest predict conclude",
        "emphasize emphasise stress warn announce declare confirm reveal",
        "admit acknowledge deny accuse blame complain recall observe testify tweet describe",
        "cite quote vow promise threaten pledge",  # "point out" is matched on its particle
    )
    for verb in group.split()
)
_FRAME_DEPS = frozenset({"conj", "xcomp", "advcl"})  # a subjectless verb borrows its head's subject
_CITING = frozenset({"cite", "quote"})  # "Interfax cites the Center officials": the object speaks
_ACCUSING = frozenset({"accuse", "blame"})  # "X accused Y of Z": "Y of Z" is X's charge
_XCOMP = frozenset({"claim", "deny", "allege", "vow", "promise", "threaten", "pledge"})
_NEEDS_NAMED_SUBJECT = frozenset({"suggest"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "you"})
_PRONOUNS = frozenset({"he", "she", "it", "they"})
_DEMONSTRATIVES = frozenset({"it", "this", "that", "these", "those", "which", "what"})
# Dependents that end a subject phrase: "X, dean of Y, who ..., said" -> "X".
_PHRASE_STOP = frozenset({"relcl", "acl", "appos", "advcl", "parataxis", "ccomp", "punct", "case"})
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
_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Antecedent kinds a pronoun accepts, by preference: the small model often tags a lone surname
# ("Trump") ORG, so he/she fall back on ORG when no person is near.
_COMPATIBLE: dict[str, tuple[frozenset[str], ...]] = {
    "he": (frozenset({"PERSON", ""}), frozenset({"ORG"})),
    "she": (frozenset({"PERSON", ""}), frozenset({"ORG"})),
    "it": (frozenset({"ORG", "GPE", "NORP", ""}),),
    "they": (frozenset({"PERSON", "ORG", "GPE", "NORP", ""}),),
}

MIN_QUOTE_WORDS = 4  # 1-3 quoted words are scare quotes or names, not a source's statement
MAX_WORDS_AROUND_QUOTE = 3  # a quotation with more words around it in its sentence is embedded
MAX_QUOTE_LINES = 4  # a quotation closes within this many line breaks of its opening mark
MIN_CLAUSE_WORDS = 3
MAX_FRAME_HOPS = 3
MAX_SOURCE_TOKENS = 15
PRONOUN_WINDOW = 3  # sentences looked back for a pronoun's antecedent beyond its paragraph

_LEFT, _RIGHT = "\u2018", "\u2019"  # curly single quotes; the right one is also an apostrophe
_QUOTE_MARKS = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a"
_EDGE = frozenset("\ufeff\u200b.,:;" + _QUOTE_MARKS)  # trimmed like whitespace


@dataclass(frozen=True)
class _Found:
    """An attribution before pronoun resolution."""

    start: int
    end: int
    source: str
    cue: str
    at: int  # where the source phrase starts: orders antecedents
    kind: str  # entity label of the source's head ("PERSON", "ORG", ...) or ""
    pronoun: str | None  # "he", "she", "it", "they" when the source is one


@dataclass(frozen=True)
class _Entity:
    """A named PERSON/ORG/GPE/NORP: a pronoun's antecedent when no named source precedes it."""

    at: int
    source: str
    kind: str


def find_attributions(
    article: Article, chunks: Sequence[Chunk], quotes: list[tuple[int, int]]
) -> tuple[Attribution, ...]:
    """Every quotation and attributed clause of `article`, sorted by position, nested ones too.

    `chunks` are its parse (`nlp.parse`), `quotes` what `find_quotes` finds.
    """
    found: list[_Found] = []
    entities: list[_Entity] = []
    for chunk in chunks:
        found += _clauses(chunk)
        found += _quotations(chunk, quotes)
        found += _headline(chunk, article)
        entities += _entities(chunk)
    resolved = _resolve_pronouns(article, found, entities)
    return _finalise(article.text, resolved)


# --- quotation marks ---------------------------------------------------------------------------

# Double marks: curly, straight, guillemets, and doubled single quotes (old newswire style).
_DOUBLE = re.compile(f"{_LEFT * 2}|{_RIGHT * 2}|``|''|[\u201c\u201d\"\u00ab\u00bb]")
_OPENERS = frozenset({_LEFT * 2, "``", "\u201c", "\u00ab"})
_CLOSERS = frozenset({_RIGHT * 2, "''", "\u201d", "\u00bb"})
_OPEN_AFTER = "([{/-\u2013\u2014"  # a mark right after these opens a quotation


def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside every pair of quotation marks, marks excluded, in order."""
    double = list(_pair_double(text))
    single = [q for q in _pair_single(text) if not _inside(q[0], double)]
    return sorted(double + single)


def _pair_double(text: str) -> Iterator[tuple[int, int]]:
    opened = -1
    for match in _DOUBLE.finditer(text):
        role = _role(text, match.start(), match.end(), opened >= 0)
        if role == "open":
            if opened >= 0 and _reopens(text, opened, match.start()):
                yield opened, _line_end(text, opened)  # "...\n“more": the first never closed
            opened = match.end()
        elif opened >= 0:
            if text.count("\n", opened, match.start()) <= MAX_QUOTE_LINES:
                yield opened, match.start()
            opened = -1


def _role(text: str, start: int, end: int, is_open: bool) -> str:
    """Whether the mark at [start, end) opens or closes: by its spacing, else by its glyph."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if (before.isspace() or before in _OPEN_AFTER) and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or not after.isalnum()):
        return "close"
    mark = text[start:end]
    if mark in _OPENERS:
        return "open"
    if mark in _CLOSERS:
        return "close"
    return "close" if is_open else "open"  # a straight quote between two spaces or two letters


def _reopens(text: str, opened: int, mark: int) -> bool:
    """An opening mark at the start of a later line re-opens a quote that ran over a line end."""
    line_start = text.rfind("\n", opened, mark)
    return line_start >= 0 and not text[line_start + 1 : mark].strip()


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


# An opening single quote after no word character; a closing one before none ("it's" is no quote).
_SINGLE = re.compile(f"(?<![\\w{_RIGHT}']){_LEFT}(?=\\S)|(?<=\\S){_RIGHT}(?![\\w{_RIGHT}])")


def _pair_single(text: str) -> Iterator[tuple[int, int]]:
    """Curly single pairs within one line; a right one with no left one is an apostrophe."""
    opened = -1
    for match in _SINGLE.finditer(text):
        if match[0] == _LEFT:
            opened = match.end()
        elif opened >= 0:
            if "\n" not in text[opened : match.start()]:
                yield opened, match.start()
            opened = -1


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect_right(spans, offset, key=lambda span: span[0]) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


# --- clauses on the parse ----------------------------------------------------------------------


def _clauses(chunk: Chunk) -> Iterator[_Found]:
    for token in chunk.doc:
        if token.lower_ == "according":
            yield from _according(chunk, token)
        elif _is_speech_verb(token):
            yield from _reported(chunk, token)


def _is_speech_verb(token: Token) -> bool:
    if token.pos_ != "VERB" or any(child.dep_ == "neg" for child in token.children):
        return False
    lemma = token.lemma_.lower()
    if lemma == "point":  # "point out"
        return any(child.dep_ == "prt" and child.lower_ == "out" for child in token.children)
    return lemma in SPEECH_VERBS


def _reported(chunk: Chunk, verb: Token) -> Iterator[_Found]:
    speaker = _speaker(verb)
    if speaker is None:
        return
    for content in _contents(verb):
        for first, last in _without_supplements(*content):
            yield _found(chunk, _token_span(chunk, first, last), speaker, verb.lower_)


def _speaker(verb: Token) -> Token | None:
    """The token heading the phrase that says what `verb` reports, or None."""
    lemma = verb.lemma_.lower()
    frame, speaker = _subject(verb)
    if speaker is None:
        return None
    if speaker.tag_ in ("WDT", "WP") and frame.dep_ == "relcl":
        speaker = frame.head  # "the report, which said that ...", "a woman who was heard saying"
    if speaker.lower_ in _FIRST_PERSON:
        return None
    if lemma in _NEEDS_NAMED_SUBJECT and (
        speaker.pos_ == "PRON" or speaker.lower_ in _DEMONSTRATIVES
    ):
        return None
    return speaker


def _subject(verb: Token) -> tuple[Token, Token | None]:
    """The verb that carries the speaker, and the speaker: a subject, an agent, a cited object.

    A subjectless verb takes the subject of the verb it hangs from, up to `MAX_FRAME_HOPS` up:
    "X said A and added B", "X issued a statement, saying B", "Y cited X as saying B", "a woman
    who was crying and could be heard saying B".
    """
    frame = verb
    for hop in range(MAX_FRAME_HOPS + 1):
        cited = _child(frame, "dobj") if frame.lemma_.lower() in _CITING else None
        passive = _child(frame, "nsubjpass") if hop and verb.dep_ == "xcomp" else None
        speaker = cited or _child(frame, "nsubj") or passive or (_agent(frame) if not hop else None)
        if speaker is not None or frame.dep_ not in _FRAME_DEPS or frame.head.i == frame.i:
            return frame, speaker
        frame = frame.head
    return frame, None


def _child(token: Token, dep: str) -> Token | None:
    return next((child for child in token.children if child.dep_ == dep), None)


def _agent(verb: Token) -> Token | None:
    """The "by" phrase of a passive: "it was reported by Reuters that ..."."""
    agent = _child(verb, "agent")
    return _child(agent, "pobj") if agent is not None else None


def _contents(verb: Token) -> list[tuple[Token, Token]]:
    """The reported stretches of text that `verb` frames, as (first, last) tokens."""
    lemma = verb.lemma_.lower()
    doc = verb.doc
    comps = [
        child
        for child in verb.children
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and lemma in _XCOMP)
    ]
    if comps:
        spans = [_trim(doc, c.left_edge.i, c.right_edge.i, skip_mark=True) for c in comps]
        return [span for span in spans if span is not None]
    if lemma in _ACCUSING:
        rights = [child for child in verb.rights if child.dep_ in ("dobj", "prep")]
        span = _trim(doc, rights[0].left_edge.i, rights[-1].right_edge.i) if rights else None
        return [span] if span is not None else []
    if verb.dep_ == "parataxis" or (verb.dep_ == "advcl" and _has_mark(verb, "as")):
        span = _without(_clause_head(verb.head), verb)
        return [span] if span is not None else []
    return []


def _has_mark(token: Token, word: str) -> bool:
    return any(child.dep_ == "mark" and child.lower_ == word for child in token.children)


def _according(chunk: Chunk, according: Token) -> Iterator[_Found]:
    """ "according to X, C" and "C, according to X": C is X's."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    source = _child(to, "pobj") if to is not None else None
    if source is None or according.head.i == according.i:
        return
    source = _possessor(source) or source
    span = _without(_clause_head(according.head), according)
    for first, last in _without_supplements(*span) if span is not None else ():
        yield _found(chunk, _token_span(chunk, first, last), source, "according to")


def _possessor(noun: Token) -> Token | None:
    """X in "X's report" or "the US' classification": the one whose words they are.

    A curly apostrophe often leaves the possessor parsed as a modifier, so a named modifier
    followed by an apostrophe counts too.
    """
    for child in noun.lefts:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            return child
        follows = child.nbor(1) if child.i + 1 < len(child.doc) else None
        if (
            child.dep_ in ("nmod", "compound")
            and child.ent_type_ in _SPEAKER_LABELS
            and follows is not None
            and follows.text in _APOSTROPHES
        ):
            return child
    return None


def _clause_head(token: Token) -> Token:
    """The verb heading the clause that `token` belongs to (or the sentence root)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def _without(head: Token, part: Token) -> tuple[Token, Token] | None:
    """The span of `head`'s subtree with `part`'s subtree cut off when it sits at either edge."""
    span = _trim(head.doc, head.left_edge.i, head.right_edge.i)
    if span is None:
        return None
    first, last = span[0].i, span[1].i
    if part.left_edge.i <= first:
        first = part.right_edge.i + 1
    elif part.right_edge.i >= last:
        last = part.left_edge.i - 1
    return _trim(head.doc, first, last)


_RELATIVES = frozenset({"which", "who", "whom", "whose"})
_SETTING_OFF = frozenset({",", "(", ")", "-", "\u2013", "\u2014"})
_EVIDENTIAL = frozenset({"allegedly", "reportedly", "purportedly", "supposedly"})


def _without_supplements(first: Token, last: Token) -> list[tuple[Token, Token]]:
    """The stretches of first..last outside its supplementary relative clauses (module doc)."""
    doc = first.doc
    pieces, start = [], first.i
    for token in doc[first.i : last.i + 1]:
        inside = start <= token.left_edge.i and token.right_edge.i <= last.i
        if inside and _is_supplement(token):
            pieces.append(_bracketed(_trim(doc, start, token.left_edge.i - 1)))
            start = token.right_edge.i + 1
    pieces.append(_trim(doc, start, last.i))
    return [piece for piece in pieces if piece is not None]


def _bracketed(piece: tuple[Token, Token] | None) -> tuple[Token, Token] | None:
    """The piece with the closing parenthesis that trimming took off: "Army (FSA)"."""
    if piece is None or piece[1].i + 1 >= len(piece[1].doc):
        return piece
    after = piece[1].nbor(1)
    opened = any(token.text == "(" for token in piece[1].doc[piece[0].i : piece[1].i + 1])
    return (piece[0], after) if after.text == ")" and opened else piece


def _is_supplement(token: Token) -> bool:
    if token.dep_ != "relcl":
        return False
    opener = token.left_edge
    if opener.lower_ not in _RELATIVES:
        return False
    if opener.i == 0 or opener.nbor(-1).text not in _SETTING_OFF:
        return False
    # "..., which he said was no surprise", "..., who allegedly had a gun": still the source's
    return not any(_is_speech_verb(w) or w.lower_ in _EVIDENTIAL for w in token.subtree)


def _trim(doc: Doc, first: int, last: int, skip_mark: bool = False) -> tuple[Token, Token] | None:
    """Shrink [first, last] past punctuation and spaces (and a leading "that") at its edges."""
    while first <= last and (_blank(doc[first]) or (skip_mark and doc[first].dep_ == "mark")):
        first += 1
    while first <= last and _blank(doc[last]):
        last -= 1
    if first > last or sum(not doc[i].is_punct for i in range(first, last + 1)) < MIN_CLAUSE_WORDS:
        return None  # nothing left, or a fragment ("he said so", a misparsed "Smith said")
    return doc[first], doc[last]


def _blank(token: Token) -> bool:
    return token.is_punct or token.is_space


def _token_span(chunk: Chunk, first: Token, last: Token) -> tuple[int, int]:
    """Article offsets of tokens first..last."""
    return chunk.offset + first.idx, chunk.offset + last.idx + len(last)


def _found(chunk: Chunk, content: tuple[int, int], speaker: Token, cue: str) -> _Found:
    """A candidate for the `content` offsets said by the phrase around `speaker`."""
    start, end = _token_span(chunk, *_phrase(speaker))
    source = " ".join(chunk.slice(start, end).split())
    pronoun = speaker.lower_ if speaker.pos_ == "PRON" and speaker.lower_ in _PRONOUNS else None
    kind = speaker.ent_type_ if speaker.ent_type_ in _SPEAKER_LABELS else ""
    return _Found(content[0], content[1], source, cue, start, kind, pronoun)


def _phrase(head: Token) -> tuple[Token, Token]:
    """The noun phrase headed by `head`, without appositions and relative clauses."""
    last = head
    for child in head.rights:
        if child.dep_ in _PHRASE_STOP:
            break
        last = child.right_edge
    first = head.left_edge
    while first.i < head.i and _blank(first):
        first = head.doc[first.i + 1]
    while last.i > head.i and _blank(last):
        last = head.doc[last.i - 1]
    if last.i - first.i >= MAX_SOURCE_TOKENS:  # a clause-sized subject: keep its core
        first = last = head
        while first.i > 0 and first.nbor(-1).head.i == head.i and first.nbor(-1).dep_ != "punct":
            first = first.nbor(-1)
    return first, last


# --- quotations and their speakers -------------------------------------------------------------


def _quotations(chunk: Chunk, quotes: list[tuple[int, int]]) -> Iterator[_Found]:
    doc = chunk.doc
    sentences = list(doc.sents)
    starts = [chunk.offset + s.start_char for s in sentences]
    lo, hi = chunk.offset, chunk.offset + len(chunk.text)
    for start, end in quotes[bisect_left(quotes, (lo,)) :]:
        if start >= hi:
            break
        if _words(chunk.slice(start, min(end, hi))) < MIN_QUOTE_WORDS:
            continue
        first = max(bisect_right(starts, start) - 1, 0)
        last = max(bisect_right(starts, end - 1) - 1, 0)
        groups: list[Sequence[int]] = [range(first, last + 1)]
        if _stands_alone(chunk, sentences[first], sentences[last], start, end):
            groups += [(first - 1,), (last + 1,)]
        for group in groups:
            spans = [sentences[i] for i in group if 0 <= i < len(sentences)]
            speaker = _quote_speaker(chunk, spans, start, end, quotes)
            if speaker is not None:
                yield _found(chunk, (start, end), speaker, "quote")
                break


def _stands_alone(chunk: Chunk, first: Span, last: Span, start: int, end: int) -> bool:
    """Whether the quotation is (nearly) all of its sentences: only then may the sentence before
    or after name its speaker ("Smith said so. “...”"); a quotation inside a sentence of its own
    ("X described it as “...”") belongs to that sentence or to no one."""
    text, offset = chunk.text, chunk.offset
    before = text[first.start_char : max(start - offset, first.start_char)]
    after = text[min(end - offset, last.end_char) : last.end_char]
    return _words(before) + _words(after) <= MAX_WORDS_AROUND_QUOTE


def _quote_speaker(
    chunk: Chunk, spans: list[Span], start: int, end: int, quotes: list[tuple[int, int]]
) -> Token | None:
    """The speaker of the speech verb nearest the quotation, outside every quotation."""
    best: tuple[int, Token] | None = None
    for span in spans:
        for token in span:
            at = chunk.offset + token.idx
            if not _is_speech_verb(token) or _inside(at, quotes):
                continue
            speaker = _speaker(token)
            distance = start - at if at < start else at - end
            if speaker is not None and (best is None or distance < best[0]):
                best = (distance, speaker)
    return best[1] if best else None


def _headline(chunk: Chunk, article: Article) -> Iterator[_Found]:
    """ "Russian Ministry of Defense: US actions amount to war crime" in the title."""
    title = article.title
    if title is None or chunk.offset != title.start:  # the title opens the first chunk
        return
    tokens = [t for t in chunk.doc if chunk.offset + t.idx < title.end]
    colon = next((t for t in tokens if t.text == ":"), None)
    if colon is None or not 1 <= colon.i <= 8:
        return
    name = [t for t in tokens[: colon.i] if not t.is_punct and t.dep_ != "det"]
    named = all(t.ent_type_ in ("PERSON", "ORG") for t in name)
    span = _trim(chunk.doc, colon.i + 1, tokens[-1].i)
    if span is None or not name or not (named or name[-1].lemma_.lower() in _HEADLINE_SOURCES):
        return
    start, end = _token_span(chunk, *span)
    source = " ".join(article.text[title.start : chunk.offset + colon.idx].split())
    yield _Found(start, end, source, "headline", title.start, _HEADLINE_KIND, None)


def _entities(chunk: Chunk) -> Iterator[_Entity]:
    """Named subjects: "Kelly ordered that Acosta be reinstated" offers Kelly, not Acosta."""
    for ent in chunk.doc.ents:
        if ent.label_ in _SPEAKER_LABELS and ent.root.dep_ == "nsubj":
            start, end = _token_span(chunk, *_phrase(ent.root))  # "Mayor Jane Smith", whole
            source = " ".join(chunk.slice(start, end).split())
            yield _Entity(start, source, ent.label_)


# --- pronouns and the final list ---------------------------------------------------------------


def _resolve_pronouns(
    article: Article, found: list[_Found], entities: list[_Entity]
) -> list[_Found]:
    """Each pronoun source replaced by its antecedent when one is near (see the module doc)."""
    found = sorted(found, key=lambda f: f.at)
    named = [f for f in found if f.pronoun is None]
    named_at = [f.at for f in named]
    entity_at = [e.at for e in entities]
    resolved = []
    for item in found:
        if item.pronoun is not None:
            earlier = named[: bisect_right(named_at, item.at - 1)]
            before = entities[: bisect_right(entity_at, item.at - 1)]
            antecedent = _antecedent(article, item.at, item.pronoun, earlier, before)
            if antecedent is not None:
                item = replace(item, source=antecedent.source, pronoun=None)
        resolved.append(item)
    return resolved


def _antecedent(
    article: Article, at: int, pronoun: str, earlier: list[_Found], before: list[_Entity]
) -> _Found | _Entity | None:
    """By preference of kind, the nearest named source, else the nearest named subject."""
    for allowed in _COMPATIBLE[pronoun]:
        for candidates in (earlier, before):
            antecedent = _last_near(article, at, candidates, allowed)
            if antecedent is not None:
                return antecedent
    return None


def _last_near(
    article: Article, at: int, candidates: Sequence[_Found | _Entity], allowed: frozenset[str]
) -> _Found | _Entity | None:
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


def _finalise(text: str, found: list[_Found]) -> tuple[Attribution, ...]:
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
