"""The train splits of SemEval-2023 Task 3 (subtask 3) in French, German, Italian, Polish, Russian.

Each language's folder holds `train-articles/article<ID>.txt`, `train-spans.tsv`
(`id<TAB>technique<TAB>start<TAB>end`, the 23-technique 2023 taxonomy, offsets as released: they
drift, see `corpus.realign`) and `train-paragraph-labels.tsv` (`id<TAB>line<TAB>t1,t2,...`, the
official subtask-3 labels of each non-empty line, 1-based).

An article's key is its language and id, "fr-2310": ids repeat across languages. For training,
`ptc_labels` realigns the spans and maps them onto PTC's 14 classes; the five 2023 techniques
without a PTC class follow one of three policies (`UNMAPPED_POLICIES`), to be chosen out of fold:

- "drop": the span is removed; its text counts as outside every span.
- "unlabelled": the span is removed and its characters are masked from the loss.
- "nearest": the span takes its nearest PTC class (`techniques.SEMEVAL2023_NEAREST`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from propwatch.corpus.ptc import Label, PTCFormatError, read_articles
from propwatch.corpus.realign import ParagraphLabels, Realigned, realign_article
from propwatch.errors import BadInput
from propwatch.techniques import SEMEVAL2023_NAMES, to_ptc

LANGUAGES: tuple[str, ...] = ("fr", "de", "it", "pl", "ru")
PTC_LANGUAGE = "en"
SPANS_FILE = "train-spans.tsv"
PARAGRAPHS_FILE = "train-paragraph-labels.tsv"
ARTICLES_FOLDER = "train-articles"

Unmapped = Literal["drop", "unlabelled", "nearest"]
UNMAPPED_POLICIES: tuple[Unmapped, ...] = ("drop", "unlabelled", "nearest")
Region = tuple[int, int]


@dataclass(frozen=True)
class SemEvalArticle:
    """One article with its spans as released (2023 names) and its paragraph labels."""

    key: str  # "<language>-<id>", the article id of its labels
    language: str
    text: str
    spans: tuple[Label, ...]
    paragraphs: ParagraphLabels = field(default_factory=dict)

    def realigned(self) -> Realigned:
        return realign_article(self.text, self.spans, self.paragraphs)


@dataclass(frozen=True)
class PTCLabels:
    """An article's realigned spans in PTC classes, and the regions masked from the loss."""

    labels: tuple[Label, ...]
    unlabelled: tuple[Region, ...]
    dropped: int  # spans realignment could not place


def article_key(language: str, article_id: str) -> str:
    return f"{language}-{article_id}"


def language_of(article_key: str) -> str:
    """The language of an article id: the prefix of a SemEval-2023 key, else PTC's English."""
    prefix = article_key.split("-", 1)[0]
    return prefix if prefix in LANGUAGES and "-" in article_key else PTC_LANGUAGE


def parse_languages(text: str) -> tuple[str, ...]:
    """`fr,de` as languages, each checked; BadInput names the valid ones."""
    languages = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown or not languages:
        raise BadInput(f"unknown languages {unknown or text!r}; choose among {','.join(LANGUAGES)}")
    return languages


def read_language(root: Path, language: str) -> list[SemEvalArticle]:
    """One language's train split: `root/<language>/` as described in the module docstring."""
    folder = root / language
    for name in (SPANS_FILE, PARAGRAPHS_FILE):
        if not (folder / name).is_file():
            raise BadInput(
                f"{folder} has no {name}; give the SemEval-2023 folder holding "
                f"{','.join(LANGUAGES)}/"
            )
    texts = read_articles(folder / ARTICLES_FOLDER)
    spans = _read_spans(folder / SPANS_FILE, language, texts)
    paragraphs = _read_paragraphs(folder / PARAGRAPHS_FILE)
    return [
        SemEvalArticle(
            key=article_key(language, article_id),
            language=language,
            text=text,
            spans=tuple(spans.get(article_id, ())),
            paragraphs=paragraphs.get(article_id, {}),
        )
        for article_id, text in texts.items()
    ]


