"""Language detection on short real sentences, and the line an Analysis carries for the rest."""

from __future__ import annotations

import pytest

from propwatch.language import detect_language, language_name, unmeasured_warning

SENTENCES = {
    "en": "The minister said the new law would protect families from rising energy prices.",
    "fr": "Le ministre a déclaré que la nouvelle loi protégerait les familles contre la hausse.",
    "de": "Der Minister sagte, das neue Gesetz werde die Familien vor steigenden Preisen schützen.",
    "it": "Il ministro ha detto che la nuova legge proteggerà le famiglie dall'aumento dei prezzi.",
    "pl": "Minister powiedział, że nowa ustawa ochroni rodziny przed rosnącymi cenami energii.",
    "ru": "Министр заявил, что новый закон защитит семьи от роста цен на энергию.",
}


@pytest.mark.parametrize("language", SENTENCES)
def test_each_language_of_the_six_is_named_from_one_sentence(language: str) -> None:
    assert detect_language(SENTENCES[language]) == language


def test_a_language_outside_the_six_is_named_too() -> None:
    assert detect_language("El ministro dijo que la nueva ley protegerá a las familias.") == "es"


@pytest.mark.parametrize("text", ["", "12345 678", "Hmm.", "Bla bla bla."])
def test_text_too_short_to_tell_has_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_the_warning_names_the_language_in_english() -> None:
    assert unmeasured_warning("es") == "propwatch has not measured its quality on Spanish text"
    assert language_name("pl") == "Polish"
    assert language_name("uzs") == "uzs"  # a code without an English name stays a code


def test_an_undetermined_language_says_how_it_was_read() -> None:
    assert "could not tell the language" in unmeasured_warning(None)
