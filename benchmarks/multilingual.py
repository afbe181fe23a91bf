"""The shipped multilingual model as a user meets it: size, cold start and articles/s.

    .venv/bin/python benchmarks/multilingual.py [--per-language 15] [--output F]

On the first `--per-language` SemEval-2023 articles of each of fr, de, it, pl and ru: articles/s
of the multilingual detector alone (what `predict` runs) and of the whole analysis (detector,
sections and voices), and the English MiniLM detector's articles/s on the same articles in the
same run (this machine's speed varies with its load: the ratio is the comparable figure). Cold
start: a fresh process from `import propwatch` to the first analysis of a German paragraph, and
of an English one (which does not load the multilingual model). Writes
benchmarks/results/multilingual.json, or `--output`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEMEVAL2023 = ROOT.parent / "shared" / "data" / "semeval2023"
RESULTS = ROOT / "benchmarks" / "results"
LANGUAGES = ("fr", "de", "it", "pl", "ru")
COLD_START = """
import sys, time; t0 = time.perf_counter()
import propwatch; propwatch.analyze(sys.argv[1])
print(time.perf_counter() - t0)
"""
GERMAN = (
    "Die Regierung hat die Bürger wieder einmal schamlos belogen. Diese korrupte Clique treibt "
    "unser Land in den Ruin, und niemand wagt es, die Wahrheit auszusprechen."
)
ENGLISH = "They are vile traitors who hate our nation, and nobody dares to say so."


def articles(per_language: int) -> list[str]:
    from propwatch.corpus.semeval2023 import read_language

    return [
        article.text
        for language in LANGUAGES
        for article in read_language(SEMEVAL2023, language)[:per_language]
    ]


def per_second(run: Callable[[str], object], texts: list[str]) -> float:
    for text in texts[:3]:  # warm-up
        run(text)
    started = time.perf_counter()
    for text in texts:
        run(text)
    return len(texts) / (time.perf_counter() - started)


def cold_start(text: str) -> float:
    output = subprocess.run(
        [sys.executable, "-c", COLD_START, text], capture_output=True, text=True, check=True
    ).stdout
    return float(output.strip().splitlines()[-1])


def megabytes(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.iterdir()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=15)
    parser.add_argument("--output", type=Path, default=RESULTS / "multilingual.json")
    options = parser.parse_args()
    from propwatch.model.artifact import MULTILINGUAL_MODEL, SHIPPED_MODEL, load_detector
    from propwatch.pipeline import shipped_pipeline

    texts = articles(options.per_language)
    multilingual = load_detector(MULTILINGUAL_MODEL)
    english = load_detector(SHIPPED_MODEL)
    detector = per_second(multilingual.detect, texts)
    minilm = per_second(english.detect, texts)
    pipeline = shipped_pipeline()
    results = {
        "machine": f"{platform.machine()}, {platform.python_version()}, {os.cpu_count()} CPUs",
        "articles": len(texts),
        "words": sum(len(text.split()) for text in texts),
        "detector_articles_per_s": round(detector, 2),
        "minilm_detector_articles_per_s": round(minilm, 2),
        "ratio_to_minilm": round(detector / minilm, 3),
        "analysis_articles_per_s": round(per_second(pipeline.analyse, texts), 2),
        "cold_start_seconds_german": round(cold_start(GERMAN), 2),
        "cold_start_seconds_english": round(cold_start(ENGLISH), 2),
        "artifact_mb": round(megabytes(MULTILINGUAL_MODEL), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),  # others' work slows every figure
    }
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
