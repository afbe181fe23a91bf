"""How often propwatch names an article's language right, on whole articles and on their titles.

    nice .venv/bin/python scripts/language_accuracy.py [--data ../shared/data]

Reads PTC dev (English) and the SemEval-2023 train articles of fr, de, it, pl and ru, runs
`propwatch.language.detect_language` on each article and on its first non-empty line (a title:
a few words, the hard case), and prints per language: right, undetermined (None) and wrong,
then the time per article.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from propwatch.language import detect_language

ROOT = Path(__file__).resolve().parents[1]
OTHERS = ("fr", "de", "it", "pl", "ru")


def article_folders(data: Path) -> dict[str, Path]:
    folders = {"en": data / "ptc" / "dev" / "dev-articles"}
    folders.update({code: data / "semeval2023" / code / "train-articles" for code in OTHERS})
    return folders


def title_of(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    detect_language("warm up: load the model before timing")
    seconds, articles = 0.0, 0
    for language, folder in article_folders(args.data).items():
        counts: dict[str, Counter[str]] = {"article": Counter(), "title": Counter()}
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            started = time.perf_counter()
            for part, piece in (("article", text), ("title", title_of(text))):
                found = detect_language(piece)
                verdict = "right" if found == language else "none" if found is None else "wrong"
                counts[part][verdict] += 1
            seconds += time.perf_counter() - started
            articles += 1
        print(language, *(f"{part} {dict(counts[part])}" for part in counts), sep="  ")
    print(f"{articles} articles, {1000 * seconds / articles:.1f} ms each (article and title)")


if __name__ == "__main__":
    main()
