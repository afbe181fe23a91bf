"""Out-of-fold scores over all labelled articles, from the fold models of `folds.py`.

Every article is run through the fold model that did not train on it, at every exported epoch.
For each fold, the epoch is chosen on the other folds' articles (their spans decoded once, with
the decoding tuned there). At those epochs, each fold's spans are then chosen from candidate pools
by a chooser trained on the other folds' pools, with every setting (corrections, calibration,
threshold) tuned there too: the pooled predictions give scores that no choice has seen. The same
choices made on all articles are what the final model ships with (`final_settings` and the
chooser, CHOOSER_FILE).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict
from pathlib import Path
from typing import Any

from propwatch.corpus.ptc import Label, read_articles
from propwatch.model.artifact import load_detector
from propwatch.model.detector import DetectorSettings
from propwatch.training.chooser import POOL_BASE, fit_chooser, pool_table
from propwatch.training.corrections import GoldSpans, gold_spans
from propwatch.training.folds import PLAN_FILE, epoch_folder, recipe_corpus
from propwatch.training.loop import Log, Recipe
from propwatch.training.per_language import paragraph_labels, per_language
from propwatch.training.results import CorrectionReport, Headline, Scores
from propwatch.training.runs import Runs, article_runs, segments_of
from propwatch.training.selection import (
    Outcome,
    cross_fit,
    in_articles,
    scores,
    si_tc,
    tune,
)
from propwatch.training.span_shape import function_word_end_rate
from propwatch.training.thresholds import ParagraphGold

REPORT_FILE = "out-of-fold.json"


def fold_epochs(work: Path, folds: Collection[int]) -> list[int]:
    """The epochs every fold model has exported."""
    epochs = None
    for fold in folds:
        found = {
            int(path.name.split("-")[1])
            for path in (work / f"fold-{fold}").glob("epoch-*")
            if (path / "config.json").is_file()
        }
        epochs = found if epochs is None else epochs & found
    return sorted(epochs or ())


def evaluate_epoch(
    work: Path, epoch: int, articles: dict[str, str], gold: list[Label], plan: dict[str, int]
) -> Outcome:
    """Out-of-fold predictions of one epoch, each fold's spans decoded once with the decoding
    tuned on the other folds: what chooses the epochs."""
    runs, spans = fold_runs(work, dict.fromkeys(set(plan.values()), epoch), articles, gold, plan)
    outcome, _ = cross_fit(runs, gold, spans, plan)
    return outcome


def fold_runs(
    work: Path,
    epochs: dict[int, int],
    articles: dict[str, str],
    gold: list[Label],
    plan: dict[str, int],
) -> tuple[Runs, GoldSpans]:
    """Every article through its fold model at that fold's epoch; the gold spans' verdicts."""
    detectors = {k: load_detector(epoch_folder(work, k, epoch)) for k, epoch in epochs.items()}
    runs = article_runs(articles, lambda article_id: detectors[plan[article_id]])
    spans = GoldSpans.concat(
        [
            gold_spans(
                detectors[k],
                {a: t for a, t in articles.items() if plan[a] == k},
                [g for g in gold if plan[g.article_id] == k],
                segments_of(runs),
            )
            for k in sorted(epochs)
        ]
    )
    return runs, spans


def chooser_stage(
    work: Path,
    epochs: dict[int, int],
    articles: dict[str, str],
    gold: list[Label],
    plan: dict[str, int],
    paragraphs: ParagraphGold,
) -> tuple[Outcome, DetectorSettings, CorrectionReport]:
    """Out-of-fold predictions with spans chosen from pools (model/chooser.py), at each fold's
    chosen epoch; the chooser and settings tuned on all articles, saved as CHOOSER_FILE."""
    runs, spans = fold_runs(work, epochs, articles, gold, plan)
    pools = pool_table(runs, gold)
    outcome, _ = cross_fit(runs, gold, spans, plan, pools, paragraphs)
    chooser = fit_chooser(pools, gold, plan, set(articles))
    settings, corrections = tune(runs, gold, spans, POOL_BASE, chooser, paragraphs)
    chooser.save(work)
    return outcome, settings, corrections


def choose_epochs(
    outcomes: dict[int, Outcome], gold: list[Label], articles: dict[str, str], plan: dict[str, int]
) -> tuple[Outcome, dict[int, int]]:
    """For each fold, the epoch with the best SI + TC on the other folds; pooled predictions."""
    parts, chosen = [], {}
    for k in sorted(set(plan.values())):
        others = {a for a in articles if plan[a] != k}
        fit_gold = in_articles(gold, others)
        chosen[k] = max(
            outcomes,
            key=lambda e: si_tc(scores(outcomes[e].subset(others), fit_gold, articles)),
        )
        parts.append(outcomes[chosen[k]].subset(set(articles) - others))
    return Outcome.pooled(parts), chosen


def out_of_fold(
    data: Path,
    work: Path,
    log: Log = print,
    only: Collection[int] | None = None,
    recipe: Recipe | None = None,
) -> dict[str, Any]:
    """Score the fold models out of fold, write REPORT_FILE in `work`, and return the report.

    With `only`, just those folds' models on their own articles, settings tuned among them.
    The articles are those of `recipe` (PTC's alone if None), every setting tuned on all of
    them; the report also scores each language apart (`per_language`).
    """
    plan = {
        article_id: fold
        for article_id, fold in json.loads((work / PLAN_FILE).read_text()).items()
        if only is None or fold in only
    }
    corpus = recipe_corpus(data, recipe or Recipe(), log)
    labels = corpus.labels
    articles = {a: text for a, text in corpus.articles.items() if a in plan}
    gold = [label for a in articles for label in labels.get(a, [])]
    epochs = fold_epochs(work, sorted(set(plan.values())))
    if not epochs:
        raise FileNotFoundError(f"{work} holds no exported fold models; run train --folds first")
    outcomes, per_epoch = {}, {}
    for epoch in epochs:
        outcomes[epoch] = evaluate_epoch(work, epoch, articles, gold, plan)
        per_epoch[epoch] = scores(outcomes[epoch], gold, articles)
        log(
            f"epoch {epoch}: out of fold SI {per_epoch[epoch].si.f1:.3f}, "
            f"TC {per_epoch[epoch].tc.f1:.3f}, FLC {per_epoch[epoch].flc.f1:.3f}"
        )
    decoded, chosen = choose_epochs(outcomes, gold, articles, plan)
    final_epoch = max(per_epoch, key=lambda e: si_tc(per_epoch[e]))
    log("choosing spans from pools at the chosen epochs")
    paragraphs = ParagraphGold(
        articles, paragraph_labels(set(articles), gold, articles, corpus.paragraphs)
    )
    pooled, final_settings, final_corrections = chooser_stage(
        work, chosen, articles, gold, plan, paragraphs
    )
    report = {
        "articles": len(articles),
        "folds": len(set(plan.values())),
        "epochs_chosen_per_fold": chosen,
        "out_of_fold": scores(pooled, gold, articles).to_dict(),
        "per_language": per_language(pooled, gold, articles, corpus.paragraphs),
        "out_of_fold_one_decoding": _headline(scores(decoded, gold, articles)),
        "per_epoch": {e: _headline(s) for e, s in per_epoch.items()},
        "final_epoch": final_epoch,
        "final_settings": asdict(final_settings),
        "final_corrections": final_corrections.to_dict(),
        "function_word_ends": {
            "predicted": function_word_end_rate(articles, pooled.shown_labels()),
            "gold": function_word_end_rate(articles, gold),
        },
    }
    dev = set(read_articles(data / "dev" / "dev-articles")) & set(articles)
    report["out_of_fold_dev"] = _headline(
        scores(pooled.subset(dev), in_articles(gold, dev), articles)
    )
    (work / REPORT_FILE).write_text(json.dumps(report, indent=1) + "\n")
    return report


def _headline(score: Scores) -> dict[str, Any]:
    return Headline.of(score).to_dict()
