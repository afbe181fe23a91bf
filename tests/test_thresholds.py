"""Thresholds per language and for paragraph labels: chosen only where they gain out of sample
(`training/thresholds.py`), stored in a model's config, and used by the pipeline for the
article's language."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propwatch.corpus.ptc import Label
from propwatch.model.artifact import CONFIG_FILE, SHIPPED_MODEL, ModelConfig
from propwatch.model.detector import DetectorSettings
from propwatch.pipeline import Pipeline
from propwatch.scoring import Paragraph
from propwatch.training.thresholds import MIN_ARTICLES, ParagraphGold, Spans, choose

TEXT = "They are traitors, all.\nThe rain fell on us."
LOADED = "Loaded_Language"
# Spans by role: each article's gold span on line 1, a false span on line 2, and one there that
# is wrong as a span but right as a paragraph label (its paragraph gold holds LOADED)
GOLD_SPAN = (0, 17)
FALSE_SPAN = (24, 32)
PARAGRAPH_ONLY = (33, 43)


def ids(language: str, count: int) -> list[str]:
    """Article ids of a language (PTC's plain numbers for English)."""
    return [f"{i}" if language == "en" else f"{language}-{i}" for i in range(count)]


def found(
    articles: list[str], true: float, false: float, paragraph_only: float | None = None
) -> tuple[list[Label], list[float]]:
    """In each article: the gold span found at confidence `true`, a false one at `false`, and
    with `paragraph_only` the span that only its paragraph label makes right."""
    labels, confidences = [], []
    for article_id in articles:
        shapes = [(GOLD_SPAN, true), (FALSE_SPAN, false)]
        if paragraph_only is not None:
            shapes.append((PARAGRAPH_ONLY, paragraph_only))
        for (start, end), confidence in shapes:
            labels.append(Label(article_id, start, end, LOADED))
            confidences.append(confidence)
    return labels, confidences


def spans(parts: list[tuple[list[str], float, float, float | None]], paragraphs: bool) -> Spans:
    articles = [a for part in parts for a in part[0]]
    labels, confidences = [], []
    for part in parts:
        more_labels, more_confidences = found(*part)
        labels += more_labels
        confidences += more_confidences
    gold = [Label(a, *GOLD_SPAN, LOADED) for a in articles]
    paragraph_gold: dict[Paragraph, frozenset[str]] = {}
    for article_id in articles:
        paragraph_gold[(article_id, 1)] = frozenset({LOADED})
        paragraph_gold[(article_id, 2)] = frozenset({LOADED})
    texts = dict.fromkeys(articles, TEXT)
    return Spans(
        sorted(articles),
        labels,
        np.asarray(confidences),
        gold,
        ParagraphGold(texts, paragraph_gold) if paragraphs else None,
    )


def test_a_language_whose_best_threshold_differs_gets_its_own() -> None:
    english = (ids("en", MIN_ARTICLES), 0.5, 0.3, None)
    french = (ids("fr", MIN_ARTICLES), 0.2, 0.1, None)  # under-confident: all lost at 0.325
    chosen = choose(spans([english, french], paragraphs=False), 0.325)
    assert chosen.language_min_confidence == {"fr": 0.125}  # the lowest floor above 0.1
    assert chosen.paragraph_min_confidence is None


def test_a_small_language_keeps_the_threshold_of_all() -> None:
    english = (ids("en", MIN_ARTICLES), 0.5, 0.3, None)
    french = (ids("fr", MIN_ARTICLES - 1), 0.2, 0.1, None)
    chosen = choose(spans([english, french], paragraphs=False), 0.325)
    assert chosen.language_min_confidence == {}


def test_a_language_that_gains_nothing_keeps_the_threshold_of_all() -> None:
    english = (ids("en", MIN_ARTICLES), 0.5, 0.3, None)
    french = (ids("fr", MIN_ARTICLES), 0.5, 0.3, None)
    assert choose(spans([english, french], paragraphs=False), 0.325).language_min_confidence == {}


def test_paragraph_labels_get_a_lower_threshold_where_it_gains() -> None:
    # the paragraph-only span (0.2) is false as a span, so the display threshold stays above
    # it, but it gives line 2 its gold label; the false span (0.1) gives nothing new
    english = (ids("en", MIN_ARTICLES), 0.5, 0.1, 0.2)
    french = (ids("fr", MIN_ARTICLES), 0.5, 0.1, 0.2)
    chosen = choose(spans([english, french], paragraphs=True), 0.325)
    assert chosen.language_min_confidence == {}
    assert chosen.paragraph_min_confidence == 0.0  # every floor up to 0.2 scores alike
    assert chosen.language_paragraph_min_confidence == {}


def test_settings_fall_back_from_a_language_to_all_and_from_paragraphs_to_spans() -> None:
    settings = DetectorSettings(
        min_confidence=0.3,
        language_min_confidence={"fr": 0.2},
        language_paragraph_min_confidence={"de": 0.05},
    )
    assert settings.display_floor("fr") == 0.2
    assert settings.display_floor("it") == settings.display_floor(None) == 0.3
    assert settings.paragraph_floor("de") == 0.05
    assert settings.paragraph_floor("fr") == 0.2  # no paragraph threshold: the shown spans
    with_all = DetectorSettings(min_confidence=0.3, paragraph_min_confidence=0.1)
    assert with_all.paragraph_floor("fr") == 0.1


def test_the_thresholds_travel_in_the_config(tmp_path: Path) -> None:
    config = ModelConfig.load(SHIPPED_MODEL)
    assert config.settings.language_min_confidence == {}  # the English model has none
    assert config.settings.paragraph_min_confidence is None
    settings = DetectorSettings(
        language_min_confidence={"fr": 0.2},
        paragraph_min_confidence=0.1,
        language_paragraph_min_confidence={"pl": 0.05},
    )
    ModelConfig(settings=settings).save(tmp_path)
    assert ModelConfig.load(tmp_path).settings == settings


FRENCH = (
    "Le ministre a déclaré que la nouvelle loi protégerait les familles contre la hausse des "
    "prix. Ses critiques y voient un cadeau honteux aux élites corrompues qui dirigent le pays, "
    "des traîtres et des menteurs."
)


@pytest.mark.slow  # loads a pipeline: about 10 s
def test_the_pipeline_shows_an_article_from_its_languages_threshold(tmp_path: Path) -> None:
    """The shipped weights under a config listing French, whose threshold is its own."""
    for source in SHIPPED_MODEL.iterdir():
        if source.name != CONFIG_FILE:
            (tmp_path / source.name).symlink_to(source)
    config = json.loads((SHIPPED_MODEL / CONFIG_FILE).read_text())
    config["languages"] = ["en", "fr"]
    config["settings"]["language_min_confidence"] = {"fr": 0.5}
    (tmp_path / CONFIG_FILE).write_text(json.dumps(config))
    pipeline = Pipeline.load(tmp_path, threads=1)
    french = pipeline.analyse(FRENCH)
    assert french.min_confidence == 0.5
    assert all(span.confidence >= 0.5 for span in french.spans)
    assert pipeline.analyse(FRENCH, min_confidence=0.1).min_confidence == 0.1
    english = pipeline.analyse("They are traitors and liars, the corrupt elites of this land.")
    assert english.min_confidence == config["settings"]["min_confidence"] != 0.5
