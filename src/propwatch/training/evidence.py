"""The evidence index of a model folder: its training data's gold spans as short vectors.

Built from the exported model itself, so that a detected span and the gold spans are compared
in the same representation (`model/evidence.py` reads and queries it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.detector import Detector
from propwatch.model.evidence import WORD, Evidence, project
from propwatch.techniques import TECHNIQUE_NAMES

DIMENSIONS = 64  # of the projection: about 1 MB for PTC's 7,900 gold spans in float16
MAX_CHARS = 160  # longer fragments are cut after a whole word, with an ellipsis, when stored
CONTEXT = 100  # characters searched for the words around a fragment's ends


def build_evidence(
    detector: Detector, articles: Mapping[str, str], gold: Sequence[Label]
) -> Evidence:
    """Every distinct (fragment, technique) of `gold`, projected on its main components, as
    whole words (a gold span that starts or ends inside a word is widened to it)."""
    means: list[np.ndarray] = []
    techniques: list[int] = []
    texts: list[str] = []
    sources: list[str] = []
    for article_id, labels in labels_by_article(gold).items():
        text = articles[article_id]
        distinct = list(
            dict.fromkeys((*whole_words(text, g.start, g.end), g.technique) for g in labels)
        )
        found = detector.span_means(text, [(start, end) for start, end, _ in distinct])
        for (start, end, technique), mean in zip(distinct, found, strict=True):
            if mean is not None and technique is not None:
                means.append(mean)
                techniques.append(TECHNIQUE_NAMES.index(technique))
                texts.append(shortened(text[start:end]))
                sources.append(article_id)
    matrix = np.asarray(means, dtype=np.float64)
    centre = matrix.mean(axis=0)
    _, _, directions = np.linalg.svd(matrix - centre, full_matrices=False)
    components = directions[:DIMENSIONS].T
    return Evidence(
        centre.astype(np.float32),
        components.astype(np.float32),
        project(matrix, centre, components),
        np.asarray(techniques, dtype=np.int8),
        np.asarray(texts, dtype=str),
        np.asarray(sources, dtype=str),
    )


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) widened so that neither falls inside a word ("council's" is one word)."""
    for word in WORD.finditer(text, max(start - CONTEXT, 0), end + CONTEXT):
        if word.start() < start < word.end():
            start = word.start()
        if word.start() < end < word.end():
            end = word.end()
    return start, end


def shortened(fragment: str) -> str:
    """The fragment on one line, cut after its last whole word within `MAX_CHARS` when longer."""
    fragment = " ".join(fragment.split())
    if len(fragment) <= MAX_CHARS:
        return fragment
    head = fragment[:MAX_CHARS]
    if fragment[MAX_CHARS] != " ":
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"
