"""The shipped model's predictions on PTC dev, written once and compared after a change.

    .venv/bin/python scripts/compare_predictions.py write predictions.json
    .venv/bin/python scripts/compare_predictions.py compare predictions.json

Records every span the detector finds (from confidence 0 up: offsets, technique, confidence,
technique probabilities, key words, examples) and the technique probabilities of the gold spans
(the TC path). `compare` exits 1, naming the first difference, unless offsets and techniques are
equal and every number agrees to 1e-9.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from propwatch.corpus.ptc import labels_by_article, read_articles, read_labels
from propwatch.model.artifact import shipped_detector
from propwatch.model.detector import Detector

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc" / "dev"
TOLERANCE = 1e-9


def article_predictions(detector: Detector, text: str, gold: list[tuple[int, int]]) -> Any:
    spans = [
        {
            "start": span.start,
            "end": span.end,
            "technique": span.technique,
            "confidence": span.confidence,
            "technique_probabilities": list(span.technique_probabilities),
            "key_words": [list(pair) for pair in span.key_words],
            "examples": list(span.examples),
        }
        for span in detector.detect(text, min_confidence=0.0).spans
    ]
    given = detector.technique_probabilities(text, gold)
    return {"spans": spans, "given_spans": [[float(p) for p in probs] for probs in given]}


def predictions(dev: Path, limit: int | None = None) -> dict[str, Any]:
    """Article id to its predictions, for the first `limit` dev articles (all if None)."""
    articles = read_articles(dev / "dev-articles")
    gold = labels_by_article(read_labels(dev / "dev-task-flc-tc.labels"))
    detector = shipped_detector()
    chosen = sorted(articles)[:limit]
    return {
        article_id: article_predictions(
            detector,
            articles[article_id],
            sorted({(label.start, label.end) for label in gold.get(article_id, [])}),
        )
        for article_id in chosen
    }


def first_difference(expected: Any, actual: Any, where: str = "") -> str | None:
    """Where two predictions differ (numbers within TOLERANCE agree), or None."""
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return None if math.isclose(expected, actual, rel_tol=0, abs_tol=TOLERANCE) else where
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            return f"{where} (keys)"
        items = [(f"{where}/{key}", expected[key], actual[key]) for key in expected]
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{where} (length {len(expected)} != {len(actual)})"
        items = [
            (f"{where}[{i}]", a, b) for i, (a, b) in enumerate(zip(expected, actual, strict=True))
        ]
    else:
        return None if expected == actual else where
    for path, a, b in items:
        found = first_difference(a, b, path)
        if found is not None:
            return found
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["write", "compare"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    options = parser.parse_args()
    if options.action == "write":
        found = predictions(options.dev, options.limit)
        options.path.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
        print(f"wrote the predictions on {len(found)} articles to {options.path}")
        return
    expected = json.loads(options.path.read_text(encoding="utf-8"))
    difference = first_difference(expected, predictions(options.dev, len(expected)))
    if difference is not None:
        sys.exit(f"predictions differ at {difference}")
    print(f"the predictions on {len(expected)} articles are identical")


if __name__ == "__main__":
    main()
