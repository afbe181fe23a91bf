"""Out-of-fold scores of each language: span identification, technique classification, FLC, and
SemEval-2023 subtask 3's paragraph-level micro-F1, both sides in PTC's 14 classes: of the labels
from the spans at or above the paragraph threshold (`thresholds.py`), and of those from the shown
spans alone.

The paragraph gold of a SemEval-2023 article is its official paragraph labels (the five 2023
techniques without a PTC class left out, `scoring.ptc_paragraphs`); a PTC article has none, so
each of its non-blank lines takes the techniques of the gold spans that touch it, as predictions
do (`scoring.paragraphs_of_spans`).
"""

from __future__ import annotations

from collections.abc import Mapping

from propwatch.corpus.ptc import Label
from propwatch.corpus.semeval2023 import language_of
from propwatch.scoring import (
    Paragraph,
    paragraphs_of_spans,
    ptc_paragraphs,
    score_flc,
    score_paragraphs,
    score_si,
    score_tc,
)
from propwatch.training.selection import Outcome, in_articles

LanguageScores = dict[str, float | int]


def per_language(
    outcome: Outcome,
    gold: list[Label],
    articles: Mapping[str, str],
    official: Mapping[Paragraph, frozenset[str]],
) -> dict[str, LanguageScores]:
    """{language: its articles' count and scores}, languages in order of their names."""
    by_language: dict[str, set[str]] = {}
    for article_id in articles:
        by_language.setdefault(language_of(article_id), set()).add(article_id)
    return {
        language: language_scores(
            outcome.subset(ids), in_articles(gold, ids), {a: articles[a] for a in ids}, official
        )
        for language, ids in sorted(by_language.items())
    }


def language_scores(
    outcome: Outcome,
    gold: list[Label],
    articles: Mapping[str, str],
    official: Mapping[Paragraph, frozenset[str]],
) -> LanguageScores:
    """The scores of held-out predictions on `articles` (`outcome` and `gold` of those only)."""
    shown = outcome.shown_labels()
    paragraph_gold = paragraph_labels(set(articles), gold, articles, official)
    return {
        "articles": len(articles),
        "gold_spans": len(gold),
        "si": score_si(gold, shown).f1,
        "tc": score_tc(gold, outcome.tc).f1,
        "flc": score_flc(gold, shown).f1,
        "paragraph": paragraph_f1(outcome.paragraph_spans(), paragraph_gold, articles),
        "paragraph_from_shown": paragraph_f1(shown, paragraph_gold, articles),
    }


def paragraph_f1(
    spans: list[Label], gold: Mapping[Paragraph, frozenset[str]], articles: Mapping[str, str]
) -> float:
    """Micro-F1 of the paragraph labels that `spans` give, over the paragraphs of `gold`."""
    found = paragraphs_of_spans(spans, articles)
    return score_paragraphs(gold, {p: names for p, names in found.items() if p in gold}).f1


def paragraph_labels(
    ids: set[str],
    gold: list[Label],
    articles: Mapping[str, str],
    official: Mapping[Paragraph, frozenset[str]],
) -> dict[Paragraph, frozenset[str]]:
    """Every scored paragraph of the articles `ids` and its gold techniques in PTC classes."""
    official_ids = {article_id for article_id, _ in official}
    from_official = ptc_paragraphs({p: names for p, names in official.items() if p[0] in ids})
    span_gold = [label for label in gold if label.article_id not in official_ids]
    from_spans = paragraphs_of_spans(span_gold, articles)
    lines = {
        (article_id, number): from_spans.get((article_id, number), frozenset())
        for article_id in sorted(ids - official_ids)
        for number, line in enumerate(articles[article_id].split("\n"), start=1)
        if line.strip()
    }
    return from_official | lines
