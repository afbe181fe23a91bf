"""Batch inputs: folders of .txt/.html (PTC folders among them), JSONL and CSV files of records.

Readers yield a `Record` for each article, or a `BadRecord` saying why one cannot be read, and go
on. Nothing here runs the model or fetches a URL: that happens in the workers.

JSONL and CSV records carry `text`, `html` or `url`, and optionally `id`, `outlet` (or `source`),
`date` (or `published`; ISO 8601) and `title`. In a folder, files in subfolders take the first
subfolder's name as their outlet (`corpus/bbc/2024/story.html` -> outlet `bbc`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propwatch.corpus.ptc import article_id_of
from propwatch.errors import BadInput
from propwatch.record import ArticleMeta, Kind, Record

# Far above any news page, HTML with its scripts included; a larger record is not one article.
MAX_RECORD_BYTES = 20_000_000

MAX_ID_CHARS = 512  # the store's column widths
MAX_OUTLET_CHARS = 256

FILE_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON pairs the valid ones into one character
RECORD_FILES = (".jsonl", ".ndjson", ".csv")
FIELDS = {
    "outlet": ("outlet", "source"),
    "date": ("date", "published"),
    "id": ("id",),
    "title": ("title",),
    "url": ("url",),
}


@dataclass(frozen=True)
class BadRecord:
    location: str
    record_id: str | None
    reason: str


Item = Record | BadRecord


def content_hash(outlet: str | None, kind: Kind, content: str | bytes) -> str:
    """The article's identity in the store: its content and outlet (wire copy runs in many)."""
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    digest = hashlib.sha256()
    for part in ((outlet or "").encode("utf-8"), kind.encode(), data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_inputs(paths: Sequence[Path]) -> None:
    """Fail before a run starts on inputs that are missing or of a type we do not read."""
    if not paths:
        raise BadInput("no inputs; give folders of .txt/.html, or .jsonl/.csv files")
    for path in paths:
        if not path.exists():
            raise BadInput(f"{path} does not exist; give a folder, .jsonl, .csv or .txt")
        if path.is_file() and path.suffix.lower() not in (*FILE_TYPES, *RECORD_FILES):
            raise BadInput(
                f"{path}: cannot read {path.suffix or 'extensionless'} files; give a folder, "
                "or a .jsonl, .csv, .txt or .html file"
            )


def read_inputs(paths: Sequence[Path], outlet: str | None = None) -> Iterator[Item]:
    """Every record of every input, in order; `outlet` fills in where a record names none."""
    check_inputs(paths)
    for path in paths:
        yield from _read_one(path, outlet)


def count_inputs(paths: Sequence[Path]) -> int:
    """How many items `read_inputs` will yield (for the progress bar), without decoding them."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for _ in folder_files(path))
        elif path.suffix.lower() == ".csv":
            total += sum(1 for _ in _csv_rows(path))
        elif path.suffix.lower() in RECORD_FILES:
            with path.open("rb") as lines:
                total += sum(1 for line in lines if line.strip())
        else:
            total += 1
    return total


def _read_one(path: Path, outlet: str | None) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if path.is_dir():
        for file in folder_files(path):
            yield read_file(file, path, outlet)
    elif suffix == ".csv":
        yield from read_csv(path, outlet)
    elif suffix in RECORD_FILES:
        yield from read_jsonl(path, outlet)
    else:
        yield read_file(path, path.parent, outlet)


def folder_files(folder: Path) -> Iterator[Path]:
    """The .txt and .html files under a folder, sorted, hidden ones left out."""
    for path in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.suffix.lower() in FILE_TYPES and path.is_file():
            yield path


def read_file(path: Path, root: Path, outlet: str | None) -> Item:
    relative = path.relative_to(root)
    record_id = article_id_of(path) or relative.as_posix()
    if len(relative.parts) > 1:
        outlet = relative.parts[0]
    if too_long := _too_long(record_id, outlet):
        return BadRecord(str(path), record_id[:80], too_long)
    size = path.stat().st_size
    if size > MAX_RECORD_BYTES:
        return BadRecord(str(path), record_id, too_large(size))
    try:
        data = path.read_bytes()
    except OSError as error:
        return BadRecord(str(path), record_id, f"cannot read the file: {error.strerror}")
    if not data.strip():
        return BadRecord(str(path), record_id, "the file is empty")
    meta = ArticleMeta(content_hash(outlet, "file", data), record_id, str(path), outlet)
    return Record(meta, "file", data, FILE_TYPES[path.suffix.lower()])


def too_large(size: int) -> str:
    return f"{size:,} bytes, more than the {MAX_RECORD_BYTES:,} of one article; split it"


def read_jsonl(path: Path, outlet: str | None) -> Iterator[Item]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if raw.strip():
                yield _json_line(raw, f"{path}:{number}", outlet)


def _json_line(raw: bytes, location: str, outlet: str | None) -> Item:
    if len(raw) > MAX_RECORD_BYTES:
        return BadRecord(location, None, too_large(len(raw)))
    try:
        fields = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return BadRecord(location, None, "the line is not UTF-8; JSONL files are UTF-8")
    except json.JSONDecodeError as error:
        return BadRecord(location, None, f"not a JSON object ({error.msg}, column {error.colno})")
    if not isinstance(fields, dict):
        return BadRecord(location, None, "not a JSON object; each line holds one {...} record")
    if any(isinstance(value, str) and LONE_SURROGATE.search(value) for value in fields.values()):
        return BadRecord(
            location,
            None,
            "holds an unpaired surrogate (a lone \\ud800 to \\udfff escape); write valid Unicode",
        )
    return record_from_fields(fields, location, outlet)


def read_csv(path: Path, outlet: str | None) -> Iterator[Item]:
    for location, row in _csv_rows(path):
        yield record_from_fields(row, location, outlet)


def _csv_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """CSV rows by header; undecodable bytes survive as surrogates so one row fails, not all."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # big articles: our own limit applies
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as file:
        reader = csv.DictReader(file)
        for row in reader:
            yield f"{path}:{reader.line_num}", row


def record_from_fields(fields: Mapping[str, Any], location: str, outlet: str | None) -> Item:
    """A Record from the fields of a JSONL or CSV record, or why it is a bad one."""
    values = {name: _field(fields, keys) for name, keys in FIELDS.items()}
    record_id = values["id"] or location
    if any(_undecodable(value) for value in fields.values()):
        return BadRecord(location, record_id, "holds bytes that are not UTF-8; save it as UTF-8")
    try:
        published = parse_date(values["date"])
    except ValueError as error:
        return BadRecord(location, record_id, str(error))
    kind, content = _content(fields)
    if content is None:
        return BadRecord(location, record_id, "no text, html or url field with content")
    if len(content) > MAX_RECORD_BYTES:
        return BadRecord(location, record_id, too_large(len(content)))
    outlet = values["outlet"] or outlet
    if too_long := _too_long(record_id, outlet):
        return BadRecord(location, record_id[:80], too_long)
    meta = ArticleMeta(
        content_hash(outlet, kind, content),
        record_id,
        location,
        outlet,
        published,
        values["url"],
        values["title"],
    )
    return Record(meta, kind, content)


def _too_long(record_id: str, outlet: str | None) -> str | None:
    """Why the id or outlet will not fit the store's columns, if they do not."""
    if len(record_id) > MAX_ID_CHARS:
        return f"the id has {len(record_id):,} characters, more than {MAX_ID_CHARS}"
    if outlet and len(outlet) > MAX_OUTLET_CHARS:
        return f"the outlet has {len(outlet):,} characters, more than {MAX_OUTLET_CHARS}"
    return None


def _field(fields: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = fields.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def _undecodable(value: Any) -> bool:
    return isinstance(value, str) and any("\udc80" <= c <= "\udcff" for c in value)


def _content(fields: Mapping[str, Any]) -> tuple[Kind, str | None]:
    for kind in ("text", "html", "url"):
        value = fields.get(kind)
        if isinstance(value, str) and value.strip():
            return kind, value if kind != "url" else value.strip()
    return "text", None


def parse_date(value: str | None) -> dt.date | None:
    """An ISO 8601 date or date-time (`2024-03-05`, `2024-03-05T10:00:00Z`), or `2024-03`."""
    if value is None:
        return None
    try:
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-01")
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        raise ValueError(f"date {value!r} is not ISO 8601; write it as YYYY-MM-DD") from None
