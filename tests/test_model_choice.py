"""The pipeline picks a model by the article's language, and says so when no model saw it.

Two real model folders: the shipped one (English) and a copy whose config lists French and
German under another name, so the analyses show which of the two ran.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from propwatch.model.artifact import CONFIG_FILE, SHIPPED_MODEL, ModelConfig
from propwatch.pipeline import Pipeline
from propwatch.render.html import render_html
from propwatch.render.terminal import render
from propwatch.schema import validate

ENGLISH = (
    "The minister said the new law would protect families from rising energy prices. "
    "Critics called it a shameless gift to the corrupt elites who run the country."
)
FRENCH = (
    "Le ministre a déclaré que la nouvelle loi protégerait les familles contre la hausse des "
    "prix. Ses critiques y voient un cadeau honteux aux élites corrompues qui dirigent le pays."
)
SPANISH = (
    "El ministro dijo que la nueva ley protegerá a las familias de la subida de los precios. "
    "Sus críticos lo llaman un regalo vergonzoso a las élites corruptas que gobiernan el país."
)


@pytest.fixture(scope="module")
def french_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped weights under a config that lists French and German (weights linked)."""
    folder = tmp_path_factory.mktemp("french-model")
    for source in SHIPPED_MODEL.iterdir():
        if source.name != CONFIG_FILE:
            (folder / source.name).symlink_to(source)
    config = json.loads((SHIPPED_MODEL / CONFIG_FILE).read_text())
    config.update(name="propwatch-test-fr-de", languages=["fr", "de"])
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="module")
def pipeline(french_model: Path) -> Pipeline:
    return Pipeline.load(threads=1, more_models=[french_model])


def test_the_shipped_config_lists_english_only() -> None:
    assert ModelConfig.load(SHIPPED_MODEL).languages == ("en",)


def test_a_config_without_languages_is_read_as_english(tmp_path: Path) -> None:
    config = json.loads((SHIPPED_MODEL / CONFIG_FILE).read_text())
    del config["languages"]
    (tmp_path / CONFIG_FILE).write_text(json.dumps(config))
    assert ModelConfig.load(tmp_path).languages == ("en",)


def test_english_keeps_the_shipped_model(pipeline: Pipeline) -> None:
    analysis = pipeline.analyse(ENGLISH)
    assert (analysis.language, analysis.model) == ("en", "propwatch-minilm-ptc")
    assert analysis.warnings == ()


def test_french_goes_to_the_model_that_saw_french(pipeline: Pipeline) -> None:
    analysis = pipeline.analyse(FRENCH)
    assert (analysis.language, analysis.model) == ("fr", "propwatch-test-fr-de")
    assert analysis.warnings == ()


def test_a_language_no_model_saw_is_analysed_by_the_default_with_a_warning(
    pipeline: Pipeline,
) -> None:
    analysis = pipeline.analyse(SPANISH)
    assert (analysis.language, analysis.model) == ("es", "propwatch-minilm-ptc")
    assert analysis.warnings == ("propwatch has not measured its quality on Spanish text",)
    assert analysis.sentences  # still analysed


def test_french_without_a_french_model_is_analysed_with_a_warning(pipeline: Pipeline) -> None:
    english_only = Pipeline(pipeline.detector, pipeline.nlp)
    analysis = english_only.analyse(FRENCH)
    assert (analysis.language, analysis.model) == ("fr", "propwatch-minilm-ptc")
    assert analysis.warnings == ("propwatch has not measured its quality on French text",)


def test_text_too_short_to_tell_says_it_was_read_as_english(pipeline: Pipeline) -> None:
    analysis = pipeline.analyse("Hmm.")
    assert analysis.language is None
    assert analysis.model == "propwatch-minilm-ptc"
    assert analysis.warnings == (
        "propwatch could not tell the language of this text; it was read as English",
    )


def test_the_warning_shows_in_terminal_report_and_json(pipeline: Pipeline) -> None:
    analysis = pipeline.analyse(SPANISH)
    out = StringIO()
    render(analysis, Console(file=out, width=200))
    terminal = out.getvalue()
    assert "model propwatch-minilm-ptc, Spanish text" in terminal
    warning = "propwatch has not measured its quality on Spanish text"
    # first, before the highlights it qualifies, and again with the summary
    assert terminal.startswith(warning) and terminal.count(warning) == 2
    page = render_html(analysis)
    assert "· Spanish text</p>" in page
    assert "<strong>propwatch has not measured its quality on Spanish text</strong>" in page
    data = json.loads(analysis.to_json())
    assert data["language"] == "es"
    validate(data)


def test_a_measured_language_shows_no_warning(pipeline: Pipeline) -> None:
    analysis = pipeline.analyse(FRENCH)
    out = StringIO()
    render(analysis, Console(file=out, width=200))
    assert "French text" in out.getvalue()
    assert "not measured" not in out.getvalue()
    assert "not measured" not in render_html(analysis)
