"""The evidence index of a model folder: its training data's gold spans as short vectors.

Built from the exported model itself, so that a detected span and the gold spans are compared
in the same representation (`model/evidence.py` reads and queries it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.model.detector import Detector
from propwatch.model.evidence import Evidence, project
from propwatch.techniques import TECHNIQUE_NAMES

DIMENSIONS = 64  # of the projection: about 1 MB for PTC's 7,900 gold spans in float16
MAX_CHARS = 160  # longer fragments are cut, with an ellipsis, when stored


def build_evidence(
    detector: Detector, articles: Mapping[str, str], gold: Sequence[Label]
) -> Evidence:
    """Every distinct (fragment, technique) of `gold`, projected on its main components."""
    means: list[np.ndarray] = []
    techniques: list[int] = []
    texts: list[str] = []
    for article_id, labels in labels_by_article(gold).items():
        text = articles[article_id]
        distinct = list(dict.fromkeys((g.start, g.end, g.technique) for g in labels))
        found = detector.span_means(text, [(start, end) for start, end, _ in distinct])
        for (start, end, technique), mean in zip(distinct, found, strict=True):
            if mean is not None and technique is not None:
                means.append(mean)
                techniques.append(TECHNIQUE_NAMES.index(technique))
                texts.append(_shortened(text[start:end]))
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
    )


def _shortened(fragment: str) -> str:
    fragment = " ".join(fragment.split())
    return fragment if len(fragment) <= MAX_CHARS else fragment[: MAX_CHARS - 1].rstrip() + "…"
