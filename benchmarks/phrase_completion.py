"""Does ending spans on the noun their last word modifies help? Scored out of fold.

    .venv/bin/python benchmarks/phrase_completion.py [--work runs/cv]

Every labelled article (PTC train + dev) is predicted by the fold model of a cross-validation
run (`propwatch train --folds`) that never saw it, at the run's final epoch and settings, then
scored by the official SI and FLC formulas as decoded and with `structure.phrases` applied to
each span's end. Writes benchmarks/results/phrase_completion.json.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from propwatch.article import parse_article
from propwatch.corpus.ptc import Label
from propwatch.model.artifact import load_detector, settings_from_dict
from propwatch.scoring import score_flc, score_si
from propwatch.structure.nlp import load_pipeline, parse
from propwatch.structure.phrases import complete_end, phrase_ends
from propwatch.training.folds import epoch_folder, labelled_corpus

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "data" / "ptc"
RESULTS = ROOT / "benchmarks" / "results" / "phrase_completion.json"


def out_of_fold_labels(work: Path, articles: dict[str, str]) -> list[Label]:
    """Each article's spans from the fold model that did not train on it."""
    report = json.loads((work / "out-of-fold.json").read_text())
    plan = json.loads((work / "folds.json").read_text())
    settings = settings_from_dict(report["final_settings"])
    labels = []
    for fold in sorted(set(plan.values())):
        folder = epoch_folder(work, fold, report["final_epoch"])
        detector = replace(load_detector(folder), settings=settings)
        for article_id, text in articles.items():
            if plan.get(article_id) == fold:
                spans = detector.detect(text, min_confidence=0.0).spans
                labels += [Label(article_id, s.start, s.end, s.technique) for s in spans]
    return labels


def completed(labels: list[Label], articles: dict[str, str]) -> list[Label]:
    nlp = load_pipeline()
    ends = {a: phrase_ends(parse(parse_article(text), nlp)) for a, text in articles.items()}
    return [
        Label(x.article_id, x.start, complete_end(x.end, ends[x.article_id]), x.technique)
        for x in labels
    ]


def figures(gold: list[Label], labels: list[Label]) -> dict[str, Any]:
    si, flc = score_si(gold, labels), score_flc(gold, labels)
    return {
        "si": {"precision": si.precision, "recall": si.recall, "f1": si.f1},
        "flc": {"precision": flc.precision, "recall": flc.recall, "f1": flc.f1},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "runs" / "cv")
    work = parser.parse_args().work
    articles, gold_by_article = labelled_corpus(PTC)
    gold = [label for labels in gold_by_article.values() for label in labels]
    decoded = out_of_fold_labels(work, articles)
    after = completed(decoded, articles)
    result = {
        "articles": len(articles),
        "work": str(work),
        "spans": len(decoded),
        "spans_changed": sum(a != b for a, b in zip(decoded, after, strict=True)),
        "decoded": figures(gold, decoded),
        "completed": figures(gold, after),
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