def ptc_labels(article: SemEvalArticle, unmapped: Unmapped) -> PTCLabels:
    """The article's spans realigned, then in PTC classes under the `unmapped` policy."""
    realigned = article.realigned()
    labels, unlabelled = [], []
    for span in realigned.spans:
        technique = to_ptc(str(span.technique), nearest=unmapped == "nearest")
        if technique is not None:
            labels.append(replace(span, technique=technique))
        elif unmapped == "unlabelled":
            unlabelled.append((span.start, span.end))
    return PTCLabels(tuple(labels), tuple(unlabelled), len(realigned.dropped))


@dataclass(frozen=True)
class TrainingCorpus:
    """Realigned articles in PTC classes, keyed like their labels, ready to join PTC's."""

    articles: dict[str, str]
    labels: dict[str, list[Label]]
    unlabelled: dict[str, list[Region]]  # masked from the loss ("unlabelled" policy only)
    dropped: int  # spans realignment could not place
    # the official paragraph labels, {(article key, line): 2023 names}: what subtask 3 scores
    paragraphs: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)

    def summary(self) -> str:
        spans = sum(len(labels) for labels in self.labels.values())
        by_language = Counter(language_of(key) for key in self.articles)
        languages = ", ".join(f"{language} {count}" for language, count in by_language.items())
        return (
            f"SemEval-2023: {len(self.articles)} articles ({languages}), {spans} spans in PTC "
            f"classes, {self.dropped} dropped by realignment"
        )


def training_corpus(
    root: Path, languages: Iterable[str], unmapped: Unmapped, limit: int | None = None
) -> TrainingCorpus:
    """The articles of `languages` (the first `limit` of each, if given), realigned and mapped."""
    articles: dict[str, str] = {}
    labels: dict[str, list[Label]] = {}
    unlabelled: dict[str, list[Region]] = {}
    paragraphs: dict[tuple[str, int], frozenset[str]] = {}
    dropped = 0
    for language in languages:
        for article in read_language(root, language)[:limit]:
            mapped = ptc_labels(article, unmapped)
            articles[article.key] = article.text
            paragraphs |= {(article.key, line): names for line, names in article.paragraphs.items()}
            labels[article.key] = list(mapped.labels)
            if mapped.unlabelled:
                unlabelled[article.key] = list(mapped.unlabelled)
            dropped += mapped.dropped
    return TrainingCorpus(articles, labels, unlabelled, dropped, paragraphs)


def _read_spans(path: Path, language: str, texts: dict[str, str]) -> dict[str, list[Label]]:
    spans: dict[str, list[Label]] = {}
    for where, fields in _rows(path, 4):
        article_id, technique, start, end = fields
        if technique not in SEMEVAL2023_NAMES:
            raise PTCFormatError(f"{where}: {technique!r} is not a SemEval-2023 technique")
        if article_id not in texts:
            raise PTCFormatError(f"{where}: article {article_id} is not in {ARTICLES_FOLDER}/")
        if not (start.isdigit() and end.isdigit()) or int(start) >= int(end):
            raise PTCFormatError(f"{where}: offsets must be whole numbers, start before end")
        key = article_key(language, article_id)
        spans.setdefault(article_id, []).append(Label(key, int(start), int(end), technique))
    return spans


def _read_paragraphs(path: Path) -> dict[str, dict[int, frozenset[str]]]:
    paragraphs: dict[str, dict[int, frozenset[str]]] = {}
    for where, fields in _rows(path, 3):
        article_id, line, techniques = fields
        names = frozenset(name for name in techniques.split(",") if name)
        if not line.isdigit() or names - set(SEMEVAL2023_NAMES):
            raise PTCFormatError(f"{where}: expected a line number and SemEval-2023 techniques")
        paragraphs.setdefault(article_id, {})[int(line)] = names
    return paragraphs


def _rows(path: Path, width: int) -> Sequence[tuple[str, list[str]]]:
    """(file:line, fields) of each non-blank row, each checked to have `width` fields."""
    rows = []
    with path.open(encoding="utf-8", newline="") as stream:
        for number, raw in enumerate(stream, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != width:
                raise PTCFormatError(f"{path}:{number}: expected {width} tab-separated fields")
            rows.append((f"{path}:{number}", fields))
    return rows
