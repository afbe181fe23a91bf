"""Soak: `propwatch serve` as a team runs it, under steady mixed traffic for a bounded time.

    .venv/bin/python benchmarks/soak.py [--minutes 20] [--clients 4] [--workers 2]
        [--out benchmarks/results/soak.json]

Starts `propwatch serve` on a free 127.0.0.1 port with a fresh SQLite store, an access token and
--keep-days 1, then `--clients` threads send requests back to back for `--minutes`, each drawn
at random (seeded) from a mix: analyses of the example article (kept, not kept, uploaded),
reports of kept analyses (the page, the API's JSON and HTML), the one-time page of one not kept,
the technique list, deletions, and bad requests (no token, empty text, malformed or nested JSON,
text/plain, NUL, an unknown path). Every ten seconds it samples the resident memory of the
server and its model workers. Writes `--out`: statuses and latency percentiles per kind of
request, the memory over time and its growth after the warm-up. Exits 1 on any 5xx, any answer
that is not the one expected of its kind, or memory that keeps growing (more than
`--max-growth` from the first minutes after warm-up to the last). Rates use the CPU as they
find it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from propwatch.web.local import local_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT.parent / "shared" / "examples" / "syria-at-tanf.txt"
FALLBACK = "Traitors rule us\n\nThey are vile traitors who hate our great nation.\n"
RESULTS = ROOT / "benchmarks" / "results"
TIMEOUT = 120.0  # seconds for one request, queueing included
SAMPLE_SECONDS = 10.0
WARM_UP_SECONDS = 120.0  # memory growth is measured from the end of this

# kind of request -> weight in the mix
MIX = {
    "analyze": 6,
    "analyze_kept": 3,
    "upload": 1,
    "page": 3,
    "json": 2,
    "report": 1,
    "held": 2,
    "techniques": 2,
    "delete": 1,
    "no_token": 1,
    "empty": 1,
    "malformed": 1,
    "nested": 1,
    "text_plain": 1,
    "nul": 1,
    "unknown_path": 1,
}


@dataclass
class Soak:
    base: str
    token: str
    article: str
    kept: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    serial: int = 0

    def text(self) -> str:
        """The article with a line of its own: every analysis is a new one, as in a newsroom."""
        with self.lock:
            self.serial += 1
            return f"{self.article}\n\nEdition {self.serial}."

    def record(self, kind: str, response: httpx.Response | None, seconds: float) -> None:
        status = str(response.status_code) if response is not None else "transport_error"
        with self.lock:
            self.statuses[kind][status] += 1
            self.latencies[kind].append(seconds)
            if response is None or status != str(EXPECTED[kind]):
                self.unexpected.append(f"{kind}: {status}")

    def take(self, pool: list[str], pop: bool) -> str | None:
        with self.lock:
            if not pool:
                return None
            index = random.randrange(len(pool))
            return pool.pop(index) if pop else pool[index]


EXPECTED = {
    "analyze": 200,
    "analyze_kept": 200,
    "upload": 200,
    "page": 200,
    "json": 200,
    "report": 200,
    "held": 200,
    "techniques": 200,
    "delete": 204,
    "no_token": 401,
    "empty": 422,
    "malformed": 422,
    "nested": 422,
    "text_plain": 422,
    "nul": 422,
    "unknown_path": 404,
}


def request(soak: Soak, client: httpx.Client, kind: str) -> httpx.Response | None:
    """Send one request of `kind`; None when it needs something there is none of yet."""
    match kind:
        case "analyze" | "analyze_kept":
            body = {"text": soak.text(), "save": kind == "analyze_kept"}
            response = client.post("/v1/analyze", json=body)
            remember(soak, response)
            return response
        case "upload":
            files = {"file": ("article.txt", soak.text().encode(), "text/plain")}
            response = client.post("/v1/analyze/file", files=files)
            remember(soak, response)
            return response
        case "page" | "json" | "report":
            key = soak.take(soak.kept, pop=False)
            path = {"page": "/a/{}", "json": "/v1/analyses/{}", "report": "/v1/analyses/{}/report"}
            return None if key is None else client.get(path[kind].format(key))
        case "held":
            page = soak.take(soak.held, pop=True)
            return None if page is None else client.get(page)
        case "delete":
            key = soak.take(soak.kept, pop=True)
            return None if key is None else client.delete(f"/v1/analyses/{key}")
        case "techniques":
            return client.get("/v1/techniques")
        case _:
            return bad_request(client, kind)


def bad_request(client: httpx.Client, kind: str) -> httpx.Response:
    json_type = {"content-type": "application/json"}
    match kind:
        case "no_token":
            return client.get("/v1/techniques", headers={"Authorization": "Bearer wrong-token"})
        case "empty":
            return client.post("/v1/analyze", json={"text": "  \n "})
        case "malformed":
            return client.post("/v1/analyze", content=b'{"text": ', headers=json_type)
        case "nested":
            return client.post(
                "/v1/analyze", content=b"[" * 50_000 + b"]" * 50_000, headers=json_type
            )
        case "text_plain":
            headers = {"content-type": "text/plain"}
            return client.post("/v1/analyze", content=b'{"text": "x"}', headers=headers)
        case "nul":
            return client.post("/v1/analyze", json={"text": "They are traitors.\x00"})
        case _:
            return client.get("/v2/nothing-here")


def remember(soak: Soak, response: httpx.Response) -> None:
    """Keep the kept analysis' id, or the one-time page of one not kept, for later requests."""
    if response.status_code != 200:
        return
    key = response.headers.get("analysis-id")
    held = re.match(r"<(/r/[^>]+)>", response.headers.get("link", ""))
    with soak.lock:
        if key:
            soak.kept.append(key)
        elif held:
            soak.held.append(held.group(1))
            del soak.held[:-8]  # the newest only: the server holds 16 at most, for 10 minutes


