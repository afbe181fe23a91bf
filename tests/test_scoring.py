"""Scores of propwatch.scoring: hand-computed cases, PTC dev checks and a set-based reference."""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.corpus.ptc import Label, labels_by_article, read_articles, read_labels
from propwatch.errors import PropwatchError
from propwatch.scoring import (
    PRF,
    TASKS,
    Score,
    evaluate,
    merge_spans,
    score_flc,
    score_si,
    score_slc,
    score_tc,
    sentence_spans,
)
from propwatch.techniques import TECHNIQUE_NAMES

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEV = DATA / "ptc" / "dev"

LL, NC, DOUBT, FLAG, SLOGANS = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Doubt",
    "Flag-Waving",
    "Slogans",
)


def lab(article: str, start: int, end: int, technique: str | None = None) -> Label:
    return Label(article, start, end, technique)


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------------------------
# A reference implementation, written straight from the definitions: spans are Python sets of
# positions, merged by repeated union of sets that intersect, and every pair is scored.


def ref_merge(position_sets: list[set[int]]) -> list[set[int]]:
    merged: list[set[int]] = []
    for positions in position_sets:
        grown = set(positions)
        kept = []
        for other in merged:
            if other & grown:
                grown |= other
            else:
                kept.append(other)
        merged = [*kept, grown]
    return merged


def ref_fragment(
    gold: list[Label], pred: list[Label], by_technique: bool
) -> tuple[float, float, float]:
    def groups(labels: list[Label]) -> dict[tuple, list[set[int]]]:
        raw: dict[tuple, list[set[int]]] = defaultdict(list)
        for x in labels:
            raw[(x.article_id, x.technique if by_technique else None)].append(
                set(range(x.start, x.end))
            )
        return {key: ref_merge(sets) for key, sets in raw.items()}

    g, p = groups(gold), groups(pred)
    n_gold = sum(len(v) for v in g.values())
    n_pred = sum(len(v) for v in p.values())
    p_sum = r_sum = 0.0
    for key, pred_sets in p.items():
        for s in pred_sets:
            for t in g.get(key, []):
                p_sum += len(s & t) / len(s)
                r_sum += len(s & t) / len(t)
    precision = p_sum / n_pred if n_pred else 0.0
    recall = r_sum / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ref_positive_lines(labels: list[Label], articles: dict[str, str]) -> set[tuple[str, int]]:
    covered: dict[str, set[int]] = defaultdict(set)
    for x in labels:
        covered[x.article_id].update(range(x.start, x.end))
    positive = set()
    for article_id, text in articles.items():
        offset, index = 0, 0
        for line in text.split("\n"):
            if line.strip():
                if covered[article_id] & set(range(offset, offset + len(line))):
                    positive.add((article_id, index))
                index += 1
            offset += len(line) + 1
    return positive


def assert_score(score: Score, precision: float, recall: float, f1: float) -> None:
    assert (score.precision, score.recall, score.f1) == (
        approx(precision),
        approx(recall),
        approx(f1),
    )


# ---------------------------------------------------------------------------------------------
# merge_spans and sentences


def test_merge_spans_joins_overlapping_and_nested_but_not_touching() -> None:
    # [0,5) and [3,8) share 3,4 -> [0,8); [8,10) only touches 8 -> apart; [12,20) swallows [13,14).
    spans = [(12, 20), (3, 8), (0, 5), (8, 10), (13, 14)]
    assert merge_spans(spans) == [(0, 8), (8, 10), (12, 20)]


def test_sentence_spans_are_the_non_empty_lines() -> None:
    text = "Title\n\nFirst one.\n   \nSecond.\n"
    # "Title" 0-5, empty line at 6, "First one." 7-17, spaces 18-21 skipped, "Second." 22-29.
    assert sentence_spans(text) == [(0, 5), (7, 17), (22, 29)]


# ---------------------------------------------------------------------------------------------
# SI


def test_si_partial_overlap() -> None:
    # s=[5,15), t=[0,10): |s∩t| = 5 -> P = 5/10, R = 5/10, F1 = 0.5.
    score = score_si([lab("a", 0, 10)], [lab("a", 5, 15)])
    assert_score(score, 0.5, 0.5, 0.5)
    assert (score.gold_count, score.pred_count) == (1, 1)


def test_si_nested_prediction() -> None:
    # s=[2,4) inside t=[0,10): P = 2/2 = 1, R = 2/10 = 0.2, F1 = 2*0.2/1.2 = 1/3.
    assert_score(score_si([lab("a", 0, 10)], [lab("a", 2, 4)]), 1.0, 0.2, 1 / 3)


