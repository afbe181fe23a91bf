"""Detector speed and memory on PTC dev, against the bare encoder on the same windows.

    .venv/bin/python benchmarks/throughput.py [--articles ../shared/data/ptc/dev/dev-articles]
        [--output benchmarks/results/throughput.json]

Prints (and writes to --output): articles/s and pieces/s of the full
predict path, the bare ONNX encoder's pieces/s over exactly the same windows (the physical limit
of this design; the faster of ONNX Runtime's spinning and non-spinning threads), their ratio,
cold start (process start to first result) and the peak resident
memory of one process that analyses every article.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "ptc" / "dev" / "dev-articles"
RESULTS = ROOT / "benchmarks" / "results"

COLD_START = """
import time; t0 = time.perf_counter()
import propwatch; propwatch.analyze("They are vile traitors who hate our nation!")
print(time.perf_counter() - t0)
"""

PEAK_MEMORY = """
import resource, sys
from pathlib import Path
from typing import Any
import propwatch
for path in sorted(Path(sys.argv[1]).glob("article*.txt")):
    propwatch.analyze(path.read_text(encoding="utf-8"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def measure_predict(articles: dict[str, str]) -> dict[str, float]:
    from propwatch.model.artifact import shipped_detector
    from propwatch.model.predict import predict_spans

    detector = shipped_detector()
    predict_spans(detector, dict(list(articles.items())[:3]))  # warm-up
    started = time.perf_counter()
    predict_spans(detector, articles)
    seconds = time.perf_counter() - started
    pieces = sum(len(detector.tokenizer.tokenize(t)) for t in articles.values())
    return {"seconds": seconds, "articles_per_s": len(articles) / seconds, "pieces": pieces}


def bare_encoder(spinning: bool) -> Any:
    """The shipped encoder in a plain ONNX Runtime session, with or without thread spinning."""
    import onnxruntime as ort

    from propwatch.model.artifact import ENCODER_FILE, SHIPPED_MODEL

    options = ort.SessionOptions()
    options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", str(int(spinning)))
    path = str(SHIPPED_MODEL / ENCODER_FILE)
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def measure_bare_encoder(articles: dict[str, str]) -> float:
    """Seconds for the bare ONNX encoder over the windows predict runs, at its fastest."""
    from propwatch.model.artifact import shipped_detector
    from propwatch.model.encode import BATCH_WINDOWS

    tokenizer = shipped_detector().tokenizer
    batches = []
    for text in articles.values():
        tokens = tokenizer.tokenize(text)
        windows = tokenizer.windows(len(tokens)) if len(tokens) else []
        for first in range(0, len(windows), BATCH_WINDOWS):
            batches.append(tokenizer.batch(tokens, windows[first : first + BATCH_WINDOWS]))
    timings = []
    for spinning in (True, False):
        session = bare_encoder(spinning)
        started = time.perf_counter()
        for batch in batches:
            session.run(None, batch)
        timings.append(time.perf_counter() - started)
    return min(timings)


def run_python(code: str, *args: str) -> float:
    output = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    ).stdout
    return float(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEV)
    parser.add_argument("--output", type=Path, default=RESULTS / "throughput.json")
    options = parser.parse_args()
    from propwatch.corpus.ptc import read_articles

    articles = read_articles(options.articles)
    predict = measure_predict(articles)
    bare_seconds = measure_bare_encoder(articles)
    results = {
        "machine": f"{platform.machine()}, {platform.python_version()}, {os.cpu_count()} CPUs",
        "articles": len(articles),
        "pieces": predict["pieces"],
        "predict_seconds": round(predict["seconds"], 2),
        "predict_articles_per_s": round(predict["articles_per_s"], 2),
        "predict_pieces_per_s": round(predict["pieces"] / predict["seconds"]),
        "bare_encoder_seconds": round(bare_seconds, 2),
        "bare_encoder_pieces_per_s": round(predict["pieces"] / bare_seconds),
        "ratio_to_bare_encoder": round(bare_seconds / predict["seconds"], 3),
        "cold_start_seconds": round(run_python(COLD_START), 2),
        "peak_memory_mb": round(run_python(PEAK_MEMORY, str(options.articles)), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),  # others' work slows both paths
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
