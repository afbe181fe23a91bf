"""Scale: a synthetic corpus through `batch` on SQLite, on PostgreSQL and on Ray, then `stats`.

    .venv/bin/python benchmarks/scale.py [--articles 10000] [--runs sqlite,postgresql,ray]

The corpus is made of PTC train sentences: each article a title and 8 to 16 sentences drawn at
random (seed 14), from one of 12 outlets (some much bigger than others) and one of 24 months.
Each run is a fresh process with 2 workers (local processes, or Ray actors on a local Ray
instance) into a fresh store. Reported per run: wall time, articles/s end to end and in steady
state, peak resident memory of the driver and of the largest worker, the store's size, and how
long `stats` takes on the full store: each grouping in-process (the first `--by topic` clusters
the articles), the dashboard (without the article reports), and the `propwatch stats` command as
a user runs it (Python start-up included).

With `--stats-only`, no model runs: the corpus goes straight into a SQLite store as synthetic
analyses (0 to 20 spans of random techniques per article, seed 3), and only `stats` is timed.

Writes benchmarks/results/scale.json (one entry per run, kept across invocations).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "data" / "ptc" / "train" / "train-articles"
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
WORK = Path(tempfile.gettempdir()) / "propwatch-scale"
OUTLETS = [f"outlet-{n:02d}" for n in range(12)]
SEED = 14
WORKERS = 2


def make_corpus(articles: int, path: Path) -> None:
    """The synthetic corpus as JSONL: id, outlet, date, text (a title line, then the body)."""
    from propwatch.article import parse_article

    pool = [
        s.text
        for p in sorted(TRAIN.glob("article*.txt"))
        for s in parse_article(p.read_text(encoding="utf-8")).sentences
        if len(s.text) >= 30 and "\n" not in s.text
    ]
    rng = random.Random(SEED)
    weights = [1 / (rank + 1) for rank in range(len(OUTLETS))]  # a few big outlets, many small
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            body = rng.sample(pool, rng.randint(8, 16))
            month = rng.randrange(24)
            record = {
                "id": f"synthetic-{number}",
                "outlet": rng.choices(OUTLETS, weights)[0],
                "date": f"{2023 + month // 12}-{month % 12 + 1:02d}-{rng.randint(1, 28):02d}",
                "text": body[0].rstrip(".") + "\n\n" + " ".join(body[1:]) + "\n",
            }
            out.write(json.dumps(record) + "\n")


class PeakMemory:
    """Samples the peak resident memory (VmHWM) of the driver's descendants and of Ray workers."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            for pid, peak in _workers(os.getpid()):
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0))

    @property
    def largest_mb(self) -> int:
        return round(max(self.peaks.values(), default=0) / 1024)


def _workers(driver: int) -> list[tuple[int, int]]:
    """(pid, VmHWM in kB) of the driver's descendants and of Ray's worker processes."""
    processes: dict[int, tuple[int, int, bytes]] = {}  # pid: (parent, peak kB, command)
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text() if entry.name.isdigit() else ""
            command = (entry / "cmdline").read_bytes() if status else b""
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if "VmHWM" in fields:
            peak = int(fields["VmHWM"].split()[0])
            processes[int(entry.name)] = (int(fields["PPid"]), peak, command)

    def descends(pid: int) -> bool:
        while pid > 1 and pid in processes:
            pid = processes[pid][0]
            if pid == driver:
                return True
        return False

    return [
        (pid, peak)
        for pid, (_, peak, command) in processes.items()
        if pid != driver and (command.startswith(b"ray::") or descends(pid))
    ]


