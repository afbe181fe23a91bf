"""The cross-validated recipe end to end on a handful of articles: folds, out of fold, ship."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PTC.is_dir(), reason="../shared/data/ptc is not beside the repo"),
]


def test_cross_validated_training_ships_a_model_with_out_of_fold_scores(tmp_path: Path):
    from propwatch.model.artifact import ModelConfig, load_detector
    from propwatch.training.loop import Recipe
    from propwatch.training.ship import adopt_selection, train_cross_validated

    work, out = tmp_path / "cv", tmp_path / "model"
    recipe = Recipe(epochs=2, max_articles=3, max_steps=2)
    report = train_cross_validated(PTC, work, out, recipe, folds=2, log=lambda _: None)

    plan = json.loads((work / "folds.json").read_text())
    assert len(plan) == 6 and set(plan.values()) == {0, 1}
    assert report["articles"] == 6 and set(report["per_epoch"]) == {1, 2}
    assert set(report["epochs_chosen_per_fold"]) == {0, 1}
    assert json.loads((work / "out-of-fold.json").read_text())["final_epoch"] in (1, 2)
    for part in ("fold-0", "fold-1", "all"):
        assert (work / part / "done").is_file()
        # --max-steps caps each epoch, so the final model has every epoch selection may choose
        assert (work / part / "epoch-2" / "config.json").is_file()

    config = ModelConfig.load(out)
    assert config.metrics["cross_validation"]["out_of_fold"]["si"]["gold_count"] > 0
    assert 0 <= config.settings.min_confidence <= 1
    card = (out / "MODEL_CARD.md").read_text()
    assert "## Scores out of fold (6 articles, official formulas)" in card
    assert "| Loaded_Language |" in card
    threshold = config.settings.min_confidence
    shown = "every span it finds" if threshold == 0 else f"spans from confidence {threshold:g} up"
    assert f"is {threshold:g}: the model shows {shown}" in card

    assert "- Span choice: the decoding above is the base of a pool of 34 decodings" in card
    assert "With spans decoded once instead of chosen from pools, out of fold: SI F1" in card

    text = (PTC / "dev" / "dev-articles" / "article730093263.txt").read_text()
    detector = load_detector(out)
    assert detector.chooser is not None
    spans = sorted((s.start, s.end) for s in detector.detect(text, min_confidence=0.0).spans)
    assert all(a[1] <= b[0] or a == b for a, b in itertools.pairwise(spans))  # none overlap
    assert all(0 <= span.confidence <= 1 for span in detector.detect(text).spans)

    # Selection re-applied to the shipped folder changes nothing when nothing changed.
    before = (out / "config.json").read_text()
    adopt_selection(work, out, PTC)
    assert (out / "config.json").read_text() == before
    assert json.loads((out / "reference.json").read_text())["corpus"] == "PTC dev (75 articles)"

    # A rerun finds every part done and only re-scores.
    again = train_cross_validated(PTC, work, out, recipe, folds=2, log=lambda _: None)
    assert again["out_of_fold"]["si"] == report["out_of_fold"]["si"]


def test_a_comparison_trains_and_scores_only_the_folds_it_names(tmp_path: Path):
    from propwatch.training.loop import Recipe
    from propwatch.training.ship import train_cross_validated

    work, out = tmp_path / "cv", tmp_path / "model"
    recipe = Recipe(epochs=1, max_articles=2, max_steps=1)
    report = train_cross_validated(PTC, work, out, recipe, 2, lambda _: None, only=[1])

    plan = json.loads((work / "folds.json").read_text())
    assert report["articles"] == sum(fold == 1 for fold in plan.values()) == 2
    assert report["folds"] == 1 and set(report["epochs_chosen_per_fold"]) == {1}
    assert [p.name for p in work.glob("*/done")] == ["done"]
    assert (work / "fold-1" / "done").is_file() and not out.exists()


def test_semeval2023_articles_are_scored_out_of_fold_in_their_own_language(tmp_path: Path):
    from propwatch.training.loop import Recipe
    from propwatch.training.ship import train_cross_validated

    semeval2023 = PTC.parent / "semeval2023"
    recipe = Recipe(
        epochs=1, max_articles=2, max_steps=1, semeval2023=str(semeval2023), languages=("fr", "ru")
    )
    report = train_cross_validated(PTC, tmp_path / "cv", None, recipe, 2, lambda _: None, only=[0])

    by_language = report["per_language"]
    assert list(by_language) == ["en", "fr", "ru"]
    assert sum(scores["articles"] for scores in by_language.values()) == report["articles"]
    assert all(0 <= scores["paragraph"] <= 1 for scores in by_language.values())
    assert by_language["fr"]["gold_spans"] > 0


def windows_by_part(lines: list[str]) -> dict[str, int]:
    """{part: windows} from the training log's "fold-0: 4 articles, 31 windows" lines."""
    found = [line.split(": ") for line in lines if line.endswith(" windows")]
    return {part: int(rest.split(", ")[1].split()[0]) for part, rest in found}


def test_students_train_on_silver_labelled_by_the_fold_models_of_an_earlier_run(tmp_path: Path):
    from propwatch.model.artifact import ModelConfig
    from propwatch.training.loop import Recipe
    from propwatch.training.ship import train_cross_validated

    recipe = Recipe(epochs=1, max_articles=2, max_steps=1)
    teachers, teacher_log = tmp_path / "teachers", []
    train_cross_validated(PTC, teachers, tmp_path / "t-model", recipe, 2, teacher_log.append)
    silver = Recipe(epochs=1, max_articles=2, max_steps=1, silver_articles=3, class_balance=0.99)
    out, student_log = tmp_path / "s-model", []
    train_cross_validated(PTC, tmp_path / "students", out, silver, 2, student_log.append, teachers)

    gold_windows, all_windows = windows_by_part(teacher_log), windows_by_part(student_log)
    assert set(gold_windows) == set(all_windows) == {"fold-0", "fold-1", "all"}
    assert all(all_windows[part] > gold_windows[part] for part in gold_windows)
    assert ModelConfig.load(out).metrics["recipe"]["silver_articles"] == 3
    card = (out / "MODEL_CARD.md").read_text()
    assert "Also 3 unlabelled BBC News articles (silver labels), described below" in card
    assert "minutes for the teachers that labelled the silver" in card
    assert "--silver 3 --silver-teachers runs/cv" in card
    gold_only = (tmp_path / "t-model" / "MODEL_CARD.md").read_text()
    assert "No other data" in gold_only and "--work runs/cv --out MODEL_DIR`" in gold_only