def test_si_one_prediction_over_two_gold_spans() -> None:
    # s=[0,20); t1=[0,5), t2=[10,15): P = (5/20 + 5/20)/1 = 0.5, R = (5/5 + 5/5)/2 = 1,
    # F1 = 2*0.5/1.5 = 2/3.
    score = score_si([lab("a", 0, 5), lab("a", 10, 15)], [lab("a", 0, 20)])
    assert_score(score, 0.5, 1.0, 2 / 3)


def test_si_overlapping_gold_is_merged_but_touching_gold_is_not() -> None:
    # Touching gold [0,2),[2,10) stays two spans: R = (2/2 + 0/8)/2 = 0.5, P = 2/2 = 1.
    touching = score_si([lab("a", 0, 2), lab("a", 2, 10)], [lab("a", 0, 2)])
    assert_score(touching, 1.0, 0.5, 2 / 3)
    assert touching.gold_count == 2
    # Overlapping gold [0,3),[2,10) becomes [0,10): R = 2/10 = 0.2, P = 1, F1 = 0.4/1.2 = 1/3.
    overlapping = score_si([lab("a", 0, 3), lab("a", 2, 10)], [lab("a", 0, 2)])
    assert_score(overlapping, 1.0, 0.2, 1 / 3)
    assert overlapping.gold_count == 1


def test_si_overlapping_predictions_are_merged() -> None:
    # Predictions [0,6),[3,10) become [0,10), identical to gold: P = R = 1, one predicted span.
    score = score_si([lab("a", 0, 10)], [lab("a", 0, 6), lab("a", 3, 10)])
    assert_score(score, 1.0, 1.0, 1.0)
    assert score.pred_count == 1


def test_si_ignores_techniques_and_duplicates() -> None:
    # Two techniques on one gold span are one SI span: P = R = 1.
    gold = [lab("a", 0, 10, LL), lab("a", 0, 10, NC)]
    score = score_si(gold, [lab("a", 0, 10, DOUBT)])
    assert_score(score, 1.0, 1.0, 1.0)
    assert score.gold_count == 1


def test_si_articles_on_one_side_count_in_the_denominators() -> None:
    # Gold a,b; predictions a,c: a matches exactly, b is missed, c is spurious.
    # P = (1 + 0)/2 = 0.5, R = (1 + 0)/2 = 0.5.
    gold = [lab("a", 0, 10), lab("b", 0, 10)]
    pred = [lab("a", 0, 10), lab("c", 0, 5)]
    assert_score(score_si(gold, pred), 0.5, 0.5, 0.5)


def test_si_same_offsets_in_another_article_earn_nothing() -> None:
    assert_score(score_si([lab("a", 0, 10)], [lab("b", 0, 10)]), 0.0, 0.0, 0.0)


def test_si_empty_prediction_scores_zero() -> None:
    score = score_si([lab("a", 0, 10)], [])
    assert_score(score, 0.0, 0.0, 0.0)
    assert (score.gold_count, score.pred_count) == (1, 0)


def test_si_nothing_against_nothing_scores_zero() -> None:
    assert_score(score_si([], []), 0.0, 0.0, 0.0)


# ---------------------------------------------------------------------------------------------
# FLC


def test_flc_several_techniques_on_one_gold_span() -> None:
    # Gold [0,10) is LL and NC (two spans, not merged across techniques); predicted LL [0,10).
    # P = 1/1, R = (1 + 0)/2 = 0.5, F1 = 1/1.5 = 2/3.
    gold = [lab("a", 0, 10, LL), lab("a", 0, 10, NC)]
    score = score_flc(gold, [lab("a", 0, 10, LL)])
    assert_score(score, 1.0, 0.5, 2 / 3)
    assert (score.gold_count, score.pred_count) == (2, 1)
    assert score.per_technique[LL].f1 == approx(1.0)
    assert score.per_technique[NC].to_dict() == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "support": 1,
    }


def test_flc_overlap_without_technique_agreement_earns_nothing() -> None:
    assert_score(score_flc([lab("a", 0, 10, DOUBT)], [lab("a", 0, 10, LL)]), 0.0, 0.0, 0.0)


