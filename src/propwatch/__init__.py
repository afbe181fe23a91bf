"""propwatch: find propaganda and persuasion techniques in news articles.

>>> from propwatch import analyze
>>> analysis = analyze("They are traitors who hate our great nation!")
>>> [(s.text, s.technique) for s in analysis.spans]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from propwatch.analysis import Analysis

__version__ = "0.1.0"
__all__ = ["MAX_ARTICLE_CHARS", "__version__", "analyze"]

# Far above any news article (about 150,000 words); longer inputs are collections, not articles.
MAX_ARTICLE_CHARS = 1_000_000


def analyze(text: str) -> Analysis:
    """Analyse one article's text with the shipped model (loaded once per process)."""
    from propwatch.analysis import build_analysis
    from propwatch.article import parse_article
    from propwatch.errors import PropwatchError
    from propwatch.model.artifact import shipped_detector

    if not isinstance(text, str):
        raise PropwatchError(f"analyze() takes the article text as str, not {type(text).__name__}")
    if len(text) > MAX_ARTICLE_CHARS:
        raise PropwatchError(
            f"the text has {len(text):,} characters, more than the {MAX_ARTICLE_CHARS:,} of one "
            "article; split it into articles (or use `propwatch predict` on a folder)"
        )
    detector = shipped_detector()
    return build_analysis(parse_article(text), detector.detect(text), detector.name)
