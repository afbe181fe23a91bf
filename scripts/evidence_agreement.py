"""How persuasive a model's evidence is, leaving each annotated article out in turn.

    nice .venv/bin/python scripts/evidence_agreement.py [MODEL_DIR] [--among 5 10 20 ...]

Every gold fragment of the model folder's evidence index stands for a detected span of its own
technique; its evidence is chosen from the fragments of the other articles (model/evidence.py,
`look_alikes`). Printed per rule ("all": the nearest of the technique, whatever else is nearer,
as before 2026-12; a number: among that many nearest fragments of any technique):
- agreement: the share of the fragment's 3 nearest fragments of any technique that share its
  technique (the index itself, the same for every rule);
- shown: examples per span, and the share of spans with at least one;
- as_alike: the share of examples that look at least as much like the span as the nearest
  fragment marked with another technique does (evidence at least as relevant as a counterexample).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from propwatch.model.artifact import SHIPPED_MODEL
from propwatch.model.evidence import NEIGHBOURS, Evidence


def measure(index: Evidence, among: int | None) -> dict[str, float]:
    if index.articles is None:
        raise SystemExit("the index has no article ids: rebuild it (refresh_shipped.py --evidence)")
    shown, with_any, as_alike, agreement = [], 0, [], []
    for query in range(len(index.texts)):
        excluded = index.articles == index.articles[query]
        similarity = np.where(excluded, -np.inf, index.vectors @ index.vectors[query])
        technique = index.techniques[query]
        agreement.append(np.mean(index.techniques[np.argsort(-similarity)[:3]] == technique))
        counter = similarity[index.techniques != technique].max()
        rows = index.look_alikes(
            index.vectors[query],
            int(technique),
            str(index.texts[query]),
            among or len(index.texts),
            excluded,
        )
        shown.append(len(rows))
        with_any += bool(rows)
        as_alike += [similarity[row] >= counter for row in rows]
    return {
        "spans": len(shown),
        "agreement_at_3": round(float(np.mean(agreement)), 3),
        "examples_per_span": round(float(np.mean(shown)), 2),
        "spans_with_examples": round(with_any / len(shown), 3),
        "spans_with_all_examples": round(float(np.mean(np.asarray(shown) == NEIGHBOURS)), 3),
        "as_alike_as_a_counterexample": round(float(np.mean(as_alike)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", type=Path, default=SHIPPED_MODEL)
    parser.add_argument("--among", type=int, nargs="*", default=[0, 10])
    args = parser.parse_args()
    index = Evidence.load(args.model)
    if index is None:
        raise SystemExit(f"{args.model} has no evidence index")
    for among in args.among:
        print(json.dumps({"among": among or "all"} | measure(index, among)))


if __name__ == "__main__":
    main()
