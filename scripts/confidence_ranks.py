"""How finely the spans a model shows are ranked: distinct confidences over the PTC dev articles.

    nice .venv/bin/python scripts/confidence_ranks.py [MODEL_DIR] [--data ../shared/data/ptc]

Runs the model folder's pipeline on every dev article and prints the spans shown, how many
distinct confidence values they take (as reports round them, to 4 decimals), the largest, and
the most spans that share one value. The shipped model learnt from dev: in-sample figures.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from propwatch.corpus.ptc import read_articles
from propwatch.model.artifact import SHIPPED_MODEL
from propwatch.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ptc")
    args = parser.parse_args()
    pipeline = Pipeline.load(args.model)
    articles = read_articles(args.data / "dev" / "dev-articles")
    confidences = Counter(
        span.confidence
        for _, text in sorted(articles.items())
        for span in pipeline.analyse(text).spans
    )
    figures = {
        "articles": len(articles),
        "spans": sum(confidences.values()),
        "distinct_confidences": len(confidences),
        "highest": max(confidences),
        "most_spans_at_one_value": max(confidences.values()),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
