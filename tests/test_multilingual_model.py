"""The shipped multilingual model: installed beside the English one, it analyses French, German,
Italian, Polish and Russian articles, and finds more of their gold spans than the English model.

The articles are from fold 0's held-out part of the run that made the model
(`runs/e5-6-cv/folds.json`): it never trained on them.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.cli import app
from propwatch.corpus.ptc import Label
from propwatch.corpus.semeval2023 import read_language
from propwatch.model.artifact import MULTILINGUAL_MODEL, SHIPPED_MODEL, ModelConfig
from propwatch.pipeline import ModelChoice, Pipeline, shipped_pipeline
from propwatch.scoring import score_si

SEMEVAL2023 = Path(__file__).resolve().parents[2] / "shared" / "data" / "semeval2023"
HELD_OUT = {
    "de": ("2210", "22102", "22114"),
    "fr": ("23107", "23108", "23111"),
    "it": ("26102", "26105", "26113"),
    "pl": ("2510", "25100", "25103"),
    "ru": ("24103", "24104", "24109"),
}
MULTILINGUAL = ModelConfig.load(MULTILINGUAL_MODEL).name
ENGLISH = ModelConfig.load(SHIPPED_MODEL).name


def held_out() -> list[tuple[str, str, list[Label]]]:
    """(language, text, realigned gold spans) of the held-out articles above."""
    if not SEMEVAL2023.is_dir():
        pytest.skip(f"needs the SemEval-2023 data at {SEMEVAL2023}")
    found = []
    for language, ids in HELD_OUT.items():
        keys = {f"{language}-{article_id}" for article_id in ids}
        for article in read_language(SEMEVAL2023, language):
            if article.key in keys:
                found.append((language, article.text, list(article.realigned().spans)))
    assert len(found) == sum(len(ids) for ids in HELD_OUT.values())
    return found


def test_the_shipped_models_split_the_languages_english_first() -> None:
    choice = ModelChoice.of()
    assert choice.folders == (SHIPPED_MODEL, MULTILINGUAL_MODEL)
    assert choice.name_for("en") == ENGLISH
    assert {choice.name_for(code) for code in ("fr", "de", "it", "pl", "ru")} == {MULTILINGUAL}
    assert choice.name_for("es") == ENGLISH  # unmeasured languages go to the first, warned


def test_the_multilingual_model_fits_the_size_it_promises_and_installs() -> None:
    megabytes = sum(path.stat().st_size for path in MULTILINGUAL_MODEL.iterdir()) / 1e6
    assert megabytes <= 60
    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    packaged = config["tool"]["setuptools"]["package-data"]["propwatch"]
    for path in MULTILINGUAL_MODEL.iterdir():
        relative = path.relative_to(root / "src" / "propwatch").as_posix()
        assert any(fnmatch(relative, pattern) for pattern in packaged), relative


@pytest.mark.slow
def test_held_out_articles_in_five_languages_get_more_gold_than_from_the_english_model() -> None:
    articles = held_out()
    english_only = Pipeline.load(SHIPPED_MODEL, threads=1)
    both = shipped_pipeline()
    gold, from_english, from_both = [], [], []
    for number, (language, text, spans) in enumerate(articles):
        key = str(number)
        gold += [Label(key, span.start, span.end) for span in spans]
        analysis = both.analyse(text)
        assert (analysis.language, analysis.model, analysis.warnings) == (
            language,
            MULTILINGUAL,
            (),
        )
        from_both += [Label(key, s.start, s.end) for s in analysis.spans]
        from_english += [Label(key, s.start, s.end) for s in english_only.analyse(text).spans]
    assert score_si(gold, from_both).f1 > score_si(gold, from_english).f1 + 0.1


def test_the_command_line_analyses_a_german_article_with_the_multilingual_model(
    tmp_path: Path,
) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text(
        "Die Regierung hat die Bürger wieder einmal schamlos belogen.\n\n"
        "Diese korrupte Clique von Versagern treibt unser Land in den Ruin, und niemand in "
        "Berlin wagt es, die Wahrheit auszusprechen: Sie verraten das deutsche Volk.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["analyze", str(article), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert f'"model": "{MULTILINGUAL}"' in result.output
    assert '"language": "de"' in result.output
    assert "not measured" not in result.output
