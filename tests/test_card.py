"""The model card and the typed training record it is rendered from, on the shipped model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch", reason="needs the train extra")

from propwatch.model.artifact import CARD_FILE, CONFIG_FILE, SHIPPED_MODEL, ModelConfig
from propwatch.training.card import render_model_card
from propwatch.training.results import (
    CrossValidated,
    DevProvenance,
    DevScores,
    EncoderRecord,
    TeacherRecord,
    record_of,
)


def shipped_metrics() -> dict[str, Any]:
    metrics: dict[str, Any] = json.loads((SHIPPED_MODEL / CONFIG_FILE).read_text())["metrics"]
    return metrics


def folder_with(tmp_path: Path, metrics: dict[str, Any]) -> Path:
    """A model folder with the shipped model's files and the given metrics in its config."""
    folder = tmp_path / "model"
    folder.mkdir()
    for path in SHIPPED_MODEL.iterdir():
        if path.name not in (CONFIG_FILE, CARD_FILE):
            (folder / path.name).symlink_to(path)
    replace(ModelConfig.load(SHIPPED_MODEL), metrics=metrics).save(folder)
    return folder


def test_the_shipped_metrics_load_typed_and_dump_to_the_same_json():
    metrics = shipped_metrics()
    record = record_of(metrics)
    assert isinstance(record, CrossValidated)
    assert (
        record.cross_validation.per_epoch[4].si
        == metrics["cross_validation"]["per_epoch"]["4"]["si"]
    )
    assert json.loads(json.dumps(record.to_dict())) == metrics


def test_a_key_the_record_does_not_know_is_refused():
    with pytest.raises(ValueError, match="misspelt"):
        record_of(shipped_metrics() | {"misspelt": 1})


def test_the_committed_card_is_the_rendering_of_the_shipped_model():
    assert render_model_card(SHIPPED_MODEL) == (SHIPPED_MODEL / CARD_FILE).read_text()


def test_the_shipped_card_says_what_its_run_did_not_record():
    card = render_model_card(SHIPPED_MODEL)
    assert "PTC v2 train and dev (446 articles; the data folder was not recorded)" in card
    assert "Training time on a CPU machine (its core count was not recorded): 246.4" in card


def test_the_card_states_the_article_count_folder_and_machine_of_its_run(tmp_path: Path):
    metrics = shipped_metrics() | {"data": "/corpora/ptc-v2", "cpu_cores": 16}
    metrics["cross_validation"] = metrics["cross_validation"] | {"articles": 123}
    card = render_model_card(folder_with(tmp_path, metrics))
    assert "PTC v2 train and dev (123 articles), `/corpora/ptc-v2`." in card
    assert "## Scores out of fold (123 articles, official formulas)" in card
    assert "- Trained on 123 English news articles" in card
    assert "Training time on the 16-core CPU machine: 246.4 minutes" in card
    assert "`propwatch train --data /corpora/ptc-v2 --folds 4 --work runs/sm" in card
    assert "`propwatch predict /corpora/ptc-v2/dev/dev-articles --out pred.txt`" in card
    assert "../shared/data/ptc" not in card.replace(metrics["decoding_changed"], "")


def test_a_dev_selected_card_counts_the_articles_its_run_trained_on(tmp_path: Path):
    shipped = record_of(shipped_metrics())
    assert isinstance(shipped, CrossValidated)
    cv = shipped.cross_validation
    run = DevProvenance(
        recipe=shipped.recipe,
        selected_epoch=2,
        training_minutes=12.5,
        data="data/ptc",
        cpu_cores=8,
        train_articles=37,
        dev_articles=7,
        encoder=EncoderRecord(source="the folder enc"),
        teacher=TeacherRecord(name="teacher-model", training_minutes=3.5),
    )
    dev = DevScores.of(cv.out_of_fold, cv.final_corrections, cv.out_of_fold)
    record = run.selected(dev)
    assert record_of(record.to_dict()) == record
    card = render_model_card(folder_with(tmp_path, record.to_dict()))
    assert "Distilled from the teacher `teacher-model` (3.5 minutes to train here)" in card
    assert "Encoder: `sentence-transformers/all-MiniLM-L6-v2` from the folder enc," in card
    assert "- Training data: PTC v2 train (37 articles), `data/ptc/train`." in card
    assert "PTC v2 dev (7 articles)" in card
    assert "- Training time on the 8-core CPU machine: 12.5 minutes." in card
    assert "- Trained on 37 English news articles" in card
    assert "Tuned on one half of the dev articles and scored on the other" in card
    assert "371" not in card


