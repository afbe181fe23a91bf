"""Renderers: an Analysis for the terminal, as JSON and as a self-contained HTML report; corpus
statistics as tables, CSV, Parquet and a dashboard."""


def threshold_phrase(min_confidence: float) -> str:
    """Which spans a view shows, in words: "every span the model found" at a threshold of 0."""
    if min_confidence <= 0:
        return "every span the model found"
    return f"spans from confidence {min_confidence:.0%} up"