def postgres_url() -> str:
    """A fresh database on the local PostgreSQL that the tests use."""
    from sqlalchemy import create_engine, text

    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure-postgres.sh")],
        capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    server = done.stdout.strip().rsplit("=", 1)[1]
    name = f"propwatch_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    server, name = url.rsplit("/", 1)
    admin = create_engine(f"{server}/postgres".replace("postgresql://", "postgresql+psycopg://"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def store_size(url: str) -> int:
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        size = int(
            connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        )
    engine.dispose()
    return size


def run_one(kind: str, corpus: Path, scratch: Path) -> dict[str, Any]:
    """One batch run in this process (the driver), then the statistics of its store."""
    from propwatch.batch.runner import LocalEngine, RunReport, run_batch
    from propwatch.pipeline import ModelChoice
    from propwatch.store import open_store

    url = postgres_url() if kind == "postgresql" else f"sqlite:///{scratch / f'{kind}.db'}"
    store = open_store(url)
    results: list[float] = []

    def seen(report: RunReport) -> None:
        if report.analysed > len(results):
            results.append(time.perf_counter())

    with PeakMemory() as memory:
        started = time.perf_counter()
        if kind == "ray":
            from propwatch.batch.ray_engine import RayEngine

            engine: Any = RayEngine(WORKERS)
        else:
            engine = LocalEngine(WORKERS)
        report = run_batch([corpus], store, engine, ModelChoice.of(), on_progress=seen)
        wall = time.perf_counter() - started
        engine.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    store.close()
    figures: dict[str, Any] = {
        "run": kind,
        "store": "PostgreSQL" if kind == "postgresql" else "SQLite",
        "engine": "ray" if kind == "ray" else "local",
        "workers": WORKERS,
        "articles": report.stored,
        "failed": report.failed,
        "wall_s": round(wall, 1),
        "articles_per_s": round(report.stored / wall, 2),
        "steady_articles_per_s": round((len(results) - 1) / (results[-1] - results[0]), 2),
        "store_write_share": round(report.store_seconds / wall, 4),
        "peak_driver_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "peak_worker_rss_mb": max(memory.largest_mb, children if kind != "ray" else 0),
        "store_mb": round(store_size(url) / 2**20, 1),
    }
    figures["stats"] = stats_times(url)
    if kind == "postgresql":
        drop_database(url)
    return figures


def stats_times(url: str) -> dict[str, float]:
    """Seconds `stats` takes on the store: in-process by grouping, and the command end to end."""
    from propwatch.render.dashboard import render_dashboard, static_links
    from propwatch.statistics.summary import corpus_stats, stats_table
    from propwatch.store import open_store

    store = open_store(url, create=False)
    times: dict[str, float] = {}
    for by in ("outlet", "month", "technique", "topic", "topic"):  # topic twice: clustering first
        started = time.perf_counter()
        stats_table(store, by)
        key = f"in_process_{by}" if f"in_process_{by}" not in times else f"in_process_{by}_stored"
        times[key] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    render_dashboard(store, corpus_stats(store), static_links(None))
    times["in_process_dashboard"] = round(time.perf_counter() - started, 3)
    store.close()
    command = [str(Path(sys.executable).with_name("propwatch")), "stats", "--db", url]
    for by in ("outlet", "technique"):
        started = time.perf_counter()
        subprocess.run([*command, "--by", by], capture_output=True, check=True)
        times[f"command_{by}"] = round(time.perf_counter() - started, 3)
    return times


def fill_synthetic(url: str, corpus: Path) -> None:
    """Store every corpus article with a synthetic analysis, written directly (no model)."""
    import datetime as dt

    from propwatch.store import open_store
    from propwatch.store.models import AnalysisRow, ArticleRow, SpanRow
    from propwatch.techniques import TECHNIQUES

    rng = random.Random(3)
    store = open_store(url)
    with store.session() as session, session.begin():
        for number, line in enumerate(corpus.open(encoding="utf-8")):
            record = json.loads(line)
            words, sentences = len(record["text"].split()), record["text"].count(".") + 1
            techniques = [rng.choice(TECHNIQUES) for _ in range(rng.randint(0, 20))]
            flagged = min(sentences, len(techniques))
            summary = {"words": words, "spans": len(techniques), "sentences": sentences,
                       "propaganda_sentences": flagged}  # fmt: skip
            analysis = AnalysisRow(
                model="synthetic", schema_version="1.1", words=words, sentences=sentences,
                propaganda_sentences=flagged, span_count=len(techniques),
                spans_per_1000_words=1000 * len(techniques) / max(words, 1),
                details={"model": "synthetic", "summary": summary},
                spans=[SpanRow(start=i, end=i + 1, text="x", technique=t.name,
                               technique_id=t.id, confidence=rng.random(),
                               sentence=i % sentences, voice=rng.choice(["outlet", "reported"]))
                       for i, t in enumerate(techniques)],
            )  # fmt: skip
            article = ArticleRow(
                content_hash=f"{number:064x}", record_id=record["id"],
                location=f"synthetic:{number}",
                outlet=record["outlet"], published=dt.date.fromisoformat(record["date"]),
                text=record["text"], words=words, analyses=[analysis],
            )  # fmt: skip
            session.add(article)
    store.close()


def stats_only(articles: int, corpus: Path) -> dict[str, Any]:
    """`stats` timed on a store of `articles` synthetic analyses."""
    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        url = f"sqlite:///{Path(scratch) / 'synthetic.db'}"
        fill_synthetic(url, corpus)
        return {"articles": articles, "store_mb": round(store_size(url) / 2**20, 1),
                "stats": stats_times(url)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", default="sqlite,postgresql,ray")
    parser.add_argument("--stats-only", action="store_true", help="time stats alone, no model")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one run in this process
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    corpus = WORK / f"corpus-{args.articles}.jsonl"
    if args.one:
        with tempfile.TemporaryDirectory(dir=WORK) as scratch:
            print(json.dumps(run_one(args.one, corpus, Path(scratch))))
        return
    if not corpus.exists():
        make_corpus(args.articles, corpus)
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": {}}
    if args.stats_only:
        kept[f"stats_only_{args.articles}"] = figures = stats_only(args.articles, corpus)
        kept["stats_only_load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(figures), flush=True)
    for kind in [] if args.stats_only else args.runs.split(","):
        command = [sys.executable, __file__, "--articles", str(args.articles), "--one", kind]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["corpus_articles"] = args.articles
        figures["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        kept["runs"][f"{kind}-{args.articles}"] = figures
        print(json.dumps(figures), flush=True)
    kept["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    kept["corpus"] = (
        "PTC train sentences, 8 to 16 per article (title + body), 12 outlets, 24 months, seed 14"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(kept, indent=2) + "\n")


if __name__ == "__main__":
    main()