def test_a_multilingual_card_counts_each_language_from_its_run(tmp_path: Path):
    metrics = shipped_metrics()
    options = {"semeval2023": "/corpora/se23", "languages": ["fr", "de"], "unmapped": "drop"}
    metrics["recipe"] = metrics["recipe"] | options | {"near_misses": 2}
    scores = {"gold_spans": 9, "si": 0.5, "tc": 0.25, "flc": 0.125, "paragraph": 0.75}
    languages = {"de": 20, "en": 446, "fr": 34}
    per_language = {name: {"articles": n, **scores} for name, n in languages.items()}
    metrics["cross_validation"] = metrics["cross_validation"] | {
        "articles": 500,
        "per_language": per_language,
    }
    card = render_model_card(folder_with(tmp_path, metrics))
    assert "PTC v2 train and dev (446 articles; the data folder was not recorded)" in card
    assert "and 54 SemEval-2023 articles in fr, de and the SemEval-2021" in card
    assert "| fr | 34 | 9 | 0.500 | 0.250 | 0.125 | 0.750 |" in card
    assert "--semeval2023 /corpora/se23 --languages fr,de --unmapped drop" in card
    assert "(`propwatch.corpus.semeval2023`; the 5 without a class drop)" in card
    assert "2 near misses per gold span (edges shifted up to 6 pieces)" in card
    assert "## Scores out of fold (500 articles, official formulas)" in card


def test_a_shipped_fold_card_says_its_figures_are_held_out_and_how_to_remake_it(tmp_path: Path):
    metrics = shipped_metrics() | {"data": "/corpora/ptc", "training_minutes": 94.8}
    metrics["recipe"] = metrics["recipe"] | {"semeval2023": "/corpora/se23", "languages": ["ru"]}
    metrics["cross_validation"] = metrics["cross_validation"] | {"articles": 313}
    metrics["shipped_fold"] = {"fold": 0, "folds": 4, "trained_articles": 938}
    record = record_of(metrics)
    assert isinstance(record, CrossValidated) and record.shipped_fold is not None
    assert json.loads(json.dumps(record.to_dict())) == metrics
    card = render_model_card(folder_with(tmp_path, metrics))
    assert "- Training data: 938 labelled articles, those outside fold 0 of a 4-fold" in card
    assert "and of the SemEval-2023 train splits in ru; no test data." in card
    assert "this is fold 0's model of a 4-fold cross-validation, shipped before" in card
    assert "## Scores on its held-out fold (313 articles, official formulas)" in card
    assert "--folds 4 --only-folds 0 --work runs/cv" in card
    assert "scripts/ship_fold.py runs/cv --fold 0 --halves runs/halves" in card
    assert "94.8 minutes for this fold model" in card
    assert "Expected calibration error held out:" in card
    assert "out of fold" not in card.lower().replace("out of fold by", "")
    assert "the same recipe trained on all articles" not in card


def test_the_committed_multilingual_card_is_the_rendering_of_its_model():
    from propwatch.model.artifact import MULTILINGUAL_MODEL

    assert render_model_card(MULTILINGUAL_MODEL) == (MULTILINGUAL_MODEL / CARD_FILE).read_text()
