"""How many predicted spans cut a word or a quotation in two?

    .venv/bin/propwatch predict ../shared/data/ptc/dev/dev-articles -o /tmp/pred.labels
    .venv/bin/python benchmarks/boundaries.py ../shared/data/ptc/dev/dev-articles /tmp/pred.labels

Counts, over the labels' spans, those that start inside a word, end inside a word ("s reckless
scheme" of "council's"; an apostrophe between letters is part of its word), and cut a quotation
(hold one of its marks, not both: `model.decode.quotations`). A structural property: with the
shipped model, trained on dev as well, the counts are in-sample. Adds the result to
benchmarks/results/boundaries.json under `--name`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from propwatch.corpus.ptc import read_articles, read_labels
from propwatch.model.decode import cuts_any_quotation, inside_word

RESULTS = Path(__file__).parent / "results" / "boundaries.json"


def count(articles: Path, labels: Path) -> dict[str, int]:
    texts = read_articles(articles)
    counts = {"spans": 0, "starts_inside_word": 0, "ends_inside_word": 0, "cuts_quotation": 0}
    for label in read_labels(labels, texts):
        text = texts[label.article_id]
        counts["spans"] += 1
        counts["starts_inside_word"] += inside_word(text, label.start)
        counts["ends_inside_word"] += inside_word(text, label.end)
        counts["cuts_quotation"] += cuts_any_quotation(text, label.start, label.end)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=Path, help="folder of PTC article<ID>.txt files")
    parser.add_argument("labels", type=Path, help="predicted PTC label file")
    parser.add_argument("--name", default="shipped", help="key of this result in the JSON")
    args = parser.parse_args()
    counts = count(args.articles, args.labels)
    print(json.dumps(counts))
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results[args.name] = counts
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
