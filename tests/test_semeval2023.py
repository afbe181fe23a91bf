"""SemEval-2023 Task 3 train splits: the reader, the realignment of drifted offsets, the mapping."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.corpus.ptc import Label, PTCFormatError
from propwatch.corpus.realign import (
    TRIMMED,
    aligned,
    crlf_offset,
    line_number,
    on_word_boundaries,
    realign_article,
    realign_span,
    touched_lines,
)
from propwatch.corpus.semeval2023 import (
    LANGUAGES,
    SemEvalArticle,
    language_of,
    parse_languages,
    ptc_labels,
    read_language,
    training_corpus,
)
from propwatch.errors import BadInput
from propwatch.techniques import (
    SEMEVAL2023_NAMES,
    SEMEVAL2023_NEAREST,
    SEMEVAL2023_TO_PTC,
    SEMEVAL2023_UNMAPPED,
    TECHNIQUE_NAMES,
    UnknownTechniqueError,
    by_name,
    to_ptc,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2023"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data/semeval2023 is absent")


def write_language(root: Path, language: str, text: str, spans: str, paragraphs: str) -> None:
    folder = root / language
    (folder / "train-articles").mkdir(parents=True)
    (folder / "train-articles" / "article7.txt").write_text(text, encoding="utf-8")
    (folder / "train-spans.tsv").write_text(spans, encoding="utf-8")
    (folder / "train-paragraph-labels.tsv").write_text(paragraphs, encoding="utf-8")


def test_reads_articles_spans_and_paragraph_labels(tmp_path: Path):
    write_language(
        tmp_path,
        "pl",
        "Tytuł\n\nTo jest straszny skandal.",
        "7\tLoaded_Language\t15\t31\n",
        "7\t1\t\n7\t3\tLoaded_Language,Doubt\n",
    )
    [article] = read_language(tmp_path, "pl")
    assert article.key == "pl-7" and article.language == "pl"
    assert article.spans == (Label("pl-7", 15, 31, "Loaded_Language"),)
    assert article.paragraphs == {1: frozenset(), 3: frozenset({"Loaded_Language", "Doubt"})}


def test_bad_files_get_one_line_errors(tmp_path: Path):
    with pytest.raises(BadInput, match=r"has no train-spans\.tsv"):
        read_language(tmp_path, "fr")
    write_language(tmp_path, "fr", "Un texte.", "7\tSmears\t0\t2\n", "")
    with pytest.raises(PTCFormatError, match="'Smears' is not a SemEval-2023 technique"):
        read_language(tmp_path, "fr")


def test_language_of_an_article_key():
    assert language_of("ru-2310") == "ru"
    assert language_of("111111111") == "en"  # a PTC id
    assert language_of("meme-12") == "en"


def test_languages_are_parsed_and_checked():
    assert parse_languages("fr, de,fr") == ("fr", "de")
    with pytest.raises(BadInput, match="choose among fr,de,it,pl,ru"):
        parse_languages("fr,xx")


def test_crlf_offsets_count_each_line_break_twice():
    text = "ab\ncd\nef"
    crlf = text.replace("\n", "\r\n")
    for offset, char in enumerate(crlf):
        if char != "\r":
            assert text[crlf_offset(text, offset)] == char
    assert crlf_offset(text, len(crlf)) == len(text)


def test_an_article_with_crlf_offsets_is_corrected():
    text = "Title\n\nA shameful lie.\n\nThey lie again."
    crlf = text.replace("\n", "\r\n")
    start = crlf.index("shameful")
    span = Label("x", start, start + len("shameful"), "Loaded_Language")
    labels = {3: frozenset({"Loaded_Language"}), 5: frozenset()}
    result = realign_article(text, [span], labels)
    assert result.crlf and result.dropped == () and result.moved == (0,)
    [placed] = result.spans
    assert text[placed.start : placed.end] == "shameful"


def test_a_span_one_character_short_is_stretched_to_its_word():
    text = "They are potworki, all of them."
    span = Label("x", 9, 16, "Name_Calling-Labeling")  # "potwork"
    placed = realign_span(text, span, {1: frozenset({"Name_Calling-Labeling"})})
    assert placed is not None and text[placed.start : placed.end] == "potworki"


def test_the_search_prefers_a_line_labelled_with_the_technique():
    text = "Calm words here.\nWhat a disgrace!"
    # A span cutting across the line break: the labelled second line wins over the first.
    span = Label("x", 12, 20, "Loaded_Language")
    labels = {1: frozenset(), 2: frozenset({"Loaded_Language"})}
    placed = realign_span(text, span, labels)
    assert placed is not None and line_number(text, placed.start) == 2
    assert aligned(text, placed, labels)


def test_a_span_with_no_word_within_reach_is_dropped():
    text = "Word" + " " * 80 + "." * 80
    result = realign_article(text, [Label("x", 100, 110, "Doubt")], {1: frozenset({"Doubt"})})
    assert result.spans == () and len(result.dropped) == 1


def test_mapping_policies_for_techniques_without_a_ptc_class():
    text = "We must act now, before it is too late, say the bold heroes."
    late = text.index("before it is too late")
    spans = (
        Label("fr-1", late, late + len("before it is too late"), "Appeal_to_Time"),
        Label("fr-1", text.index("bold"), text.index("bold") + 4, "Loaded_Language"),
    )
    labels = frozenset({"Appeal_to_Time", "Loaded_Language"})
    article = SemEvalArticle("fr-1", "fr", text, spans, {1: labels})
    loaded = Label("fr-1", text.index("bold"), text.index("bold") + 4, "Loaded_Language")
    dropped = ptc_labels(article, "drop")
    assert dropped.labels == (loaded,) and dropped.unlabelled == ()
    unlabelled = ptc_labels(article, "unlabelled")
    assert unlabelled.labels == (loaded,)
    assert unlabelled.unlabelled == ((late, late + len("before it is too late")),)
    nearest = ptc_labels(article, "nearest")
    assert [label.technique for label in nearest.labels] == [
        "Appeal_to_fear-prejudice",
        "Loaded_Language",
    ]


WORDS = st.text(
    alphabet=st.sampled_from([*'abcXYZé1 \n.,:;!?«»"-', "\U0001f600", "\u0301"]),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(text=WORDS, start=st.integers(0, 130), length=st.integers(1, 40), line=st.integers(1, 5))
def test_realigned_spans_keep_the_ptc_boundary_rule_and_their_lines(
    text: str, start: int, length: int, line: int
):
    span = Label("x", start, start + length, "Doubt")
    placed = realign_span(text, span, {line: frozenset({"Doubt"})})
    if placed is None:
        return
    fragment = text[placed.start : placed.end]
    assert fragment and fragment[0] not in TRIMMED and fragment[-1] not in TRIMMED
    assert on_word_boundaries(text, placed.start, placed.end)
    # never moved across a line break: it touches only lines the given span touched
    lines = touched_lines(text, span.start, span.end)
    placed_lines = touched_lines(text, placed.start, placed.end)
    assert lines[0] <= placed_lines[0] and placed_lines[-1] <= lines[-1]


@needs_data
@pytest.mark.parametrize(
    ("language", "articles", "spans", "rows"),
    [
        ("fr", 158, 5595, 2259),
        ("de", 132, 4501, 1555),
        ("it", 227, 6027, 2623),
        ("pl", 145, 2839, 2310),
        ("ru", 143, 3399, 1962),
    ],
)
def test_the_shared_train_splits_read_whole(language: str, articles: int, spans: int, rows: int):
    read = read_language(DATA, language)
    assert len(read) == articles
    assert sum(len(article.spans) for article in read) == spans
    assert sum(len(article.paragraphs) for article in read) == rows
    assert language in LANGUAGES


@needs_data
def test_realignment_places_nearly_every_russian_span():
    articles = read_language(DATA, "ru")
    total = placed = on_labelled_lines = 0
    for article in articles:
        result = article.realigned()
        total += len(article.spans)
        placed += len(result.spans)
        on_labelled_lines += sum(aligned(article.text, s, article.paragraphs) for s in result.spans)
    given = sum(aligned(a.text, s, a.paragraphs) for a in articles for s in a.spans)
    assert given / total < 0.2  # the drift this corrects
    assert placed / total > 0.99 and on_labelled_lines == placed


def test_the_reverse_mapping_covers_18_techniques_and_leaves_five_without_a_class():
    assert len(SEMEVAL2023_TO_PTC) == 18
    assert set(SEMEVAL2023_TO_PTC) | set(SEMEVAL2023_UNMAPPED) == set(SEMEVAL2023_NAMES)
    assert set(SEMEVAL2023_UNMAPPED) == {
        "Appeal_to_Values",
        "Consequential_Oversimplification",
        "Appeal_to_Time",
        "Questioning_the_Reputation",
        "Obfuscation-Vagueness-Confusion",
    }
    for name, ptc in SEMEVAL2023_TO_PTC.items():
        assert name in by_name(ptc).semeval2023
    assert SEMEVAL2023_TO_PTC["False_Dilemma-No_Choice"] == "Black-and-White_Fallacy"
    assert SEMEVAL2023_TO_PTC["Appeal_to_Hypocrisy"] == "Whataboutism,Straw_Men,Red_Herring"


def test_every_unmapped_technique_has_a_nearest_ptc_class():
    assert set(SEMEVAL2023_NEAREST) == set(SEMEVAL2023_UNMAPPED)
    assert set(SEMEVAL2023_NEAREST.values()) <= set(TECHNIQUE_NAMES)
    assert to_ptc("Appeal_to_Values") is None
    assert to_ptc("Appeal_to_Values", nearest=True) == "Flag-Waving"
    assert to_ptc("Conversation_Killer", nearest=True) == "Thought-terminating_Cliches"
    with pytest.raises(UnknownTechniqueError, match="unknown SemEval-2023 technique"):
        to_ptc("Loaded Language")


@needs_data
def test_the_training_corpus_is_realigned_mapped_and_keyed_by_language():
    corpus = training_corpus(DATA, ("fr", "ru"), "unlabelled", limit=3)
    assert sorted(language_of(key) for key in corpus.articles) == ["fr"] * 3 + ["ru"] * 3
    labels = [label for article in corpus.labels.values() for label in article]
    assert labels and {label.technique for label in labels} <= set(TECHNIQUE_NAMES)
    for label in labels:
        fragment = corpus.articles[label.article_id][label.start : label.end]
        assert fragment.strip() == fragment
    assert set(corpus.unlabelled) <= set(corpus.articles)
    assert corpus.summary().startswith("SemEval-2023: 6 articles (fr 3, ru 3), ")
    nearest = training_corpus(DATA, ("fr", "ru"), "nearest", limit=3)
    assert sum(map(len, nearest.labels.values())) > len(labels)  # the five keep their spans


def test_folds_deal_each_language_evenly_and_keep_ptc_plans():
    pytest.importorskip("torch", reason="needs the train extra")
    from propwatch.training.folds import assign_folds

    ptc = [str(111111111 + i) for i in range(40)]
    order = np.random.default_rng(13).permutation(sorted(ptc))
    assert assign_folds(ptc, 4, 13) == {str(a): i % 4 for i, a in enumerate(order)}
    mixed = ptc + [f"fr-{i}" for i in range(20)] + [f"ru-{i}" for i in range(12)]
    plan = assign_folds(mixed, 4, 13)
    for language, count in (("en", 40), ("fr", 20), ("ru", 12)):
        per_fold = Counter(fold for key, fold in plan.items() if language_of(key) == language)
        assert sorted(per_fold.values()) == [count // 4] * 4


def test_unlabelled_text_is_masked_from_the_loss_and_never_a_negative():
    from propwatch.model.artifact import SHIPPED_MODEL, TOKENIZER_FILE
    from propwatch.model.windows import WindowTokenizer
    from propwatch.training.examples import NONE_CLASS, article_windows

    tokenizer = WindowTokenizer(SHIPPED_MODEL / TOKENIZER_FILE, window=128, stride=96)
    text = "We must act now before it is too late for all of us. " * 6
    late = [match.span() for match in re.finditer("before it is too late", text)]
    tokens = tokenizer.tokenize(text)
    rng = np.random.default_rng(0)
    [plain] = article_windows(tokenizer, text, (), rng)
    [masked] = article_windows(tokenizer, text, (), rng, unlabelled=late)
    inside = np.array([any(s < b and e > a for a, b in late) for s, e in tokens.offsets])
    assert plain.target_mask[1 : len(tokens) + 1].all()
    assert (masked.target_mask[1 : len(tokens) + 1] == ~inside).all()
    negatives = [span for span in masked.spans if span.technique == NONE_CLASS]
    assert negatives
    for span in negatives:
        assert not inside[span.first - 1 : span.last].any()


@needs_data
@pytest.mark.slow
def test_a_cross_validated_run_trains_on_ptc_and_semeval_articles(tmp_path: Path):
    from propwatch.model.artifact import ModelConfig
    from propwatch.training.loop import Recipe
    from propwatch.training.ship import train_cross_validated

    ptc = DATA.parent / "ptc"
    work, out = tmp_path / "cv", tmp_path / "model"
    recipe = Recipe(
        epochs=1, max_articles=2, max_steps=1, semeval2023=str(DATA), languages=("fr", "de")
    )
    lines: list[str] = []
    report = train_cross_validated(ptc, work, out, recipe, 2, lines.append)

    plan = json.loads((work / "folds.json").read_text())
    assert Counter(map(language_of, plan)) == {"en": 4, "fr": 2, "de": 2}
    assert sorted(plan[key] for key in plan if key.startswith("fr-")) == [0, 1]
    assert "SemEval-2023: 4 articles (fr 2, de 2), " in lines[0]
    log = "\n".join(lines)
    assert "fold-1: 4 articles, " in log and "all: 8 articles, " in log
    # scored out of fold on every article, and on each language apart
    assert report["articles"] == 8
    assert {k: v["articles"] for k, v in report["per_language"].items()} == {
        "de": 2,
        "en": 4,
        "fr": 2,
    }
    assert ModelConfig.load(out).languages == ("en", "fr", "de")
    card = (out / "MODEL_CARD.md").read_text()
    assert "the SemEval-2023 Task 3 train splits in fr, de" in card
    assert f"--semeval2023 {DATA} --languages fr,de --unmapped unlabelled" in card


def test_a_quotation_over_two_paragraphs_keeps_them_and_a_pushed_span_returns_to_one():
    text = "Intro.\n\n“We will win,\nwe always win,” he said."
    quote = Label("x", text.index("“"), text.index("win,”") + 5, "Slogans")
    labels = {1: frozenset(), 3: frozenset({"Slogans"}), 4: frozenset({"Slogans"})}
    assert realign_span(text, quote, labels) == quote
    pushed = Label("x", text.index("Intro") + 3, text.index("“") + 2, "Slogans")  # "ro.\n\n“W"
    placed = realign_span(text, pushed, labels)
    assert placed is not None and line_number(text, placed.start) == 3
    assert "\n" not in text[placed.start : placed.end]
