"""`--model` given once per model: which model analyses which language, in `analyze`, `batch`,
`stats` and the web app, and the one-line errors when the models cannot work together.

The models are real folders: the shipped one (English) and copies of it whose configs list
other languages under other names (the weights linked), so each analysis shows which ran.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from propwatch.cli import app
from propwatch.cli.common import model_choice
from propwatch.errors import BadInput, ModelMissing
from propwatch.model.artifact import CONFIG_FILE, MULTILINGUAL_MODEL, SHIPPED_MODEL
from propwatch.pipeline import ModelChoice
from propwatch.render.stats import table_notes
from propwatch.statistics.summary import stats_table
from propwatch.store import open_store
from propwatch.web.app import create_app
from propwatch.web.settings import Settings

SHIPPED = "propwatch-minilm-ptc"
ENGLISH = (
    "The minister said the new law would protect families from rising energy prices. "
    "Critics called it a shameless gift to the corrupt elites who run the country."
)
FRENCH = (
    "Le ministre a déclaré que la nouvelle loi protégerait les familles contre la hausse des "
    "prix. Ses critiques y voient un cadeau honteux aux élites corrompues qui dirigent le pays."
)
GERMAN = (
    "Der Minister sagte, das neue Gesetz werde die Familien vor steigenden Preisen schützen. "
    "Kritiker nennen es ein schamloses Geschenk an die korrupten Eliten, die das Land regieren."
)
runner = CliRunner()


def model_copy(folder: Path, name: str, languages: list[str]) -> Path:
    """The shipped weights under a config with another name and languages."""
    folder.mkdir(parents=True)
    for source in SHIPPED_MODEL.iterdir():
        if source.name != CONFIG_FILE:
            (folder / source.name).symlink_to(source)
    config = json.loads((SHIPPED_MODEL / CONFIG_FILE).read_text())
    config.update(name=name, languages=languages)
    (folder / CONFIG_FILE).write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "multi": model_copy(root / "multi", "test-multi", ["en", "fr", "de"]),
        "fr": model_copy(root / "fr", "test-fr", ["fr"]),
        "twin": model_copy(root / "twin", "test-fr", ["de"]),
    }


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from propwatch.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, input=stdin)


# --- the rule ---------------------------------------------------------------------------------


def test_no_model_given_is_the_shipped_models_english_first() -> None:
    choice = ModelChoice.of()
    assert choice.folders == (SHIPPED_MODEL, MULTILINGUAL_MODEL)
    assert choice.languages == (("en",), ("fr", "de", "it", "pl", "ru"))
    assert choice.name_for("es") == choice.name_for(None) == SHIPPED


def test_shipped_names_both_shipped_models_in_their_order(models: dict[str, Path]) -> None:
    assert model_choice([Path("shipped")]).folders == (SHIPPED_MODEL, MULTILINGUAL_MODEL)
    mine_first = model_choice([models["fr"], Path("shipped")])
    assert mine_first.languages == (("fr",), ("en",), ("de", "it", "pl", "ru"))


def test_a_language_two_list_goes_to_the_model_given_first(models: dict[str, Path]) -> None:
    choice = ModelChoice.of([SHIPPED_MODEL, models["multi"]])
    assert choice.languages == (("en",), ("fr", "de"))
    assert [choice.name_for(code) for code in ("en", "fr", "de")] == [SHIPPED, *["test-multi"] * 2]
    # a language no model lists, or none detected, goes to the first model
    assert choice.name_for("ru") == choice.name_for(None) == SHIPPED
    assert choice.describe() == f"{SHIPPED} (en) + test-multi (fr, de)"
    assert choice.folder_of("test-multi") == models["multi"]


def test_a_multilingual_model_given_alone_takes_english_too(models: dict[str, Path]) -> None:
    choice = ModelChoice.of([models["multi"]])
    assert choice.name_for("en") == choice.name_for("ru") == "test-multi"


@pytest.mark.parametrize(
    ("order", "error", "message"),
    [
        (["multi", "shipped"], BadInput, "would analyse nothing: every language its config"),
        (["fr", "fr"], BadInput, "is given twice"),
        (["fr", "twin"], BadInput, "hold models of the same name 'test-fr'"),
        (["nowhere"], ModelMissing, "is not a folder"),
    ],
)
def test_models_that_cannot_work_together_are_refused(
    models: dict[str, Path], order: list[str], error: type[Exception], message: str, tmp_path: Path
) -> None:
    folders = {**models, "shipped": SHIPPED_MODEL, "nowhere": tmp_path / "nowhere"}
    with pytest.raises(error, match=message):
        ModelChoice.of([folders[name] for name in order])


def test_the_errors_are_one_line_with_the_input_exit_code(models: dict[str, Path]) -> None:
    result = run_cli("analyze", "-", "--model", str(models["multi"]), "--model", "shipped")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "give it first to use it for those languages" in lines[0]
    not_a_model = run_cli("batch", ".", "--model", str(Path(__file__).parent))
    assert not_a_model.returncode == 5 and "is not a complete propwatch model" in not_a_model.stderr


# --- the entry points ---------------------------------------------------------------------------


def test_analyze_picks_the_model_of_each_articles_language(
    models: dict[str, Path], tmp_path: Path
) -> None:
    both = ["--model", str(SHIPPED_MODEL), "--model", str(models["fr"]), "--format", "json"]
    found = {}
    for name, text in {"en": ENGLISH, "fr": FRENCH, "de": GERMAN}.items():
        (tmp_path / f"{name}.txt").write_text(text)
        result = runner.invoke(app, ["analyze", str(tmp_path / f"{name}.txt"), *both])
        assert result.exit_code == 0, result.output
        analysis = json.loads(result.output)
        found[name] = (analysis["language"], analysis["model"], len(analysis["warnings"]))
    assert found == {
        "en": ("en", SHIPPED, 0),
        "fr": ("fr", "test-fr", 0),
        "de": ("de", SHIPPED, 1),  # no model saw German: the first model, with a warning
    }


def test_batch_stores_each_language_under_its_model_and_resumes(
    models: dict[str, Path], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in {"en": ENGLISH, "fr": FRENCH}.items():
        (corpus / f"{name}.txt").write_text(text)
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    both = ["batch", str(corpus), "--db", db, "--workers", "1", "--model", str(SHIPPED_MODEL)]
    english_only = runner.invoke(app, both)
    assert english_only.exit_code == 0, english_only.output
    first = runner.invoke(app, [*both, "--model", str(models["fr"])])
    again = runner.invoke(app, [*both, "--model", str(models["fr"])])
    store = open_store(db)
    try:
        stored = {m: dict(store.stored_languages(m)) for m in (SHIPPED, "test-fr")}
    finally:
        store.close()
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    # the English article was stored by the first run; the French one is analysed again
    assert "stored 1 · skipped 1" in first.output and "stored 0 · skipped 2" in again.output
    assert sorted(stored[SHIPPED].values()) == ["en", "fr"]
    assert list(stored["test-fr"].values()) == ["fr"]
    table = runner.invoke(app, ["stats", "--db", db, "--by", "language", "--format", "csv"])
    assert table.exit_code == 0, table.output
    rows = {row["language"]: row for row in _csv(table.output)}
    assert set(rows) == {"en", "fr"} and rows["fr"]["articles"] == "1"
    shipped = runner.invoke(app, ["stats", "--db", db, "--model", "shipped", "-f", "csv"])
    assert shipped.exit_code == 0 and _csv(shipped.output)[0]["articles"] == "2"
    # each language counts its latest model, so the French article once, by test-fr; a model
    # named alone counts its own analyses
    store = open_store(db)
    try:
        counted = stats_table(store, "language")
        named = stats_table(store, "language", [SHIPPED])
    finally:
        store.close()
    assert counted.model == f"{SHIPPED} (en) + test-fr (fr)"
    assert named.model == SHIPPED and [r["articles"] for r in named.rows] == [1, 1]
    # two models' errors differ: no corrected rates, and the notes say why
    assert counted.error is None and named.error is not None
    notes = table_notes(counted.rows, counted.error, several_models=True)
    assert "corrected rates: n/a (each language's model has its own error" in notes[-1]


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_web_app_and_api_pick_the_model_of_each_language(
    models: dict[str, Path], tmp_path: Path
) -> None:
    choice = ModelChoice.of([SHIPPED_MODEL, models["fr"]])
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'web.db'}", models=choice, workers=1)
    with TestClient(create_app(settings)) as client:
        saved = client.post("/v1/analyze", json={"text": FRENCH, "save": True})
        english = client.post("/v1/analyze", json={"text": ENGLISH}).json()
        page = client.get("/").text
        report = client.get(f"/v1/analyses/{saved.headers['Analysis-Id']}/report")
    french = saved.json()
    assert (french["language"], french["model"]) == ("fr", "test-fr")
    assert (english["language"], english["model"]) == ("en", SHIPPED)
    assert f"model <code>{SHIPPED} (en) + test-fr (fr)</code>" in page
    assert report.status_code == 200 and "model <code>test-fr</code> · French text" in report.text


def test_predict_takes_the_word_shipped_too(tmp_path: Path) -> None:
    (tmp_path / "article1.txt").write_text(ENGLISH)
    out = tmp_path / "pred.labels"
    args = ["predict", str(tmp_path), "--out", str(out), "--model", "shipped"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.is_file()
