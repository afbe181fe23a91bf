"""Read and write the PTC corpus format of SemEval-2020 Task 11.

Articles are `article<ID>.txt` files. Label lines are `id<TAB>technique<TAB>start<TAB>end` (TC
and FLC), `id<TAB>start<TAB>end` (SI), or `id<TAB>?<TAB>start<TAB>end` (a TC template: technique
unknown).
A label source is either one combined file or a folder of per-article `*.labels` files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from propwatch.errors import BadInput
from propwatch.techniques import TECHNIQUE_NAMES

ARTICLE_FILE = re.compile(r"^article(?P<id>[^/\\]+)\.txt$")
TEMPLATE_TECHNIQUE = "?"

Task = Literal["si", "tc"]


class PTCFormatError(BadInput):
    """A PTC file that does not follow the format; the message names the file and line."""


@dataclass(frozen=True, order=True)
class Label:
    """One labelled fragment. `technique` is None for SI labels and unfilled TC templates."""

    article_id: str
    start: int
    end: int
    technique: str | None = None


def article_id_of(path: Path) -> str | None:
    """The article id of a PTC article file name, or None when the name is not `article<ID>.txt`."""
    match = ARTICLE_FILE.match(path.name)
    return match["id"] if match else None


def read_articles(folder: Path) -> dict[str, str]:
    """All `article<ID>.txt` texts of a folder, keyed by id, read exactly (newlines untouched)."""
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a folder; give the folder holding article<ID>.txt files")
    articles: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        article_id = article_id_of(path)
        if article_id is None:
            continue
        try:
            articles[article_id] = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise PTCFormatError(
                f"{path}: not UTF-8 ({error.reason}); PTC articles are UTF-8"
            ) from None
    if not articles:
        raise BadInput(f"{folder} holds no article<ID>.txt files; is this a PTC articles folder?")
    return articles


def label_files(source: Path) -> list[Path]:
    """The label files of a source: the file itself, or the sorted `*.labels` files of a folder."""
    if source.is_file():
        return [source]
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix == ".labels" and p.is_file())
        if not files:
            raise BadInput(f"{source} holds no .labels files; give a label file or folder")
        return files
    raise BadInput(f"{source} does not exist; give a PTC label file or a folder of them")


def read_labels(source: Path, articles: Mapping[str, str] | None = None) -> list[Label]:
    """Every label of a file or folder, in file order; with `articles`, offsets are checked."""
    labels: list[Label] = []
    for path in label_files(source):
        with path.open(encoding="utf-8", newline="") as stream:
            labels.extend(parse_labels(stream, str(path), articles))
    return labels


def parse_labels(
    lines: Iterable[str], name: str, articles: Mapping[str, str] | None = None
) -> list[Label]:
    """Parse label lines; `name` is used in error messages. Blank lines are skipped."""
    labels = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        label = _parse_line(line, f"{name}:{number}")
        if articles is not None:
            _check_offsets(label, articles, f"{name}:{number}")
        labels.append(label)
    return labels


def _parse_line(line: str, where: str) -> Label:
    fields = line.split("\t")
    if len(fields) == 3:
        article_id, start, end = fields
        technique = None
    elif len(fields) == 4:
        article_id, technique, start, end = fields
        if technique == TEMPLATE_TECHNIQUE:
            technique = None
        elif technique not in TECHNIQUE_NAMES:
            raise PTCFormatError(
                f"{where}: unknown technique {technique!r}; "
                "`propwatch techniques` lists the 14 valid names"
            )
    else:
        raise PTCFormatError(
            f"{where}: expected 3 (SI) or 4 (TC) tab-separated fields, found {len(fields)}"
        )
    if not (start.isdigit() and end.isdigit()):
        raise PTCFormatError(f"{where}: offsets must be whole numbers, got {start!r} and {end!r}")
    label = Label(article_id, int(start), int(end), technique)
    if label.start >= label.end:
        raise PTCFormatError(f"{where}: start {label.start} is not before end {label.end}")
    return label


def _check_offsets(label: Label, articles: Mapping[str, str], where: str) -> None:
    text = articles.get(label.article_id)
    if text is None:
        raise PTCFormatError(f"{where}: article {label.article_id} is not among the articles given")
    if label.end > len(text):
        raise PTCFormatError(
            f"{where}: end {label.end} is past the end of article {label.article_id} "
            f"({len(text)} characters)"
        )


def format_label(label: Label, task: Task) -> str:
    """One label line without its newline; TC labels without technique are written as `?`."""
    if task == "si":
        return f"{label.article_id}\t{label.start}\t{label.end}"
    technique = label.technique or TEMPLATE_TECHNIQUE
    return f"{label.article_id}\t{technique}\t{label.start}\t{label.end}"


def write_labels(labels: Iterable[Label], stream: TextIO, task: Task) -> None:
    """Write label lines, each ending in LF, exactly as the PTC files are written."""
    for label in labels:
        stream.write(format_label(label, task) + "\n")


def save_labels(labels: Iterable[Label], path: Path, task: Task) -> None:
    """Write label lines to a file (LF line endings on every platform)."""
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        write_labels(labels, stream, task)


def labels_by_article(labels: Iterable[Label]) -> dict[str, list[Label]]:
    """Group labels by article id, keeping their order."""
    grouped: dict[str, list[Label]] = {}
    for label in labels:
        grouped.setdefault(label.article_id, []).append(label)
    return grouped
