"""The official scores: SI and TC of SemEval-2020 Task 11, FLC of NLP4IF-2019, and sentence level.

Spans are half-open character ranges `[start, end)` of an article, read as sets of positions.
SI and FLC give partial credit: over all pairs (s predicted, t gold) of one article,
P = (1/|S|) sum |s∩t|/|s| and R = (1/|T|) sum |s∩t|/|t|, with |S| and |T| the span counts over all
articles after merging. Like the organisers' scorer (`task-SI_scorer.py`, with `-m` for
predictions), spans that share a character are merged; spans that only touch are not.

Zero denominators give 0 (no division by zero), and F1 is 0 when P + R is 0. The organisers'
scorer gives F1 = 1 when both sides are empty; here nothing against nothing scores 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from propwatch.corpus.ptc import Label, labels_by_article
from propwatch.errors import PropwatchError
from propwatch.techniques import SEMEVAL2023_TO_PTC, TECHNIQUE_NAMES

TASKS: tuple[str, ...] = ("si", "tc", "flc", "slc")

Span = tuple[int, int]
# (article id, technique); the technique is None when techniques are ignored (SI).
GroupKey = tuple[str, str | None]


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of one class; `support` is its number of gold units."""

    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True)
class Score:
    """The result of one task. Counts are of scored units: merged spans, spans or sentences."""

    task: str
    precision: float
    recall: float
    f1: float
    gold_count: int
    pred_count: int
    per_technique: Mapping[str, PRF] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable dict; per-technique entries keep the official technique order."""
        return {
            "task": self.task,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "gold_count": self.gold_count,
            "pred_count": self.pred_count,
            "per_technique": {name: prf.to_dict() for name, prf in self.per_technique.items()},
        }


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean; 0 when both are 0."""
    total = precision + recall
    return 2 * precision * recall / total if total > 0 else 0.0


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _prf(p_num: float, p_den: float, r_num: float, r_den: float, support: int) -> PRF:
    precision, recall = _ratio(p_num, p_den), _ratio(r_num, r_den)
    return PRF(precision, recall, f1_score(precision, recall), support)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted union of spans that share at least one character; touching spans stay apart."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlap(a: Span, b: Span) -> int:
    """Number of characters two spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _span_groups(labels: Iterable[Label], by_technique: bool) -> dict[GroupKey, list[Span]]:
    """Merged spans per article (and per technique when asked), so no position counts twice."""
    raw: dict[GroupKey, list[Span]] = defaultdict(list)
    for label in labels:
        technique = label.technique if by_technique else None
        raw[(label.article_id, technique)].append((label.start, label.end))
    return {key: merge_spans(spans) for key, spans in raw.items()}


def _overlap_credit(pred: list[Span], gold: list[Span]) -> tuple[float, float]:
    """(sum |s∩t|/|s|, sum |s∩t|/|t|) over all pairs; both lists sorted and merged."""
    p_num = r_num = 0.0
    for s in pred:
        for t in gold:
            if t[0] >= s[1]:
                break  # gold is sorted: no later span can reach back into s
            shared = overlap(s, t)
            if shared:
                p_num += shared / (s[1] - s[0])
                r_num += shared / (t[1] - t[0])
    return p_num, r_num


def _require_techniques(labels: list[Label], side: str, task: str) -> None:
    for label in labels:
        if label.technique is None:
            raise PropwatchError(
                f"{side} label {label.article_id} {label.start}-{label.end} has no technique; "
                f"{task.upper()} needs article<TAB>technique<TAB>start<TAB>end labels"
            )


def _technique_order(names: Iterable[str | None]) -> list[str]:
    """The 14 official names in official order, then any other name seen, sorted."""
    extra = sorted({name for name in names if name is not None} - set(TECHNIQUE_NAMES))
    return [*TECHNIQUE_NAMES, *extra]


def _fragment_score(task: str, gold: list[Label], pred: list[Label], by_technique: bool) -> Score:
    """Shared body of SI (techniques ignored) and FLC (credit only where techniques agree)."""
    gold_groups = _span_groups(gold, by_technique)
    pred_groups = _span_groups(pred, by_technique)
    credit = {
        key: _overlap_credit(spans, gold_groups.get(key, [])) for key, spans in pred_groups.items()
    }
    gold_count = sum(len(spans) for spans in gold_groups.values())
    pred_count = sum(len(spans) for spans in pred_groups.values())
    p_num = sum(p for p, _ in credit.values())
    r_num = sum(r for _, r in credit.values())
    overall = _prf(p_num, pred_count, r_num, gold_count, gold_count)
    per_technique = {}
    if by_technique:
        names = _technique_order(technique for _, technique in [*gold_groups, *pred_groups])
        per_technique = {
            name: _technique_prf(name, credit, gold_groups, pred_groups) for name in names
        }
    return Score(
        task, overall.precision, overall.recall, overall.f1, gold_count, pred_count, per_technique
    )


def _technique_prf(
    name: str,
    credit: Mapping[GroupKey, tuple[float, float]],
    gold_groups: Mapping[GroupKey, list[Span]],
    pred_groups: Mapping[GroupKey, list[Span]],
) -> PRF:
    """FLC restricted to one technique (recall uses |s∩t|/|t|, unlike the organisers' log line)."""
    p_num = sum(p for (_, technique), (p, _) in credit.items() if technique == name)
    r_num = sum(r for (_, technique), (_, r) in credit.items() if technique == name)
    gold_n = sum(len(spans) for (_, technique), spans in gold_groups.items() if technique == name)
    pred_n = sum(len(spans) for (_, technique), spans in pred_groups.items() if technique == name)
    return _prf(p_num, pred_n, r_num, gold_n, gold_n)


def score_si(gold: Iterable[Label], pred: Iterable[Label]) -> Score:
    """Span identification: partial-overlap P/R/F1, techniques ignored, overlaps merged."""
    return _fragment_score("si", list(gold), list(pred), by_technique=False)


def score_flc(gold: Iterable[Label], pred: Iterable[Label]) -> Score:
    """Fragment-level classification: SI credit counted only between spans of one technique."""
    gold, pred = list(gold), list(pred)
    _require_techniques(gold, "gold", "flc")
    _require_techniques(pred, "predicted", "flc")
    return _fragment_score("flc", gold, pred, by_technique=True)


def _techniques_by_span(labels: Iterable[Label]) -> dict[tuple[str, int, int], Counter[str]]:
    grouped: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    for label in labels:
        grouped[(label.article_id, label.start, label.end)][label.technique or "?"] += 1
    return grouped


def _check_same_spans(gold: list[Label], pred: list[Label]) -> None:
    """TC is defined only on the gold spans: any difference is a user error, not a low score."""
    gold_spans = Counter((label.article_id, label.start, label.end) for label in gold)
    pred_spans = Counter((label.article_id, label.start, label.end) for label in pred)
    extra, missing = pred_spans - gold_spans, gold_spans - pred_spans
    differ = extra.total() + missing.total()
    if not differ:
        return
    (article, start, end), where = (
        (min(extra), "predicted but not in gold")
        if extra
        else (min(missing), "in gold but not predicted")
    )
    raise PropwatchError(
        f"TC predictions must be on exactly the gold spans, but {differ} span(s) differ "
        f"(e.g. article {article} {start}-{end} is {where}); predict on the gold template spans"
    )


def score_tc(gold: Iterable[Label], pred: Iterable[Label]) -> Score:
    """Technique classification on the gold spans: micro and per-class P/R/F1.

    Labels of one span are aligned for the best match, i.e. the multiset intersection of the
    gold and predicted techniques of that span counts as correct.
    """
    gold, pred = list(gold), list(pred)
    _require_techniques(gold, "gold", "tc")
    _require_techniques(pred, "predicted", "tc")
    _check_same_spans(gold, pred)
    pred_by_span = _techniques_by_span(pred)
    correct: Counter[str] = Counter()
    for key, techniques in _techniques_by_span(gold).items():
        correct += techniques & pred_by_span[key]
    gold_n = Counter(label.technique or "?" for label in gold)
    pred_n = Counter(label.technique or "?" for label in pred)
    tp = correct.total()
    micro = _prf(tp, len(pred), tp, len(gold), len(gold))
    per_technique = {
        name: _prf(correct[name], pred_n[name], correct[name], gold_n[name], gold_n[name])
        for name in _technique_order([*gold_n, *pred_n])
    }
    return Score("tc", micro.precision, micro.recall, micro.f1, len(gold), len(pred), per_technique)


def sentence_spans(text: str) -> list[Span]:
    """The sentences of a PTC article: its lines holding any non-space character."""
    spans: list[Span] = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _positive_sentences(
    labels: list[Label], articles: Mapping[str, str], side: str
) -> set[tuple[str, int]]:
    """(article id, sentence index) of every sentence sharing a character with some span."""
    positive: set[tuple[str, int]] = set()
    for article_id, article_labels in labels_by_article(labels).items():
        if article_id not in articles:
            raise PropwatchError(
                f"{side} labels name article {article_id}, which is not among the "
                f"{len(articles)} articles given; give the articles the labels refer to"
            )
        spans = merge_spans((label.start, label.end) for label in article_labels)
        for index, sentence in enumerate(sentence_spans(articles[article_id])):
            if any(overlap(sentence, span) for span in spans):
                positive.add((article_id, index))
    return positive


def score_slc(gold: Iterable[Label], pred: Iterable[Label], articles: Mapping[str, str]) -> Score:
    """Sentence level: P/R/F1 of the propaganda class over all sentences of `articles`."""
    gold_positive = _positive_sentences(list(gold), articles, "gold")
    pred_positive = _positive_sentences(list(pred), articles, "predicted")
    tp = len(gold_positive & pred_positive)
    result = _prf(tp, len(pred_positive), tp, len(gold_positive), len(gold_positive))
    return Score(
        "slc", result.precision, result.recall, result.f1, len(gold_positive), len(pred_positive)
    )


# (article id, 1-based line number): a paragraph of SemEval-2023 subtask 3
Paragraph = tuple[str, int]


def paragraphs_of_spans(
    labels: Iterable[Label], articles: Mapping[str, str]
) -> dict[Paragraph, frozenset[str]]:
    """Paragraph labels from spans: each line a span touches gets the span's technique."""
    labels = list(labels)
    _require_techniques(labels, "predicted", "paragraph")
    found: defaultdict[Paragraph, set[str]] = defaultdict(set)
    for label in labels:
        text = articles[label.article_id]
        first = text.count("\n", 0, label.start) + 1
        last = first + text.count("\n", label.start, label.end - 1)
        for line in range(first, last + 1):
            found[(label.article_id, line)].add(str(label.technique))
    return {paragraph: frozenset(names) for paragraph, names in found.items()}


def ptc_paragraphs(
    paragraphs: Mapping[Paragraph, Iterable[str]],
) -> dict[Paragraph, frozenset[str]]:
    """SemEval-2023 paragraph labels in PTC classes; the five 2023 techniques without a PTC
    class are left out, so that every model is scored on what PTC's classes can express."""
    return {
        paragraph: frozenset(SEMEVAL2023_TO_PTC[n] for n in names if n in SEMEVAL2023_TO_PTC)
        for paragraph, names in paragraphs.items()
    }


def score_paragraphs(
    gold: Mapping[Paragraph, Iterable[str]], pred: Mapping[Paragraph, Iterable[str]]
) -> Score:
    """SemEval-2023 subtask 3: micro-averaged F1 of multi-label paragraph classification.

    Every gold paragraph is scored, an unlabelled one too; a gold paragraph without prediction
    has none. Each (paragraph, technique) pair is one unit, as in the official scorer's
    micro-averaged F1 over its binarised labels. Counts are of those pairs.
    """
    unknown = set(pred) - set(gold)
    if unknown:
        raise PropwatchError(
            f"{len(unknown)} predicted paragraphs are not among the gold ones, e.g. "
            f"{min(unknown)}; predict only the gold paragraphs"
        )
    gold_pairs = {(p, t) for p, names in gold.items() for t in names}
    pred_pairs = {(p, t) for p, names in pred.items() for t in names}
    overall = _pair_prf(gold_pairs, pred_pairs)
    per_technique = {
        name: _pair_prf(
            {pair for pair in gold_pairs if pair[1] == name},
            {pair for pair in pred_pairs if pair[1] == name},
        )
        for name in _technique_order(t for _, t in gold_pairs | pred_pairs)
    }
    return Score(
        "paragraph",
        overall.precision,
        overall.recall,
        overall.f1,
        len(gold_pairs),
        len(pred_pairs),
        per_technique,
    )


def _pair_prf(gold: set[tuple[Paragraph, str]], pred: set[tuple[Paragraph, str]]) -> PRF:
    hits = len(gold & pred)
    return _prf(hits, len(pred), hits, len(gold), len(gold))


def evaluate(
    task: str,
    gold: Iterable[Label],
    pred: Iterable[Label],
    articles: Mapping[str, str] | None = None,
) -> Score:
    """Score predictions against gold for one of `TASKS`; `articles` (id -> text) is for slc."""
    if task == "slc":
        if articles is None:
            raise PropwatchError("SLC scoring needs the article texts; give the articles folder")
        return score_slc(gold, pred, articles)
    scorers = {"si": score_si, "tc": score_tc, "flc": score_flc}
    if task not in scorers:
        raise PropwatchError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    return scorers[task](gold, pred)
