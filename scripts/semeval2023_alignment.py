"""How well the SemEval-2023 span offsets align, per language, before and after realignment.

    nice .venv/bin/python scripts/semeval2023_alignment.py [--data ../shared/data/semeval2023]

Prints a Markdown table (docs/multilingual.md quotes it). "words": the span starts and ends on
word boundaries (`corpus.realign.on_word_boundaries`); "words+line": also, every line it touches
has paragraph labels holding its technique (`corpus.realign.aligned`). Columns: as released, after the CRLF correction
alone (offsets read as CRLF offsets in every article), and after realignment (per-article CRLF
choice, then the local search), whose shares are of all spans, dropped ones counting as not
aligned. A second table counts the spans of the five techniques without a PTC class.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import replace
from pathlib import Path

from propwatch.corpus.ptc import Label
from propwatch.corpus.realign import aligned, crlf_offset, on_word_boundaries
from propwatch.corpus.semeval2023 import LANGUAGES, SemEvalArticle, read_language
from propwatch.techniques import SEMEVAL2023_NEAREST, SEMEVAL2023_UNMAPPED

ROOT = Path(__file__).resolve().parents[1]
Counts = dict[str, int]


def count(articles: list[SemEvalArticle]) -> Counts:
    counts = dict.fromkeys(
        ("spans", "given_words", "given_line", "crlf_words", "crlf_line", "after_words",
         "after_line", "dropped", "crlf_articles", "articles", "unmoved", "moved_2", "max_moved"),
        0,
    )  # fmt: skip
    for article in articles:
        text, paragraphs = article.text, article.paragraphs
        crlf = [_as_crlf(text, span) for span in article.spans]
        realigned = article.realigned()
        counts["articles"] += 1
        counts["crlf_articles"] += realigned.crlf
        counts["spans"] += len(article.spans)
        counts["dropped"] += len(realigned.dropped)
        counts["unmoved"] += sum(moved == 0 for moved in realigned.moved)
        counts["moved_2"] += sum(moved <= 2 for moved in realigned.moved)
        counts["max_moved"] = max(counts["max_moved"], *realigned.moved, 0)
        for name, spans in (("given", article.spans), ("crlf", crlf), ("after", realigned.spans)):
            counts[f"{name}_words"] += sum(on_word_boundaries(text, s.start, s.end) for s in spans)
            counts[f"{name}_line"] += sum(aligned(text, s, paragraphs) for s in spans)
    return counts


def _as_crlf(text: str, span: Label) -> Label:
    return replace(span, start=crlf_offset(text, span.start), end=crlf_offset(text, span.end))


def row(language: str, counts: Counts) -> str:
    spans = counts["spans"]

    def share(key: str) -> str:
        return f"{counts[key] / spans:.1%}"

    return (
        f"| {language} | {counts['articles']} | {spans} | {share('given_words')} | "
        f"{share('given_line')} | {share('crlf_words')} | {share('crlf_line')} | "
        f"{counts['crlf_articles']} | {share('after_words')} | {share('after_line')} | "
        f"{counts['dropped']} ({share('dropped')}) | {share('unmoved')} | {share('moved_2')} | "
        f"{counts['max_moved']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data" / "semeval2023"
    )
    args = parser.parse_args()
    print(
        "| language | articles | spans | words, as released | words+line, as released | "
        "words, CRLF | words+line, CRLF | articles read as CRLF | words, realigned | "
        "words+line, realigned | dropped | unmoved | moved <= 2 | most moved |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    total: Counts = {}
    for language in LANGUAGES:
        counts = count(read_language(args.data, language))
        most = max(total.get("max_moved", 0), counts["max_moved"])
        total = {key: total.get(key, 0) + value for key, value in counts.items()}
        total["max_moved"] = most
        print(row(language, counts))
    print(row("all", total))
    print()
    print(unmapped_table(args.data))


def unmapped_table(data: Path) -> str:
    """Spans of each technique without a PTC class, per language: what `--unmapped` decides."""
    counts = {
        language: Counter(
            span.technique for article in read_language(data, language) for span in article.spans
        )
        for language in LANGUAGES
    }
    lines = [
        f"| technique | {' | '.join(LANGUAGES)} | all | nearest PTC class |",
        "|---|" + "---|" * (len(LANGUAGES) + 2),
    ]
    for name in SEMEVAL2023_UNMAPPED:
        per_language = [counts[language][name] for language in LANGUAGES]
        cells = " | ".join(map(str, per_language))
        lines.append(f"| {name} | {cells} | {sum(per_language)} | {SEMEVAL2023_NEAREST[name]} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