def test_flc_partial_credit_and_per_technique() -> None:
    # Gold LL [0,10). Predicted LL [5,15) (5 shared) and Doubt [0,10) (wrong technique).
    # P = (5/10 + 0)/2 = 0.25, R = (5/10)/1 = 0.5, F1 = 2*0.125/0.75 = 1/3.
    gold = [lab("a", 0, 10, LL)]
    pred = [lab("a", 5, 15, LL), lab("a", 0, 10, DOUBT)]
    score = score_flc(gold, pred)
    assert_score(score, 0.25, 0.5, 1 / 3)
    # LL alone: P = (5/10)/1, R = (5/10)/1. Doubt: one prediction, no gold: P = 0, support 0.
    assert score.per_technique[LL] == PRF(0.5, 0.5, 0.5, 1)
    assert score.per_technique[DOUBT].support == 0
    assert score.per_technique[DOUBT].precision == 0.0
    assert list(score.per_technique) == list(TECHNIQUE_NAMES)


def test_flc_merges_only_within_a_technique() -> None:
    # Gold LL [0,10),[5,15) -> LL [0,15); gold NC [5,15) stays. Predicted LL [0,15).
    # |T| = 2, |S| = 1; LL pair 15/15: P = 1, R = 1/2.
    gold = [lab("a", 0, 10, LL), lab("a", 5, 15, LL), lab("a", 5, 15, NC)]
    score = score_flc(gold, [lab("a", 0, 15, LL)])
    assert_score(score, 1.0, 0.5, 2 / 3)
    assert score.gold_count == 2
    assert score.per_technique[LL].support == 1


def test_flc_per_technique_recall_divides_by_the_gold_span() -> None:
    # Gold LL [0,10), predicted LL [0,2): P_LL = 2/2 = 1, R_LL = 2/10 = 0.2.
    score = score_flc([lab("a", 0, 10, LL)], [lab("a", 0, 2, LL)])
    assert score.per_technique[LL].precision == approx(1.0)
    assert score.per_technique[LL].recall == approx(0.2)


def test_flc_needs_techniques() -> None:
    with pytest.raises(PropwatchError, match="no technique"):
        score_flc([lab("a", 0, 10, LL)], [lab("a", 0, 10)])


# ---------------------------------------------------------------------------------------------
# TC


def test_tc_best_alignment_on_a_span_with_two_techniques() -> None:
    gold = [lab("a", 0, 5, LL), lab("a", 10, 20, NC), lab("a", 10, 20, DOUBT), lab("b", 0, 3, FLAG)]
    pred = [
        lab("a", 10, 20, DOUBT),
        lab("b", 0, 3, SLOGANS),
        lab("a", 10, 20, LL),
        lab("a", 0, 5, LL),
    ]
    # a[0,5): {LL}∩{LL} = 1; a[10,20): {NC,Doubt}∩{Doubt,LL} = 1; b[0,3): {Flag}∩{Slogans} = 0.
    # micro P = R = F1 = 2/4.
    score = score_tc(gold, pred)
    assert_score(score, 0.5, 0.5, 0.5)
    per = score.per_technique
    # LL: predicted 2, gold 1, correct 1 -> P 1/2, R 1, F1 2/3.
    assert (per[LL].precision, per[LL].recall, per[LL].f1) == (0.5, 1.0, approx(2 / 3))
    assert per[DOUBT].f1 == 1.0
    assert (per[NC].f1, per[NC].support) == (0.0, 1)
    assert (per[SLOGANS].precision, per[SLOGANS].support) == (0.0, 0)


def test_tc_rejects_a_span_absent_from_gold() -> None:
    gold = [lab("a", 0, 5, LL), lab("a", 10, 20, NC)]
    pred = [lab("a", 0, 5, LL), lab("a", 10, 21, NC)]
    # a 10-21 is extra and a 10-20 is missing: 2 differences.
    with pytest.raises(PropwatchError, match=r"2 span\(s\) differ.*a 10-21.*gold template") as info:
        score_tc(gold, pred)
    assert "\n" not in str(info.value)


def test_tc_rejects_missing_spans_and_missing_labels_on_a_span() -> None:
    gold = [lab("a", 0, 5, LL), lab("a", 0, 5, NC), lab("b", 1, 4, DOUBT)]
    with pytest.raises(PropwatchError, match=r"2 span\(s\) differ.*a 0-5 is in gold but not"):
        score_tc(gold, [lab("a", 0, 5, LL)])


def test_tc_empty_on_both_sides_scores_zero() -> None:
    assert_score(score_tc([], []), 0.0, 0.0, 0.0)


# ---------------------------------------------------------------------------------------------
# SLC


SLC_TEXT = "Title\n\nFirst sentence.\nSecond one."
# Lines: "Title" 0-5, "" (skipped), "First sentence." 7-22, "Second one." 23-34.