def client_loop(soak: Soak, seed: int, deadline: float) -> None:
    rng = random.Random(seed)
    kinds, weights = list(MIX), list(MIX.values())
    headers = {"Authorization": f"Bearer {soak.token}"}
    with httpx.Client(base_url=soak.base, headers=headers, timeout=TIMEOUT) as client:
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                response = request(soak, client, kind)
            except httpx.HTTPError:
                soak.record(kind, None, time.perf_counter() - started)
                continue
            if response is not None:
                soak.record(kind, response, time.perf_counter() - started)


# --- memory ------------------------------------------------------------------------------------


def server_pid(port: int) -> int:
    """The pid of the `propwatch serve` listening on `port` (found by its command line)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and str(port).encode() in argv:
                return int(entry.name)
    raise RuntimeError(f"no propwatch serve process on port {port}")


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def children(pid: int) -> list[int]:
    """Every descendant of `pid` (the model workers, the resource tracker)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            found = re.search(r"PPid:\s+(\d+)", status)
            if found:
                parents[int(found.group(1))].append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def sample_memory(pid: int, started: float, stop: threading.Event, out: list[dict]) -> None:
    while not stop.is_set():
        workers = children(pid)
        out.append(
            {
                "seconds": round(time.monotonic() - started, 1),
                "server_mb": round(rss_mb(pid), 1),
                "workers_mb": round(sum(rss_mb(child) for child in workers), 1),
                "processes": 1 + len(workers),
            }
        )
        stop.wait(SAMPLE_SECONDS)


# --- the figures -------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    if not seconds:
        return {}
    return {
        name: round(percentile(seconds, share) * 1000, 1)
        for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    }


