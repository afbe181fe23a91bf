"""propwatch: find propaganda and persuasion techniques in news articles.

>>> from propwatch import analyze
>>> analysis = analyze("They are traitors who hate our great nation!")
>>> [(s.text, s.technique) for s in analysis.spans]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from propwatch.article import MAX_ARTICLE_CHARS
from propwatch.version import __version__

if TYPE_CHECKING:
    from propwatch.analysis import Analysis

__all__ = ["MAX_ARTICLE_CHARS", "__version__", "analyze"]


def analyze(text: str, *, url: str | None = None, min_confidence: float | None = None) -> Analysis:
    """Analyse one article's text with the shipped model (loaded once per process).

    `url` is recorded in the result when the text came from the web. Spans below
    `min_confidence` are left out (default: the model's display threshold).
    """
    from propwatch.pipeline import shipped_pipeline

    return shipped_pipeline().analyse(text, url, min_confidence)
