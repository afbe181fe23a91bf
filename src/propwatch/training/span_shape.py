"""Where spans end: the share that stops on a function word, by spaCy's part of speech.

A reader's highlighter stops on a content word; gold PTC spans end on a preposition,
determiner, conjunction, particle or auxiliary about 3% of the time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.structure.nlp import load_pipeline

FUNCTION_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PART", "AUX"})


def function_word_end_rate(articles: Mapping[str, str], labels: Sequence[Label]) -> float:
    """The share of distinct spans whose last token is a function word."""
    nlp = load_pipeline()
    ends = total = 0
    for article_id, found in labels_by_article(labels).items():
        doc = nlp(articles[article_id])
        last_token = {token.idx + len(token.text): token for token in doc}
        for _start, end in {(label.start, label.end) for label in found}:
            token = last_token.get(end)
            total += 1
            ends += token is not None and token.pos_ in FUNCTION_POS
    return ends / max(total, 1)
