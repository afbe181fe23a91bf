"""How well the SemEval-2023 span offsets align, per language, before and after realignment.

    nice .venv/bin/python scripts/semeval2023_alignment.py [--data ../shared/data/semeval2023]

Prints three Markdown tables (docs/multilingual.md quotes them).

1. Spans aligned. "words": the span starts and ends on word boundaries
   (`corpus.realign.on_word_boundaries`); "words+lines": also, every line it touches has
   paragraph labels holding its technique (`corpus.realign.aligned`). As released, after the
   CRLF correction alone (every article's offsets read as CRLF offsets), and after realignment
   (per-article CRLF choice, then the local search); shares are of all spans, dropped ones
   counting as not aligned. "moved": characters a placed span's edges moved in the local search.
2. A check the search does not optimise: the paragraph labels rebuilt from the spans (each line
   a span touches gets its technique, `scoring.paragraphs_of_spans`) against the official ones,
   micro-F1 over the official paragraphs (`scoring.score_paragraphs`, 23 techniques).
3. The realigned spans of the five techniques without a PTC class (what `--unmapped` decides),
   and the PTC classes of the mapped spans they overlap most.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from propwatch.corpus.ptc import Label
from propwatch.corpus.realign import aligned, crlf_offset, on_word_boundaries
from propwatch.corpus.semeval2023 import LANGUAGES, SemEvalArticle, read_language
from propwatch.scoring import Paragraph, paragraphs_of_spans, score_paragraphs
from propwatch.techniques import SEMEVAL2023_NEAREST, SEMEVAL2023_TO_PTC, SEMEVAL2023_UNMAPPED

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ("given", "crlf", "after")  # as released, CRLF alone, realigned


@dataclass
class Tally:
    """One language's (or all languages') counts and paragraph labels."""

    counts: Counter[str] = field(default_factory=Counter)
    most_moved: int = 0
    gold: dict[Paragraph, frozenset[str]] = field(default_factory=dict)
    rebuilt: dict[str, dict[Paragraph, frozenset[str]]] = field(
        default_factory=lambda: {version: {} for version in VERSIONS}
    )
    unmapped: Counter[str] = field(default_factory=Counter)  # spans of the five, realigned
    # per technique of the five: the PTC classes of the mapped spans its spans overlap
    overlaps: dict[str, Counter[str]] = field(
        default_factory=lambda: {name: Counter() for name in SEMEVAL2023_UNMAPPED}
    )

    def add(self, other: Tally) -> None:
        self.counts += other.counts
        self.most_moved = max(self.most_moved, other.most_moved)
        self.gold |= other.gold
        self.unmapped += other.unmapped
        for name in SEMEVAL2023_UNMAPPED:
            self.overlaps[name] += other.overlaps[name]
        for version in VERSIONS:
            self.rebuilt[version] |= other.rebuilt[version]


def tally(articles: list[SemEvalArticle]) -> Tally:
    result = Tally()
    counts = result.counts
    for article in articles:
        text, paragraphs = article.text, article.paragraphs
        realigned = article.realigned()
        counts["articles"] += 1
        counts["crlf_articles"] += realigned.crlf
        counts["spans"] += len(article.spans)
        counts["dropped"] += len(realigned.dropped)
        counts["unmoved"] += sum(moved == 0 for moved in realigned.moved)
        counts["moved_2"] += sum(moved <= 2 for moved in realigned.moved)
        result.most_moved = max(result.most_moved, *realigned.moved, 0)
        result.gold |= {(article.key, line): names for line, names in paragraphs.items()}
        versions = {
            "given": list(article.spans),
            "crlf": [_as_crlf(text, span) for span in article.spans],
            "after": list(realigned.spans),
        }
        for version, spans in versions.items():
            counts[f"{version}_words"] += sum(
                on_word_boundaries(text, s.start, s.end) for s in spans
            )
            counts[f"{version}_lines"] += sum(aligned(text, s, paragraphs) for s in spans)
            in_text = [s for s in spans if s.end <= len(text)]
            result.rebuilt[version] |= paragraphs_of_spans(in_text, {article.key: text})
        _count_overlaps(result, realigned.spans)
    return result


def _count_overlaps(result: Tally, spans: tuple[Label, ...]) -> None:
    for span in spans:
        if span.technique not in SEMEVAL2023_UNMAPPED:
            continue
        result.unmapped[span.technique] += 1
        result.overlaps[span.technique].update(
            {
                SEMEVAL2023_TO_PTC[other.technique]
                for other in spans
                if other.technique in SEMEVAL2023_TO_PTC
                and other.start < span.end
                and other.end > span.start
            }
        )


def _as_crlf(text: str, span: Label) -> Label:
    return replace(span, start=crlf_offset(text, span.start), end=crlf_offset(text, span.end))


def alignment_row(language: str, result: Tally) -> str:
    counts = result.counts

    def share(key: str) -> str:
        return f"{counts[key] / counts['spans']:.1%}"

    return (
        f"| {language} | {counts['articles']} | {counts['spans']} | {share('given_words')} | "
        f"{share('given_lines')} | {share('crlf_words')} | {share('crlf_lines')} | "
        f"{counts['crlf_articles']} | {share('after_words')} | {share('after_lines')} | "
        f"{counts['dropped']} | {share('unmoved')} | {share('moved_2')} | {result.most_moved} |"
    )


def paragraph_row(language: str, result: Tally) -> str:
    cells = []
    for version in VERSIONS:
        rebuilt = {p: names for p, names in result.rebuilt[version].items() if p in result.gold}
        cells.append(f"{score_paragraphs(result.gold, rebuilt).f1:.3f}")
    return f"| {language} | {len(result.gold)} | {' | '.join(cells)} |"


def unmapped_table(results: dict[str, Tally]) -> str:
    lines = [
        f"| technique | {' | '.join(LANGUAGES)} | all | nearest PTC class | "
        "mapped spans it overlaps most (share of its spans) |",
        "|---|" + "---|" * (len(LANGUAGES) + 3),
    ]
    total = results["all"]
    for name in SEMEVAL2023_UNMAPPED:
        cells = " | ".join(str(results[language].unmapped[name]) for language in LANGUAGES)
        overlaps = ", ".join(
            f"{ptc} {count / total.unmapped[name]:.0%}"
            for ptc, count in total.overlaps[name].most_common(3)
        )
        lines.append(
            f"| {name} | {cells} | {total.unmapped[name]} | {SEMEVAL2023_NEAREST[name]} | "
            f"{overlaps} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "data" / "semeval2023"
    )
    args = parser.parse_args()
    results = {language: tally(read_language(args.data, language)) for language in LANGUAGES}
    total = Tally()
    for result in results.values():
        total.add(result)
    results["all"] = total
    print(
        "| language | articles | spans | words, as released | words+lines, as released | "
        "words, CRLF | words+lines, CRLF | articles read as CRLF | words, realigned | "
        "words+lines, realigned | dropped | unmoved | moved <= 2 | most moved |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(alignment_row(language, result) for language, result in results.items()))
    print()
    print(
        "| language | paragraphs | rebuilt labels F1, as released | CRLF | realigned |\n"
        "|---|---|---|---|---|"
    )
    print("\n".join(paragraph_row(language, result) for language, result in results.items()))
    print()
    print(unmapped_table(results))


if __name__ == "__main__":
    main()