def test_slc_counts_sentences_sharing_a_character() -> None:
    articles = {"a": SLC_TEXT}
    gold = [lab("a", 8, 12)]  # inside sentence 1 only
    pred = [lab("a", 3, 9)]  # crosses the blank line: sentences 0 and 1
    # Gold positive {1}; predicted {0, 1}; tp 1: P = 1/2, R = 1/1, F1 = 2/3.
    score = score_slc(gold, pred, articles)
    assert_score(score, 0.5, 1.0, 2 / 3)
    assert (score.gold_count, score.pred_count) == (1, 2)


def test_slc_span_ending_where_a_sentence_starts_does_not_mark_it() -> None:
    # [0,7) ends at the start of sentence 1 (offset 7): only sentence 0 is positive.
    score = score_slc([lab("a", 7, 9)], [lab("a", 0, 7)], {"a": SLC_TEXT})
    assert_score(score, 0.0, 0.0, 0.0)
    assert score.pred_count == 1


def test_slc_unknown_article_is_an_error() -> None:
    with pytest.raises(PropwatchError, match="article zz"):
        score_slc([lab("a", 0, 3)], [lab("zz", 0, 3)], {"a": SLC_TEXT})


# ---------------------------------------------------------------------------------------------
# evaluate and the result


def test_evaluate_dispatches_and_checks_its_arguments() -> None:
    gold, pred = [lab("a", 0, 10, LL)], [lab("a", 5, 15, LL)]
    assert evaluate("si", gold, pred) == score_si(gold, pred)
    assert evaluate("flc", gold, pred).task == "flc"
    assert evaluate("tc", gold, gold).f1 == 1.0
    assert evaluate("slc", gold, pred, {"a": SLC_TEXT}).task == "slc"
    with pytest.raises(PropwatchError, match="needs the article texts"):
        evaluate("slc", gold, pred)
    with pytest.raises(PropwatchError, match="unknown task 'xx'"):
        evaluate("xx", gold, pred)
    assert TASKS == ("si", "tc", "flc", "slc")


def test_to_dict_is_json_ready() -> None:
    score = score_flc([lab("a", 0, 10, LL)], [lab("a", 0, 10, LL)])
    data = json.loads(json.dumps(score.to_dict()))
    assert data["task"] == "flc"
    assert data["f1"] == 1.0
    assert data["per_technique"][LL] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}


# ---------------------------------------------------------------------------------------------
# Properties against the reference implementation

