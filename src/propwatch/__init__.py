"""propwatch: find propaganda and persuasion techniques in news articles.

>>> from propwatch import analyze
>>> analysis = analyze("They are traitors who hate our great nation!")
>>> [(s.text, s.technique) for s in analysis.spans]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from propwatch.version import __version__

if TYPE_CHECKING:
    from propwatch.analysis import Analysis

__all__ = ["MAX_ARTICLE_CHARS", "__version__", "analyze"]

# Far above any news article (about 45,000 words); longer inputs are collections, not articles.
MAX_ARTICLE_CHARS = 300_000


def analyze(text: str, *, url: str | None = None) -> Analysis:
    """Analyse one article's text with the shipped model (loaded once per process).

    `url` is recorded in the result when the text came from the web.
    """
    from propwatch.analysis import build_analysis
    from propwatch.article import parse_article
    from propwatch.errors import PropwatchError
    from propwatch.model.artifact import shipped_detector
    from propwatch.structure import analyse_structure, load_pipeline

    if not isinstance(text, str):
        raise PropwatchError(f"analyze() takes the article text as str, not {type(text).__name__}")
    if len(text) > MAX_ARTICLE_CHARS:
        raise PropwatchError(
            f"the text has {len(text):,} characters, more than the {MAX_ARTICLE_CHARS:,} of one "
            "article; split it into articles (or use `propwatch predict` on a folder)"
        )
    detector = shipped_detector()
    article = parse_article(text)
    structure = analyse_structure(article, load_pipeline())
    return build_analysis(article, detector.detect(text), detector.name, structure, url)
