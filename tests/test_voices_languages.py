# ruff: noqa: RUF003  (comments quote five languages: their letters and dashes as written)
"""Voices after a quotation and pronoun speakers in French, German, Italian, Polish and Russian
(issue 27): real sentences of SemEval-2023 train articles, each found wrong before the lexicons
learnt its pattern."""

from __future__ import annotations

import pytest

from propwatch.article import parse_article
from propwatch.structure import Structure, analyse_structure, load_pipeline, voice_of


def structure_of(text: str, language: str) -> Structure:
    return analyse_structure(parse_article(text), load_pipeline(language), language)


def voice(text: str, language: str, fragment: str) -> tuple[str, str | None]:
    start = text.index(fragment)
    return voice_of(structure_of(text, language), start, start + len(fragment))


REPORTED = [
    # (language, text, reported fragment, source)
    (  # "„…“, so X": "so" speaks only right after a quotation
        "de",
        "„Ich antworte, dass wir versucht haben, einen Völkermord zu verhindern, und dass er "
        "verstehen sollte, dass die Menschen auf dem westlichen Balkan unbedingt Mitglieder der EU "
        "werden wollen, deshalb sehen sie es im Endeffekt anders“, so Scholz.",
        "einen Völkermord zu verhindern",
        "Scholz",
    ),
    (  # a quotation in the headline, its speaker across the colon
        "de",
        "„Die Nato ist nicht aggressiv“: Scholz stellt Russlands Nato-Sicherheitsbedenken in "
        "Frage\n\nNach eigenen Angaben will der Bundeskanzler die Äußerungen nicht ernst nehmen.",
        "Die Nato ist nicht aggressiv",
        "Scholz",
    ),
    (  # German adjectives inside the speaker's noun phrase
        "de",
        "„Nun siegt mal schön!“, sagte 1958 der damalige Bundespräsident Theodor Heuss zu "
        "Soldaten der Bundeswehr.",
        "Nun siegt mal schön",
        "der damalige Bundespräsident Theodor Heuss",
    ),
    (  # "sagte er": the pronoun takes the speaker named before it
        "de",
        "Armstrong fügte hinzu, dass er Fauci noch mehr COVID-19-Todesfälle in den USA "
        "verantwortlich machen könnte. „Obwohl er es leugnet, wissen wir alle, dass es wahr ist“, "
        "sagte er.",
        "wissen wir alle, dass es wahr ist",
        "Armstrong",
    ),
    (  # a place between the speech verb and its speaker
        "it",
        "“Costruendo la pace per combattere la povertà, costruendo la pace perché ci siano "
        "strade”, ha detto a Managua Daniel Ortega assumendo il suo quinto mandato.",
        "costruendo la pace perché ci siano strade",
        "Daniel Ortega",
    ),
    (  # "“…”, ha continuato.": no subject, the last speaker goes on
        "it",
        "“I monumenti sovietici devono essere rimossi dagli spazi pubblici e lo faremo il prima "
        "possibile”, ha dichiarato il capo del governo. La tempistica della rimozione “dipende "
        "dalla prontezza e dai piani logistici delle amministrazioni locali”, ha continuato.",
        "dipende dalla prontezza e dai piani logistici",
        "il capo del governo",
    ),
    (
        "pl",
        '"Śnięte są nie tylko ryby w Odrze, śnięte jest całe państwo pod rządami Kaczyńskiego. '
        'PiS jest jak rtęć" - napisał na Twitterze lider PO Donald Tusk.',
        "śnięte jest całe państwo",
        "lider PO Donald Tusk",
    ),
    (  # "– dodał.": the speaker named in a sentence without a quotation
        "pl",
        "Prezydent Francji przekazał, że rozmawiał z Zełenskim. Wezwał jednak Putina, by on "
        'również uspokoił rosyjskie siły zbrojne. "Wczoraj było dużo bombardowań. Jeśli chcemy '
        'dać dialogowi szansę, trzeba uspokoić sytuację w regionie" – dodał.',
        "trzeba uspokoić sytuację w regionie",
        "Prezydent Francji",
    ),
    (  # "по его словам": the pronoun is the speaker of "как подчеркнул X"
        "ru",
        "Как подчеркнул Владимир Путин, проблем с вывозом с Украины не существует и Россия не "
        "препятствует этому. По его словам, если Киев разминирует порты, корабли смогут "
        "выходить оттуда без всяких проблем.",
        "корабли смогут выходить оттуда",
        "Владимир Путин",
    ),
    (  # on the French parse: the inverted clitic "-il" is the speaker named before
        "fr",
        "« Il y a une tentative claire de la Turquie d’instrumentaliser les migrants pour créer "
        "une crise avec la Grèce », a déclaré Mitarachi. « Les chiffres parlent d’eux-mêmes et "
        "ils sont clairs », a-t-il ajouté.",
        "Les chiffres parlent d’eux-mêmes",
        "Mitarachi",
    ),
]


@pytest.mark.parametrize(("language", "text", "fragment", "source"), REPORTED)
def test_the_speaker_after_a_quotation(
    language: str, text: str, fragment: str, source: str
) -> None:
    assert voice(text, language, fragment) == ("reported", source)


PRONOUNS = [
    # (language, text): a pronoun speaker with no name before it
    (
        "ru",
        "По его словам, цены на бензоколонках являются лишь прелюдией к дефициту энергоносителей.",
    ),
    ("pl", "Według niego to jest bardzo poważna sprawa dla bezpieczeństwa państwa."),
    ("it", "“L’Occidente non dovrebbe sottovalutarlo in nessun caso”, ha detto lui."),
    ("de", "„Obwohl er es leugnet, wissen wir alle, dass es wahr ist“, sagte er."),
    ("fr", "« Les chiffres parlent d’eux-mêmes et ils sont clairs », a-t-il ajouté."),
    ("fr", "La guerre est perdue depuis longtemps pour les deux camps, selon lui."),
]


@pytest.mark.parametrize(("language", "text"), PRONOUNS)
def test_a_pronoun_is_never_a_source(language: str, text: str) -> None:
    sources = [a.source for a in structure_of(text, language).attributions]
    assert sources == []


@pytest.mark.parametrize(
    ("language", "text", "fragment"),
    [
        (  # "so" elsewhere is no speech verb
            "de",
            "Es gebe also so echte Meinungsunterschiede, „die man nicht einfach übergehen "
            "kann“, und das sei so geblieben.",
            "die man nicht einfach übergehen",
        ),
        (  # "ha detto che ...": what follows "che" is no speaker
            "it",
            "“Siamo fermamente contrari alla decisione del governo”, ha detto che l'invasione "
            "della Russia era prevedibile.",
            "Siamo fermamente contrari",
        ),
    ],
)
def test_no_speaker_from_other_words(language: str, text: str, fragment: str) -> None:
    assert voice(text, language, fragment) == ("outlet", None)
