"""Voices in six languages: quotation marks, speech words and "according to" markers, on bits of
real SemEval-2023 articles (shortened where marked with …) and on whole articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.article import BLANK, parse_article
from propwatch.structure import Structure, analyse_structure, load_pipeline, voice_of
from propwatch.structure.quotes import find_quotes
from propwatch.structure.types import Attribution, Section

SEMEVAL2023 = Path(__file__).resolve().parents[2] / "shared" / "data" / "semeval2023"


def quoted(text: str) -> list[str]:
    return [text[start:end] for start, end in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # French, spaced guillemets followed by a comma
            "« Nous allons tous mourir un jour », a déclaré Simonyan au public.",
            [" Nous allons tous mourir un jour "],
        ),
        (
            "a déclaré lundi craindre «un retour cent ans en arrière, en 1917». 1917, l’année",
            ["un retour cent ans en arrière, en 1917"],
        ),
        (  # German low-high marks
            "„Willkommen an die Ukraine“, sagte denn auch Edi Rama",
            ["Willkommen an die Ukraine"],
        ),
        (  # German reversed guillemets
            "erklärt, dass »Gesprächsthemen mit den Vertretern der Justiz« unter anderem",
            ["Gesprächsthemen mit den Vertretern der Justiz"],
        ),
        ("Er nannte es ‚eine Frage der Zeit‘ und ging.", ["eine Frage der Zeit"]),
        (  # Polish low and right marks
            "Marszałek stwierdził: „To jest bardzo poważna sprawa”. Potem",
            ["To jest bardzo poważna sprawa"],
        ),
        (  # Russian: „…“ inside «…» leaves the outer quotation whole
            "«И он ходит по сцене, а все вокруг Обамы пляшут: „Барин приехал“. И каждый клан»",
            ["И он ходит по сцене, а все вокруг Обамы пляшут: „Барин приехал“. И каждый клан"],
        ),
        (  # Italian: curly marks, apostrophes are no quotes
            "Secondo Newsweek, “Putin non sta attaccando intenzionalmente i civili”. L’agenzia",
            ["Putin non sta attaccando intenzionalmente i civili"],
        ),
    ],
)
def test_quotation_marks_of_each_language(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


def structure_of(text: str, language: str) -> Structure:
    return analyse_structure(parse_article(text), load_pipeline(language), language)


def check_contract(text: str, structure: Structure) -> None:
    """Valid, trimmed sections and attributions, each attribution with a source."""
    items: list[Section | Attribution] = [*structure.sections, *structure.attributions]
    for item in items:
        assert 0 <= item.start < item.end <= len(text), item
        assert text[item.start : item.end] == text[item.start : item.end].strip(BLANK)
    assert all(a.source.strip() for a in structure.attributions)


def voice(text: str, structure: Structure, fragment: str) -> tuple[str, str | None]:
    start = text.index(fragment)
    return voice_of(structure, start, start + len(fragment))


def test_only_english_and_french_have_a_parser() -> None:
    assert load_pipeline("fr") is not None
    assert load_pipeline("fr").lang == "fr"  # type: ignore[union-attr]
    assert all(load_pipeline(language) is None for language in ("de", "it", "pl", "ru", "xx"))


VOICES = [
    # (language, text, reported fragment, source)
    (
        "ru",
        "«Кампания, которая ведется с 2012 года для защиты преступников, достигла одного из "
        "высших институтов Евросоюза», – заявил Кобахидзе на брифинге.",
        "достигла одного из высших институтов",
        "Кобахидзе",
    ),
    (  # a pronoun speaker takes the named one before it
        "ru",
        "«Это наша земля, и мы намерены это доказать», – заявил Кобахидзе.\n\n"
        "«Мы все об этом говорим каждый день», — сказал он.",
        "Мы все об этом говорим",
        "Кобахидзе",
    ),
    (  # the first person is no source: the next speech form names it
        "ru",
        'Я попросил их объяснить, я сказал: "Во имя Бога, остановите эту войну", - сказал Папа.',
        "остановите эту войну",
        "Папа",
    ),
    (
        "ru",
        "По словам Кобахидзе, в резолюции есть грубые фактические неточности.",
        "в резолюции есть грубые фактические неточности",
        "Кобахидзе",
    ),
    (
        "pl",
        "Marszałek stwierdził: „To jest bardzo poważna sprawa i przynajmniej ci, którzy narazili "
        "bezpieczeństwo państwa, powinni rozważyć, czy nie zakończyć swojej działalności”.",
        "To jest bardzo poważna sprawa",
        "Marszałek",
    ),
    (
        "it",
        "Secondo Newsweek, “Putin non sta attaccando intenzionalmente i civili…”",
        "Putin non sta attaccando intenzionalmente i civili",
        "Newsweek",
    ),
    (
        "de",
        "„Willkommen an die Ukraine“, sagte denn auch Edi Rama, der albanische Ministerpräsident.",
        "Willkommen an die Ukraine",
        "Edi Rama",
    ),
    (  # German capitalises nouns: the source ends at the verb
        "de",
        "Laut Infektionsschutzgesetz muss sie dem Parlament bis zum 30. September eine "
        "Stellungnahme vorlegen.",
        "muss sie dem Parlament",
        "Infektionsschutzgesetz",
    ),
    (
        "de",
        "Schamberger zufolge hatte der Student bereits drei Monate in türkischer Haft verbringen "
        "müssen.",
        "hatte der Student bereits drei Monate",
        "Schamberger",
    ),
    (  # on the French parse: the inverted subject of a speech verb after its quotation
        "fr",
        "« Il y a une tentative claire de la Turquie d’instrumentaliser les migrants pour créer "
        "une crise avec la Grèce », a déclaré Mitarachi.",
        "Il y a une tentative claire de la Turquie",
        "Mitarachi",
    ),
    (
        "fr",
        "La pandémie a fait 13 millions de morts, selon l'OMS.",
        "La pandémie a fait 13 millions",
        "l'OMS",
    ),
    (
        "fr",
        "Le ministre a affirmé que la guerre était perdue depuis longtemps.",
        "la guerre était perdue",
        "Le ministre",
    ),
]


@pytest.mark.parametrize(("language", "text", "fragment", "source"), VOICES)
def test_reported_speech_in_each_language(
    language: str, text: str, fragment: str, source: str
) -> None:
    assert voice(text, structure_of(text, language), fragment) == ("reported", source)


@pytest.mark.parametrize(
    ("language", "text", "fragment"),
    [
        (  # "secondo" as an ordinal ("the second world war") names no source
            "it",
            "La situazione è la più buia dalla fine del secondo conflitto mondiale, non resta "
            "che prepararsi a un altro Afghanistan.",
            "non resta che prepararsi",
        ),
        (  # a quotation with no speech word near it: its speaker is unknown
            "ru",
            "Украина сейчас является «чёрной дырой для всех финансов Европы» — туда можно "
            "закачивать сто миллиардов.",
            "чёрной дырой для всех финансов",
        ),
        (  # no parser and no lexicon: no voices, but no failure either
            "es",
            "«Es una crisis sin precedentes», dijo el ministro.",
            "Es una crisis sin precedentes",
        ),
        (  # a negated French speech verb reports nothing
            "fr",
            "Le ministre n'a pas dit que la guerre était perdue depuis longtemps.",
            "la guerre était perdue",
        ),
    ],
)
def test_outlet_voice_in_each_language(language: str, text: str, fragment: str) -> None:
    assert voice(text, structure_of(text, language), fragment) == ("outlet", None)


def test_french_without_its_parser_keeps_quotations_and_markers() -> None:
    text = "« Nous allons tous mourir un jour », a déclaré Simonyan.\n\nLa pandémie a fait 13 "
    text += "millions de morts, selon l'OMS."
    structure = analyse_structure(parse_article(text), None, "fr")
    assert voice(text, structure, "Nous allons tous mourir") == ("reported", "Simonyan")
    assert voice(text, structure, "La pandémie a fait 13 millions") == ("reported", "l'OMS")


@pytest.mark.parametrize("language", ["fr", "de", "it", "pl", "ru"])
def test_real_articles_keep_the_contract(language: str) -> None:
    """Ten whole articles a language: valid, trimmed attributions, and some found."""
    folder = SEMEVAL2023 / language / "train-articles"
    if not folder.is_dir():
        pytest.skip(f"SemEval-2023 data not found at {folder}")
    found = 0
    for path in sorted(folder.glob("*.txt"))[:10]:
        text = path.read_text(encoding="utf-8")
        structure = structure_of(text, language)
        check_contract(text, structure)
        found += len(structure.attributions)
    assert found >= 10


PIECES = st.sampled_from(
    [
        "«", "»", "„", "“", "”", "‚", "‘", '"', " ", "\n", "\n\n", ",", ".", ":", " — ", " - ",
        "заявил Песков", "по словам ", "по его словам", "sagte Merkel", "laut ", " zufolge",
        "secondo ", "il secondo turno", "według ", "powiedział Tusk", "ha detto Draghi", "selon ",
        "он", "Er", "nie", "не ", "the minister said ", "🔥", "\u0301", "\u200b", "\ufeff",
        "a long enough quoted statement ",
    ]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["fr", "de", "it", "pl", "ru", "es"]),
    st.lists(PIECES | st.text(max_size=12), max_size=30).map("".join),
)
def test_any_text_keeps_the_contract_without_a_parser(language: str, text: str) -> None:
    check_contract(text, analyse_structure(parse_article(text), None, language))
