"""What a typical news article scores: spans per 1,000 words over the 75 PTC dev articles.

    nice .venv/bin/python scripts/ptc_density.py [--ptc ../shared/data/ptc]

Runs the shipped model at its display threshold over every dev article and writes the median and
quartiles of its per-article density (and of the annotators' own spans, for comparison) to
src/propwatch/render/assets/typical_density.json, which the report and the page quote. The
shipped model was trained on train + dev, so its dev figures are in-sample: a reference for what
the model reports on such articles, not a measure of its accuracy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from propwatch.article import per_1000_words
from propwatch.corpus.ptc import labels_by_article, read_articles, read_labels
from propwatch.pipeline import shipped_pipeline

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "propwatch" / "render" / "assets" / "typical_density.json"


def quartiles(values: list[float]) -> dict[str, float]:
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return {"q1": round(low, 2), "median": round(median, 2), "q3": round(high, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ptc", type=Path, default=ROOT.parent / "shared" / "data" / "ptc")
    args = parser.parse_args()
    articles = read_articles(args.ptc / "dev" / "dev-articles")
    gold = labels_by_article(read_labels(args.ptc / "dev" / "dev-task-flc-tc.labels", articles))
    pipeline = shipped_pipeline()
    model, annotators = [], []
    for article_id, text in sorted(articles.items()):
        words = len(text.split())  # as Summary.words counts them
        model.append(per_1000_words(len(pipeline.analyse(text).spans), words))
        annotators.append(per_1000_words(len(gold.get(article_id, [])), words))
    OUT.write_text(
        json.dumps(
            {
                "corpus": f"PTC dev ({len(articles)} articles)",
                "model": pipeline.model,
                "min_confidence": pipeline.min_confidence,
                "model_density": quartiles(model),
                "annotator_density": quartiles(annotators),
                "note": "the shipped model was trained on PTC train + dev: in-sample figures",
                "command": "nice .venv/bin/python scripts/ptc_density.py",
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(OUT.read_text(encoding="utf-8"), file=sys.stderr)


if __name__ == "__main__":
    main()
