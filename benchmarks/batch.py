"""Batch throughput: articles/s for 1 and 2 local workers, scaling, store overhead, worker memory.

    .venv/bin/python benchmarks/batch.py [--articles DIR] [--limit N] [--workers 1,2]
        [--output benchmarks/results/batch.json]

By default the 75 PTC dev articles, the set issue 14 measures: batch with 2 workers should reach
0.8 of predict's articles/s on them.

Each configuration runs in a fresh process (so that peak worker memory is its own) into a fresh
SQLite store. Reported per configuration: wall time and articles/s end to end (worker start-up
included) and in steady state (from the first stored result to the last), the share of the wall
time the main process spent writing the store, and the peak resident memory of the largest
worker. Then: scaling efficiency (steady rate with N workers / (N x rate with 1)), and the ratio
of the batch rate to single-process `predict` (the detector alone, default ONNX threads) on the
same articles. Writes --output (default benchmarks/results/batch.json), with the command and the
load average before and after. Rates use the CPU as they find it: on a busy machine they fall,
while CPU seconds per article (the workers', predict's, and their ratios) do not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "ptc" / "dev" / "dev-articles"
RESULTS = ROOT / "benchmarks" / "results"


def subset(folder: Path, limit: int | None) -> list[Path]:
    files = sorted(folder.glob("article*.txt"))
    return files[:limit] if limit else files


def run_one(folder: Path, limit: int | None, workers: int) -> dict[str, float]:
    """One batch run in this process: the figures of one configuration."""
    from propwatch.batch.runner import LocalEngine, RunReport, run_batch
    from propwatch.pipeline import ModelChoice
    from propwatch.store import open_store

    with tempfile.TemporaryDirectory() as scratch:
        inputs = Path(scratch) / "in"
        inputs.mkdir()
        for path in subset(folder, limit):
            (inputs / path.name).symlink_to(path)
        store = open_store(str(Path(scratch) / "bench.db"))
        results: list[float] = []

        def seen(report: RunReport) -> None:
            if report.analysed > len(results):
                results.append(time.perf_counter())

        started = time.perf_counter()
        engine = LocalEngine(workers)
        report = run_batch([inputs], store, engine, ModelChoice.of(), on_progress=seen)
        wall = time.perf_counter() - started
        engine.close()  # joins the workers, so their peak memory is in RUSAGE_CHILDREN
        store.close()
    steady = results[-1] - results[0]
    workers_used = resource.getrusage(resource.RUSAGE_CHILDREN)
    main_used = resource.getrusage(resource.RUSAGE_SELF)
    worker_cpu = workers_used.ru_utime + workers_used.ru_stime
    return {
        "workers": workers,
        "articles": report.stored,
        "failed": report.failed,
        "wall_s": round(wall, 2),
        "articles_per_s": round(report.stored / wall, 3),
        "steady_articles_per_s": round((len(results) - 1) / steady, 3),
        "store_s": round(report.store_seconds, 3),
        "store_share": round(report.store_seconds / wall, 4),
        "peak_worker_rss_mb": round(workers_used.ru_maxrss / 1024),
        # CPU seconds per article do not depend on what else the machine runs: equal figures for
        # 1 and N workers mean the workers cost nothing extra and scale with free cores.
        "worker_cpu_s_per_article": round(worker_cpu / report.stored, 4),
        "main_cpu_s": round(main_used.ru_utime + main_used.ru_stime, 2),
    }


def predict_rate(folder: Path, limit: int | None) -> dict[str, float]:
    """Single-process `propwatch predict` (the detector alone) on the same articles."""
    from propwatch.model.artifact import shipped_detector
    from propwatch.model.predict import predict_spans

    texts = {p.stem: p.read_text(encoding="utf-8") for p in subset(folder, limit)}
    detector = shipped_detector()
    predict_spans(detector, dict(list(texts.items())[:2]))  # warm-up
    started, cpu_started = time.perf_counter(), time.process_time()
    predict_spans(detector, texts)
    seconds = time.perf_counter() - started
    return {
        "articles": len(texts),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(texts) / seconds, 3),
        # all of its ONNX threads: on a busy machine the rate falls, the CPU per article does not
        "cpu_s_per_article": round((time.process_time() - cpu_started) / len(texts), 4),
    }


def in_fresh_process(*args: str) -> dict:
    command = [sys.executable, __file__, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, help="use only the first N articles")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--output", type=Path, default=RESULTS / "batch.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one configuration
    parser.add_argument("--predict", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    limit = ["--limit", str(args.limit)] if args.limit else []
    if args.one:
        print(json.dumps(run_one(args.articles, args.limit, args.one)))
        return
    if args.predict:
        print(json.dumps(predict_rate(args.articles, args.limit)))
        return
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    runs = []
    for workers in (int(w) for w in args.workers.split(",")):
        runs.append(
            in_fresh_process("--articles", str(args.articles), *limit, "--one", str(workers))
        )
        print(json.dumps(runs[-1]), flush=True)
    predict = in_fresh_process("--articles", str(args.articles), *limit, "--predict")
    base = runs[0]["steady_articles_per_s"] / runs[0]["workers"]
    summary = {
        "command": " ".join([".venv/bin/python", "benchmarks/batch.py", *sys.argv[1:]]),
        "machine": f"{platform.machine()}, {platform.python_version()}, {os.cpu_count()} CPUs",
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "predict_single_process": predict,
        "scaling_efficiency": {
            str(r["workers"]): round(r["steady_articles_per_s"] / (r["workers"] * base), 3)
            for r in runs
        },
        "cpu_per_article_ratio": {
            str(r["workers"]): round(
                runs[0]["worker_cpu_s_per_article"] / r["worker_cpu_s_per_article"], 3
            )
            for r in runs
        },
        "ratio_to_predict": {
            str(r["workers"]): round(r["steady_articles_per_s"] / predict["articles_per_s"], 3)
            for r in runs
        },
        # what the ratio would be if each side got the same CPU: predict's CPU seconds an
        # article over a worker's (the load's share of the cores moves the ratio above, not this)
        "cpu_ratio_to_predict": {
            str(r["workers"]): round(
                predict["cpu_s_per_article"] / r["worker_cpu_s_per_article"], 3
            )
            for r in runs
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
