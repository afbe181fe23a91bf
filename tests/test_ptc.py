"""PTC corpus I/O: exact round trips and errors that name file and line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from propwatch.corpus.ptc import (
    Label,
    PTCFormatError,
    read_articles,
    read_labels,
    save_labels,
    write_labels,
)
from propwatch.errors import PropwatchError

PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc"
needs_ptc = pytest.mark.skipif(not PTC.is_dir(), reason="../shared/data/ptc is not beside the repo")


@needs_ptc
@pytest.mark.parametrize(
    ("labels", "task"),
    [
        ("dev/dev-task-flc-tc.labels", "tc"),
        ("dev/dev-task-si.labels", "si"),
        ("train/train-task-flc-tc.labels", "tc"),
        ("train/train-task-si.labels", "si"),
    ],
)
def test_combined_label_files_round_trip_byte_for_byte(labels: str, task: str, tmp_path: Path):
    source = PTC / labels
    copy = tmp_path / "copy.labels"
    save_labels(read_labels(source), copy, task)  # type: ignore[arg-type]
    assert copy.read_bytes() == source.read_bytes()


@needs_ptc
def test_per_article_folders_round_trip_byte_for_byte():
    folder = PTC / "dev" / "dev-labels-task-flc-tc"
    for path in sorted(folder.iterdir()):
        out = io.StringIO()
        write_labels(read_labels(path), out, "tc")
        assert out.getvalue().encode() == path.read_bytes(), path.name


@needs_ptc
def test_dev_counts_and_offsets_match_the_articles():
    articles = read_articles(PTC / "dev" / "dev-articles")
    labels = read_labels(PTC / "dev" / "dev-labels-task-flc-tc", articles)
    assert len(articles) == 75
    assert len(labels) == 1063
    first = labels[0]
    assert first == Label("730093263", 123, 128, "Whataboutism,Straw_Men,Red_Herring")
    assert all(0 <= label.start < label.end <= len(articles[label.article_id]) for label in labels)


@needs_ptc
def test_folder_and_combined_file_hold_the_same_labels():
    folder = read_labels(PTC / "dev" / "dev-labels-task-si")
    combined = read_labels(PTC / "dev" / "dev-task-si.labels")
    assert folder == combined
    assert all(label.technique is None for label in combined)


def test_template_lines_read_as_unknown_technique_and_write_back(tmp_path: Path):
    path = tmp_path / "template.labels"
    path.write_text("111\t?\t3\t9\n")
    labels = read_labels(path)
    assert labels == [Label("111", 3, 9, None)]
    out = io.StringIO()
    write_labels(labels, out, "tc")
    assert out.getvalue() == "111\t?\t3\t9\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("111\tLoaded_language\t1\t5", "unknown technique 'Loaded_language'"),
        ("111\tDoubt\t1\t5\t9", "expected 3 (SI) or 4 (TC) tab-separated fields, found 5"),
        ("111\tDoubt\t1", "offsets must be whole numbers, got 'Doubt' and '1'"),
        ("111 Doubt 1 5", "found 1"),
        ("111\tDoubt\tone\t5", "offsets must be whole numbers"),
        ("111\tDoubt\t-1\t5", "offsets must be whole numbers"),
        ("111\tDoubt\t9\t5", "start 9 is not before end 5"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, message: str):
    path = tmp_path / "bad.labels"
    path.write_text("111\tDoubt\t1\t5\n\n" + line + "\n")
    with pytest.raises(PTCFormatError) as error:
        read_labels(path)
    assert f"{path}:3: " in str(error.value)
    assert message in str(error.value)


def test_offsets_past_the_article_end_are_reported(tmp_path: Path):
    path = tmp_path / "labels.txt"
    path.write_text("7\tDoubt\t2\t50\n")
    with pytest.raises(PTCFormatError, match=r"labels.txt:1: end 50 is past the end of article 7"):
        read_labels(path, {"7": "short text"})
    with pytest.raises(PTCFormatError, match="article 7 is not among the articles given"):
        read_labels(path, {"8": "x" * 100})


def test_articles_are_read_exactly_and_other_files_ignored(tmp_path: Path):
    (tmp_path / "article42.txt").write_bytes("Title\r\n\r\nBody “quoted” 👍\n".encode())
    (tmp_path / "notes.txt").write_text("not an article")
    assert read_articles(tmp_path) == {"42": "Title\r\n\r\nBody “quoted” 👍\n"}


def test_unreadable_article_folders_give_clear_errors(tmp_path: Path):
    with pytest.raises(PropwatchError, match=r"holds no article<ID>\.txt files"):
        read_articles(tmp_path)
    with pytest.raises(PropwatchError, match="is not a folder"):
        read_articles(tmp_path / "missing")
    (tmp_path / "article1.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(PTCFormatError, match=r"article1\.txt: not UTF-8"):
        read_articles(tmp_path)


def test_missing_label_source_is_reported(tmp_path: Path):
    with pytest.raises(PropwatchError, match="does not exist"):
        read_labels(tmp_path / "nope.labels")
    with pytest.raises(PropwatchError, match=r"holds no \.labels files"):
        read_labels(tmp_path)
