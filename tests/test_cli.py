"""The command line: commands end to end, one-line errors, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propwatch.cli import app
from propwatch.corpus.ptc import read_labels
from propwatch.model.artifact import shipped_detector

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
DEV = PTC / "dev"
EXAMPLES = PTC.parents[1] / "examples"
needs_ptc = pytest.mark.skipif(not PTC.is_dir(), reason="../shared/data/ptc is not beside the repo")
# train checks its options after it finds torch: without the train extra it stops at that
needs_torch = pytest.mark.skipif(find_spec("torch") is None, reason="needs the train extra")
runner = CliRunner()


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The installed entry point in a real process, as a user runs it."""
    command = [sys.executable, "-c", "from propwatch.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, input=stdin)


@needs_ptc
@pytest.mark.parametrize(
    ("task", "labels"),
    [
        ("si", "dev-task-si.labels"),
        ("tc", "dev-task-flc-tc.labels"),
        ("flc", "dev-task-flc-tc.labels"),
        ("slc", "dev-task-flc-tc.labels"),
    ],
)
def test_dev_gold_scores_one_against_itself(task: str, labels: str):
    gold = str(DEV / labels)
    args = ["evaluate", "--gold", gold, "--pred", gold, "--task", task, "--format", "json"]
    result = runner.invoke(app, [*args, "--articles", str(DEV / "dev-articles")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (1.0, 1.0, 1.0)


@needs_ptc
def test_shifted_predictions_score_as_the_si_formula_predicts(tmp_path: Path):
    # Every predicted span is the gold span with its end pulled in to the midpoint:
    # P = 1 for each span; R = mean over merged gold spans of (covered / length).
    gold = read_labels(DEV / "dev-task-si.labels")
    halved = tmp_path / "halved.labels"
    halved.write_text(
        "".join(
            f"{g.article_id}\t{g.start}\t{g.start + max(1, (g.end - g.start) // 2)}\n" for g in gold
        )
    )
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(DEV / "dev-task-si.labels"),
            "--pred",
            str(halved),
            "--format",
            "json",
        ],
    )
    scores = json.loads(result.output)
    assert scores["precision"] == pytest.approx(1.0)
    assert 0.45 < scores["recall"] < 0.55


def test_techniques_lists_all_fourteen():
    result = runner.invoke(app, ["techniques"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for technique_id in ("loaded_language", "name_calling", "whataboutism", "slogans"):
        assert technique_id in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "/no/such/file.txt"], "no such file: /no/such/file.txt; check the path"),
        (["evaluate", "--gold", "/no/gold", "--pred", "/no/pred"], "does not exist"),
        (["evaluate", "--gold", "x", "--pred", "y", "--task", "nope"], "unknown task 'nope'"),
        (["predict", "/no/dir", "--out", "/tmp/x"], "is not a folder"),
        (["analyze", "-", "--format", "pdf"], "unknown format 'pdf'"),
    ],
)
def test_bad_input_is_one_line_with_exit_code_2(args: list[str], message: str):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_analyze_json_from_stdin():
    text = "They are vile traitors who hate our great nation!\n"
    result = runner.invoke(app, ["analyze", "-", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["text"] == text
    for span in data["spans"]:
        assert text[span["start"] : span["end"]] == span["text"]


@needs_ptc
def test_predict_writes_ptc_lines_for_spans_and_for_a_template(tmp_path: Path):
    articles = tmp_path / "articles"
    articles.mkdir()
    ids = ["730093263", "738028498"]
    for article_id in ids:
        name = f"article{article_id}.txt"
        (articles / name).write_bytes((DEV / "dev-articles" / name).read_bytes())
    joint = tmp_path / "joint.txt"
    result = runner.invoke(app, ["predict", str(articles), "--out", str(joint)])
    assert result.exit_code == 0, result.output
    labels = read_labels(joint)
    assert {label.article_id for label in labels} <= set(ids)
    assert all(label.technique for label in labels)

    template = tmp_path / "template.txt"
    gold = [g for g in read_labels(DEV / "dev-task-flc-tc.labels") if g.article_id in ids]
    template.write_text("".join(f"{g.article_id}\t?\t{g.start}\t{g.end}\n" for g in gold))
    filled = tmp_path / "filled.txt"
    result = runner.invoke(
        app, ["predict", str(articles), "--spans", str(template), "--out", str(filled)]
    )
    assert result.exit_code == 0, result.output
    predicted = read_labels(filled)
    assert [(p.article_id, p.start, p.end) for p in predicted] == [
        (g.article_id, g.start, g.end) for g in gold
    ]
    gold_file = tmp_path / "gold.txt"
    gold_file.write_text(
        "".join(f"{g.article_id}\t{g.technique}\t{g.start}\t{g.end}\n" for g in gold)
    )
    scored = runner.invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(gold_file),
            "--pred",
            str(filled),
            "--task",
            "tc",
            "--format",
            "json",
        ],
    )
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["gold_count"] == len(gold)


