"""Load on `propwatch serve` over loopback: throughput and latency of POST /v1/analyze.

    .venv/bin/python benchmarks/load.py [--requests 300] [--concurrency 8] [--workers 2]
        [--article ../shared/examples/syria-at-tanf.txt] [--out benchmarks/results/load.json]

Starts `propwatch serve` on a free 127.0.0.1 port with a fresh SQLite store, and then:
1. idle: a few sequential requests, each the page's whole path (POST /v1/analyze, then GET the
   report page /a/{id}), for the latency a person sees;
2. load: `--requests` POSTs, `--concurrency` at a time, each a slightly different copy of the
   article (so every one is analysed and stored); any answer but 200 is an error.
It stops by itself: after the last request, or after `--max-seconds` whatever is left. Writes the
figures to `--out` and exits 1 if any request failed. Rates use the CPU as they find it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from propwatch.web.local import local_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "syria-at-tanf.txt"
RESULTS = ROOT / "benchmarks" / "results"
TIMEOUT = 120.0  # seconds for one request, queueing included


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def summary_ms(seconds: list[float]) -> dict[str, float]:
    return {
        name: round(1000 * percentile(seconds, share), 1)
        for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    }


def idle(base: str, article: str, rounds: int) -> dict[str, object]:
    """Sequential requests on an idle server: analysis alone, and analysis plus report page."""
    analyse, page = [], []
    with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
        for i in range(rounds):
            started = time.perf_counter()
            posted = client.post(
                "/v1/analyze", json={"text": f"{article}\n\nIdle {i}.", "save": True}
            )
            posted.raise_for_status()
            analyse.append(time.perf_counter() - started)
            client.get(f"/a/{posted.headers['analysis-id']}").raise_for_status()
            page.append(time.perf_counter() - started)
    return {
        "requests": rounds,
        "analyze_ms": summary_ms(analyse),
        "analyze_and_page_ms": summary_ms(page),
    }


def load(base: str, article: str, requests: int, concurrency: int, limit: float) -> dict:
    """`requests` POSTs, `concurrency` at a time, until done or `limit` seconds have passed."""
    deadline = time.monotonic() + limit
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    local = threading.local()
    clients: list[httpx.Client] = []

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=TIMEOUT)
            with lock:
                clients.append(local.client)
        return local.client

    def one(i: int) -> None:
        if time.monotonic() > deadline:
            outcome, seconds = "skipped", None
        else:
            started = time.perf_counter()
            try:
                body = {"text": f"{article}\n\nRequest {i}.", "save": True}
                outcome = str(client().post(f"{base}/v1/analyze", json=body).status_code)
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            seconds = time.perf_counter() - started
        with lock:
            statuses[outcome] += 1
            if seconds is not None and outcome == "200":
                latencies.append(seconds)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    for each in clients:
        each.close()
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": requests - statuses["200"],
        "statuses": dict(statuses),
        "seconds": round(wall, 2),
        "throughput_per_s": round(statuses["200"] / wall, 3),
        "latency_ms": summary_ms(latencies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="the server's model workers")
    parser.add_argument("--queue", type=int, default=16, help="the server's queue")
    parser.add_argument("--idle", type=int, default=5, help="sequential requests first")
    parser.add_argument("--article", type=Path, default=EXAMPLE)
    parser.add_argument("--max-seconds", type=float, default=900.0)
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    args = parser.parse_args()
    article = args.article.read_text(encoding="utf-8")
    # One client on loopback sends the whole load: no per-client rate limit.
    server = ("--workers", str(args.workers), "--queue", str(args.queue), "--rate-limit", "0")
    with (
        tempfile.TemporaryDirectory() as scratch,
        local_server("--db", str(Path(scratch) / "load.db"), *server) as base,
    ):
        report = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "server": {"workers": args.workers, "queue": args.queue},
            "article": {"file": args.article.name, "characters": len(article)},
            "idle": idle(base, article, args.idle),
            "load": load(base, article, args.requests, args.concurrency, args.max_seconds),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    figures = report["load"]
    print(
        f"{figures['requests']} requests, {figures['concurrency']} at a time: "
        f"{figures['errors']} errors, {figures['throughput_per_s']}/s, "
        f"p95 {figures['latency_ms']['p95']} ms; idle analyze+page p50 "
        f"{report['idle']['analyze_and_page_ms']['p50']} ms -> {args.out}"
    )
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