def growth(samples: list[dict], key: Callable[[dict], float]) -> dict[str, float]:
    """Mean memory over the first three minutes after warm-up and over the last three."""
    settled = [s for s in samples if s["seconds"] >= WARM_UP_SECONDS] or samples
    window = max(1, int(180 / SAMPLE_SECONDS))
    if len(settled) < 2 * window:
        window = max(1, len(settled) // 2)
    first = [key(s) for s in settled[:window]] or [0.0]
    last = [key(s) for s in settled[-window:]] or [0.0]
    early, late = sum(first) / len(first), sum(last) / len(last)
    return {
        "after_warm_up_mb": round(early, 1),
        "at_end_mb": round(late, 1),
        "growth": round(late / early - 1, 4) if early else 0.0,
    }


def run(args: argparse.Namespace, article: str) -> dict:
    token = secrets.token_urlsafe(32)
    server = ("--workers", str(args.workers), "--queue", str(args.queue), "--keep-days", "1")
    # Every client is 127.0.0.1: one address, so no per-client limit (tests cover the limit).
    server += ("--rate-limit", "0")
    with (
        tempfile.TemporaryDirectory() as scratch,
        local_server(
            "--db", str(Path(scratch) / "soak.db"), *server, env={"PROPWATCH_TOKEN": token}
        ) as base,
    ):
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        soak = Soak(base, token, article)
        started = time.monotonic()
        deadline = started + args.minutes * 60
        samples: list[dict] = []
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(pid, started, stop, samples))
        sampler.start()
        threads = [
            threading.Thread(target=client_loop, args=(soak, args.seed + i, deadline))
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        stop.set()
        sampler.join()
    return figures(args, article, soak, samples, wall)


def figures(
    args: argparse.Namespace, article: str, soak: Soak, samples: list[dict], wall: float
) -> dict:
    total = sum(sum(counts.values()) for counts in soak.statuses.values())
    server_errors = sum(
        n for counts in soak.statuses.values() for status, n in counts.items() if status[0] == "5"
    )
    everything = [s for kind in soak.latencies.values() for s in kind]
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "server": {
            "workers": args.workers,
            "queue": args.queue,
            "token": True,
            "keep_days": 1,
            "rate_limit": 0,
        },
        "clients": args.clients,
        "minutes": args.minutes,
        "article": {"characters": len(article)},
        "seconds": round(wall, 1),
        "requests": total,
        "requests_per_s": round(total / wall, 3),
        "server_errors_5xx": server_errors,
        "unexpected": dict(Counter(soak.unexpected)),
        "latency_ms": summary_ms(everything),
        "by_kind": {
            kind: {"statuses": dict(soak.statuses[kind]), "latency_ms": summary_ms(seconds)}
            for kind, seconds in sorted(soak.latencies.items())
        },
        "memory": {
            "sample_seconds": SAMPLE_SECONDS,
            "warm_up_seconds": WARM_UP_SECONDS,
            "total": growth(samples, lambda s: s["server_mb"] + s["workers_mb"]),
            "server": growth(samples, lambda s: s["server_mb"]),
            "samples": samples,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="the server's model workers")
    parser.add_argument("--queue", type=int, default=16, help="the server's queue")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--max-growth", type=float, default=0.10)
    parser.add_argument("--article", type=Path, default=EXAMPLE)
    parser.add_argument("--out", type=Path, default=RESULTS / "soak.json")
    args = parser.parse_args()
    article = args.article.read_text(encoding="utf-8") if args.article.is_file() else FALLBACK
    report = run(args, article)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    memory = report["memory"]["total"]
    print(
        f"{report['requests']} requests in {report['seconds']:.0f} s from {args.clients} "
        f"clients: {report['server_errors_5xx']} 5xx, {len(report['unexpected'])} unexpected; "
        f"p50 {report['latency_ms'].get('p50')} ms, p95 {report['latency_ms'].get('p95')} ms; "
        f"memory {memory['after_warm_up_mb']} -> {memory['at_end_mb']} MB "
        f"({memory['growth']:+.1%}) -> {args.out}"
    )
    failed = report["server_errors_5xx"] or report["unexpected"]
    return 1 if failed or memory["growth"] > args.max_growth else 0


if __name__ == "__main__":
    sys.exit(main())