label_lists = st.lists(
    st.builds(
        lambda article, start, length, technique: Label(article, start, start + length, technique),
        st.sampled_from(["a", "b"]),
        st.integers(0, 40),
        st.integers(1, 15),
        st.sampled_from([LL, NC, DOUBT]),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(label_lists, label_lists)
def test_si_and_flc_match_the_set_reference(gold: list[Label], pred: list[Label]) -> None:
    for scorer, by_technique in ((score_si, False), (score_flc, True)):
        score = scorer(gold, pred)
        precision, recall, f1 = ref_fragment(gold, pred, by_technique)
        assert_score(score, precision, recall, f1)
        assert 0.0 <= score.precision <= 1.0
        assert 0.0 <= score.recall <= 1.0
        assert 0.0 <= score.f1 <= 1.0


@settings(max_examples=150, deadline=None)
@given(label_lists, label_lists)
def test_swapping_gold_and_prediction_swaps_precision_and_recall(
    gold: list[Label], pred: list[Label]
) -> None:
    # Both sides are merged by the same rule, so the formulas are mirror images.
    for scorer in (score_si, score_flc):
        forward, backward = scorer(gold, pred), scorer(pred, gold)
        assert forward.precision == approx(backward.recall)
        assert forward.recall == approx(backward.precision)


# ---------------------------------------------------------------------------------------------
# PTC dev


@pytest.fixture(scope="module")
def dev() -> dict[str, object]:
    if not DEV.is_dir():
        pytest.skip(f"PTC dev data not found at {DEV}; the shared data folder is not present")
    articles = read_articles(DEV / "dev-articles")
    return {
        "articles": articles,
        "si": read_labels(DEV / "dev-task-si.labels", articles),
        "tc": read_labels(DEV / "dev-task-flc-tc.labels", articles),
    }


def shifted(labels: list[Label], k: int) -> list[Label]:
    return [Label(x.article_id, x.start + k, x.end + k, x.technique) for x in labels]


def halved(labels: list[Label]) -> list[Label]:
    return [
        Label(x.article_id, x.start, x.start + max(1, (x.end - x.start) // 2), x.technique)
        for x in labels
    ]


def test_dev_gold_against_itself_is_perfect(dev: dict) -> None:
    articles, si, tc = dev["articles"], dev["si"], dev["tc"]
    assert (len(si), len(tc)) == (940, 1063)
    scores = [
        evaluate("si", si, si),
        evaluate("tc", tc, tc),
        evaluate("flc", tc, tc),
        evaluate("slc", tc, tc, articles),
    ]
    for score in scores:
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0), score.task
    tc_score = scores[1]
    assert tc_score.gold_count == 1063
    assert tc_score.per_technique[LL] == PRF(1.0, 1.0, 1.0, 325)


def test_dev_si_shift_matches_per_span_arithmetic(dev: dict) -> None:
    # Keep gold spans longer than k whose right neighbour starts at least k characters after
    # their end: shifted right by k, each overlaps only its own gold span, sharing L-k of L
    # characters. So P = R = mean((L-k)/L) over the kept spans.
    k = 3
    kept = []
    for spans in labels_by_article(dev["si"]).values():
        spans = sorted(spans, key=lambda x: (x.start, x.end))
        for x, nxt in zip(spans, [*spans[1:], None], strict=True):
            if x.end - x.start > k and (nxt is None or nxt.start >= x.end + k):
                kept.append(x)
    assert len(kept) > 500
    expected = sum((x.end - x.start - k) / (x.end - x.start) for x in kept) / len(kept)
    assert_score(score_si(kept, shifted(kept, k)), expected, expected, expected)


def test_dev_si_halved_matches_per_span_arithmetic(dev: dict) -> None:
    # Dev SI gold spans do not overlap, so each halved span [start, start+h) lies inside its own
    # gold span only: P = mean(h/h) = 1 and R = mean(h/L).
    gold = dev["si"]
    for spans in labels_by_article(gold).values():
        ordered = sorted(spans, key=lambda x: (x.start, x.end))
        assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    recall = sum(max(1, (x.end - x.start) // 2) / (x.end - x.start) for x in gold) / len(gold)
    assert_score(score_si(gold, halved(gold)), 1.0, recall, 2 * recall / (1 + recall))


@pytest.mark.parametrize("change", ["shift", "halve"])
def test_dev_flc_and_si_changes_match_the_reference(dev: dict, change: str) -> None:
    gold = dev["tc"]
    pred = shifted(gold, 4) if change == "shift" else halved(gold)
    assert_score(score_flc(gold, pred), *ref_fragment(gold, pred, by_technique=True))
    assert_score(score_si(gold, pred), *ref_fragment(gold, pred, by_technique=False))


def test_dev_slc_shift_matches_the_reference(dev: dict) -> None:
    articles, gold = dev["articles"], dev["tc"]
    pred = shifted(gold, 40)
    gold_pos, pred_pos = ref_positive_lines(gold, articles), ref_positive_lines(pred, articles)
    tp = len(gold_pos & pred_pos)
    precision, recall = tp / len(pred_pos), tp / len(gold_pos)
    score = score_slc(gold, pred, articles)
    assert_score(score, precision, recall, 2 * precision * recall / (precision + recall))
    assert score.f1 < 1.0


def test_dev_tc_always_loaded_language(dev: dict) -> None:
    # Every span gets exactly as many Loaded_Language labels as it has gold labels; the correct
    # ones are the 325 gold Loaded_Language labels: micro = 325/1063, LL precision the same.
    gold = dev["tc"]
    score = score_tc(gold, [Label(x.article_id, x.start, x.end, LL) for x in gold])
    assert_score(score, 325 / 1063, 325 / 1063, 325 / 1063)
    ll = score.per_technique[LL]
    assert (ll.precision, ll.recall, ll.support) == (approx(325 / 1063), 1.0, 325)
    assert score.per_technique[NC].recall == 0.0


def test_dev_tc_rejects_shifted_spans(dev: dict) -> None:
    # Spans compared as multisets of (article, start, end); a shifted span may land on another.
    gold = dev["tc"]
    pred = shifted(gold, 1)
    gold_spans = Counter((x.article_id, x.start, x.end) for x in gold)
    pred_spans = Counter((x.article_id, x.start, x.end) for x in pred)
    differ = (gold_spans - pred_spans).total() + (pred_spans - gold_spans).total()
    assert differ > 2000
    with pytest.raises(PropwatchError, match=rf"\b{differ} span\(s\) differ"):
        score_tc(gold, pred)
