"""Renderers: an Analysis for the terminal, as JSON and as a self-contained HTML report; corpus
statistics as tables, CSV, Parquet and a dashboard."""

import math


def ratio_text(value: float) -> str:
    """A ratio of rates for people: two decimals, "∞" over a zero rate, "n/a" when unknown."""
    return "n/a" if math.isnan(value) else "\u221e" if math.isinf(value) else f"{value:.2f}"


def threshold_phrase(min_confidence: float) -> str:
    """Which spans a view shows, in words: "every span the model found" at a threshold of 0."""
    if min_confidence <= 0:
        return "every span the model found"
    return f"spans from confidence {min_confidence:.0%} up"