@needs_torch
def test_train_refuses_an_encoder_folder_without_a_tokenizer(tmp_path: Path):
    result = run_cli(
        "train", "--data", str(PTC), "--out", str(tmp_path / "m"), "--encoder", str(tmp_path)
    )
    assert result.returncode == 2
    assert "has no tokenizer.json" in result.stderr and "Traceback" not in result.stderr


@needs_torch
def test_train_refuses_a_teacher_that_is_not_a_model_folder(tmp_path: Path):
    result = run_cli(
        "train", "--data", str(PTC), "--out", str(tmp_path / "m"), "--teacher", str(tmp_path)
    )
    assert result.returncode == 2
    assert "has no config.json" in result.stderr and "Traceback" not in result.stderr


@needs_torch
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--folds", "4", "--only-folds", "4"], "must name folds from 0 to 3"),
        (["--folds", "4", "--only-folds", "one"], "takes fold numbers like 0,1"),
        (["--only-folds", "0", "--out", "m"], "--only-folds needs --folds"),
        ([], "give --out"),
        (["--memes", str(PTC), "--out", "m"], "--memes needs --folds"),
        (["--folds", "4", "--memes", str(PTC)], "has no data/ folder"),
        (["--semeval2023", str(PTC), "--out", "m"], "--semeval2023 needs --folds"),
        (["--folds", "4", "--semeval2023", str(PTC)], "has no fr/train-spans.tsv"),
        (["--folds", "4", "--languages", "fr,en"], "choose among fr,de,it,pl,ru"),
        (["--folds", "4", "--unmapped", "keep"], "--unmapped must be one of"),
    ],
)
def test_train_refuses_options_that_do_not_fit(args: list[str], message: str, tmp_path: Path):
    result = run_cli("train", "--data", str(PTC), "--work", str(tmp_path / "cv"), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "cv").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["analyze", "http://127.0.0.1:9/a"], 2, "refusing to fetch"),
        (["analyze", "http://127.0.0.1:9/a", "--allow-private"], 3, "connection refused"),
        (["stats", "--db", "postgresql://nobody@127.0.0.1:9/none"], 4, "cannot open the store"),
        (["analyze", "-", "--model", "."], 5, "is not a complete propwatch model"),
    ],
    ids=["unsafe-url", "fetch-failed", "store-unreachable", "model-missing"],
)
def test_each_kind_of_error_has_its_exit_code(args: list[str], code: int, message: str):
    result = run_cli(*args, stdin="An article.\n")
    assert (result.returncode, "Traceback" in result.stderr) == (code, False), result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, f"propwatch {version('propwatch')}\n")


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="../shared/examples is not beside the repo")
def test_min_confidence_trades_recall_for_precision_and_is_recorded():
    text = (EXAMPLES / "syria-at-tanf.txt").read_text()
    found = {}
    for threshold in ("0", "0.25"):
        args = ["analyze", "-", "--format", "json", "--min-confidence", threshold]
        result = runner.invoke(app, args, input=text)
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        assert data["min_confidence"] == float(threshold)
        assert all(span["confidence"] >= float(threshold) for span in data["spans"])
        found[threshold] = len(data["spans"])
    assert found["0"] > found["0.25"]
    default = json.loads(runner.invoke(app, ["analyze", "-", "-f", "json"], input=text).output)
    assert default["min_confidence"] == shipped_detector().settings.min_confidence


def test_min_confidence_out_of_range_is_a_usage_error():
    result = run_cli("analyze", "-", "--min-confidence", "1.5", stdin="Some text.\n")
    assert result.returncode == 2
    assert "--min-confidence" in result.stderr and "less than or equal to" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "command", ["analyze", "predict", "evaluate", "train", "batch", "stats", "serve"]
)
def test_help_keeps_every_default_it_names(command: str):
    # Rich reads "[default: x]" in a help text as markup and drops it, leaving "Workers ."
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert not re.search(r"\w \.(\s|$)", result.output)


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [("x.json", '{\n  "schema_version"'), ("x.HTML", "<!doctype html>"), ("x.labels", "stdin\t")],
)
def test_analyze_takes_the_format_from_the_out_extension(name: str, looks_like: str, tmp_path):
    text = "They are vile traitors who hate our great nation!\n"
    out = tmp_path / name
    result = runner.invoke(
        app, ["analyze", "-", "--min-confidence", "0", "--out", str(out)], input=text
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(looks_like)


def test_an_out_extension_that_names_no_format_is_one_line(tmp_path: Path):
    result = run_cli("analyze", "-", "--out", str(tmp_path / "x.pdf"), stdin="Some text.\n")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: cannot tell the format of x.pdf from its extension: end it in .json, .html, "
        ".htm, .labels or add --format json, html, ptc"
    )


def test_piped_batch_prints_plain_progress_lines(tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.txt").write_text(f"Article {number}. They are vile traitors.\n")
    result = run_cli("batch", str(folder), "--db", str(tmp_path / "s.db"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("done 3 of 3 (100%)") for line in lines), lines
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", result.stderr)  # no bar, no cursor movement
