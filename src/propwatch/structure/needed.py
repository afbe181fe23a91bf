"""Which sentences of an article the structure stage must parse: the rest cannot change its result.

The parse costs about as much CPU as the detector, and most sentences need none of it:

- an attributed clause needs a speech verb or "according to" in its sentence (`clauses`), so a
  sentence with no word that the pipeline's lemmatizer could turn into a speech verb of the
  `lexicon` has none; the headline rule reads only a title with a colon;
- a quotation's speaker comes from a speech verb in the sentences it touches or the ones beside
  them (`speakers`), so the quotations beside such sentences are parsed whole;
- a pronoun speaker's antecedent lies in its paragraph or the `PRONOUN_WINDOW` sentences before
  (`pronouns`): those are added once the pronoun speakers are known (`pronoun_windows`);
- a highlight's phrase end (`phrases`) changes only where a word follows its end: a highlight
  that stops before `, ; : ! ? ) ] }`, a closing quotation mark, or the end of its line stays.

Only English gets a selection: the lemmatizer's rule tables say which word forms can be a speech
verb. Other parsed languages (French) parse every sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from propwatch.structure.lexicon import lexicon_for
from propwatch.structure.pronouns import PRONOUN_WINDOW

if TYPE_CHECKING:
    from spacy.language import Language

    from propwatch.article import Article
    from propwatch.structure.candidates import Found

__all__ = ["named_sentences", "needed_sentences", "pronoun_windows"]

_WORD = re.compile(r"[^\W\d_]+")
_STOPS_A_PHRASE = frozenset(",;:!?)]}\u201d\u2019\"'")  # a highlight before these keeps its end


def needed_sentences(
    article: Article, nlp: Language, quotes: Sequence[tuple[int, int]], ends: Iterable[int] | None
) -> set[int] | None:
    """The sentences to parse so that attributions, and the phrase ends of highlights ending at
    `ends`, are what a parse of every sentence gives; None: every sentence (`ends` is None, or
    the language has no selection)."""
    forms = _cue_forms(nlp)
    if ends is None or forms is None:
        return None
    cues = {i for i, s in enumerate(article.sentences) if _has_cue(s.text, forms)}
    cues |= _headline(article)
    needed = cues | _quotations_beside(article, quotes, cues)
    return needed | _phrase_sentences(article, ends)


def pronoun_windows(article: Article, found: Iterable[Found]) -> set[int]:
    """The sentences where the antecedents of the pronoun speakers among `found` may lie."""
    window: set[int] = set()
    for item in found:
        here = article.sentence_at(item.at) if item.pronoun is not None else None
        if here is None:
            continue
        paragraph = article.sentences[here].paragraph
        window.update(
            i
            for i in range(here + 1)
            if here - i <= PRONOUN_WINDOW or article.sentences[i].paragraph == paragraph
        )
    return window


def named_sentences(article: Article, found: Iterable[Found]) -> set[int]:
    """The sentences whose named entities can change an attribution: the pronoun speakers'
    windows (antecedents are named), "according to X's" (a named possessor) and the headline."""
    according = {i for i, s in enumerate(article.sentences) if "according" in s.text.lower()}
    return pronoun_windows(article, found) | according | _headline(article)


def _headline(article: Article) -> set[int]:
    """The title, when the headline rule may read it ("FBI: ...")."""
    return {0} if article.title is not None and ":" in article.title.text else set()


@cache
def _cue_forms(nlp: Language) -> frozenset[str] | None:
    """Lower-case words the pipeline could read as a speech verb or an "according" cue; None
    when its lemmatizer's rules are not English's."""
    if nlp.lang != "en" or "lemmatizer" not in nlp.pipe_names:
        return None
    lexicon = lexicon_for(nlp.lang)
    lemmas = lexicon.speech_verbs | {"point"}  # "point out"
    tables = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    rules = tables.get_table("lemma_rules").get("verb", [])
    exceptions = tables.get_table("lemma_exc").get("verb", {})
    forms = set(lemmas) | {form for form, found in exceptions.items() if lemmas & set(found)}
    for old, new in rules:  # the lemmatizer turns a form ending in `old` into ... + `new`
        forms.update(
            lemma[: len(lemma) - len(new)] + old for lemma in lemmas if lemma.endswith(new)
        )
    return frozenset(forms | {"according"} | lexicon.according)


def _has_cue(text: str, forms: Collection[str]) -> bool:
    return any(word.group().lower() in forms for word in _WORD.finditer(text))


def _quotations_beside(
    article: Article, quotes: Sequence[tuple[int, int]], cues: set[int]
) -> set[int]:
    """The sentences of every quotation that touches a cue sentence or one beside it."""
    near = {j for i in cues for j in (i - 1, i, i + 1)}
    sentences: set[int] = set()
    for start, end in quotes:
        touched = _touched(article, start, end)
        if touched and near.intersection(range(touched[0] - 1, touched[-1] + 2)):
            sentences.update(touched)
    return sentences


def _touched(article: Article, start: int, end: int) -> list[int]:
    return [
        i
        for i, s in enumerate(article.sentences)
        if s.start < max(end, start + 1) and start < s.end
    ]


def _phrase_sentences(article: Article, ends: Iterable[int]) -> set[int]:
    """The sentences of the ends that a phrase could continue past: a word follows them."""
    text = article.text
    sentences = set()
    for end in ends:
        rest = text[end : end + 200].lstrip(" \t")
        if not rest or rest[0] in _STOPS_A_PHRASE or rest[0] in "\r\n":
            continue
        if rest[0] in ".\u2026" and (len(rest) == 1 or rest[1] in "\r\n"):
            continue  # the end of a line, not "Maj. Nidal Hasan"
        at = article.sentence_at(max(end - 1, 0))
        if at is not None:
            sentences.add(at)
    return sentences
