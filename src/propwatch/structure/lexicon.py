# ruff: noqa: RUF001  (the words of six languages; Cyrillic letters are no look-alikes here)
"""The words that mark reported speech, language by language.

With a parser (English, French), speech verbs are lemmas and the parse finds their speakers and
clauses; without one (German, Italian, Polish, Russian, and French when its pipeline is not
installed), `speech_forms` are the inflected forms that name a quotation's speaker and `markers`
the "according to" phrases ("laut X", "по словам X") that attribute the rest of a sentence.
The lists hold communication verbs only: cognition verbs (believe, glauben, считать) are opinion,
not attribution. A language with no lexicon gets no attributions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["LEXICONS", "Lexicon", "lexicon_for"]


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


@dataclass(frozen=True)
class Lexicon:
    """One language's words of reported speech; every word in lower case."""

    speech_verbs: frozenset[str] = frozenset()  # lemmas, read on a parse
    negations: frozenset[str] = frozenset()  # make a verb say nothing ("ne"; "не" before it)
    never_sources: frozenset[str] = frozenset()  # first person (the outlet), demonstratives,
    # and, without a parser, the conjunctions that stand next to a speech verb ("и заявили")
    pronouns: Mapping[str, str] = field(default_factory=dict)  # {pronoun: he/she/it/they}
    inverted_subjects: Mapping[str, str] = field(default_factory=dict)  # "a-t-il dit": {"-il": he}
    pronoun_sources: bool = False  # an unresolved pronoun stays the source (English, as measured
    # on PTC); elsewhere a pronoun is never a source: unresolved, its attribution is dropped
    relatives: frozenset[str] = frozenset()  # open a supplementary relative clause
    evidential: frozenset[str] = frozenset()  # keep a supplement the source's ("allegedly")
    accusing: frozenset[str] = frozenset()  # "X accused Y of Z": "Y of Z" is X's charge
    according: frozenset[str] = frozenset()  # prepositions that name a source ("selon X")
    speech_forms: frozenset[str] = frozenset()  # inflected speech verbs, read without a parse
    after_quote_forms: frozenset[str] = frozenset()  # speech forms only right after a quotation's
    # closing mark and a comma or dash: „…“, so Scholz (elsewhere "so" is no speech verb)
    clause_openers: frozenset[str] = frozenset()  # a source ends before them: "ha detto che ..."
    auxiliaries: frozenset[str] = frozenset()  # "“…”, ha detto.": no subject but the last speaker
    possessives: frozenset[str] = frozenset()  # "заявила её представитель" is not "она"
    markers: tuple[str, ...] = ()  # "according to" phrases before their source
    after_markers: tuple[str, ...] = ()  # and after it ("dem Bericht zufolge")
    frame_words: frozenset[str] = frozenset()  # "as" in "as X said": not part of a source
    prepositions: frozenset[str] = frozenset()  # end a source: "заявил Кобахидзе на брифинге"
    not_before_marker: frozenset[str] = frozenset()  # "il secondo turno" is an ordinal
    capitalised_nouns: bool = False  # German: a source ends before its first lower-case word
    verb_second: bool = False  # German: the speaker is sought after the speech verb first
    articles: frozenset[str] = frozenset()  # German articles, lower case inside a source
    entity_kinds: Mapping[str, str] = field(default_factory=dict)  # the parser's labels, as ours


LEXICONS: dict[str, Lexicon] = {
    "en": Lexicon(
        speech_verbs=_words(
            "say tell report state add note write explain reply respond answer comment remark",
            "claim assert allege argue contend insist maintain suggest predict conclude",
            "emphasize emphasise stress warn announce declare confirm reveal",
            "admit acknowledge deny accuse blame complain recall observe testify tweet describe",
            "cite quote vow promise threaten pledge",  # "point out" is matched on its particle
        ),
        never_sources=_words("i we me us you"),
        pronouns={"he": "he", "she": "she", "it": "it", "they": "they"},
        pronoun_sources=True,
        relatives=_words("which who whom whose"),
        evidential=_words("allegedly reportedly purportedly supposedly"),
        accusing=_words("accuse blame"),
        speech_forms=_words("said says told stated added wrote claimed explained declared"),
        markers=("according to",),
        frame_words=_words("as"),
    ),
    "fr": Lexicon(
        speech_verbs=_words(
            "dire déclarer affirmer annoncer expliquer ajouter souligner indiquer préciser",
            "assurer confirmer rappeler répondre répliquer écrire raconter prévenir avertir",
            "accuser dénoncer reconnaître nier admettre insister prétendre promettre menacer",
            "marteler tweeter confier témoigner révéler signaler noter observer lancer citer",
        ),
        negations=_words("ne n' n\u2019 pas jamais guère"),
        never_sources=_words(
            "je j' j\u2019 nous on me moi tu vous ce cela ceci ça",
            "qui lequel laquelle lesquels lesquelles -t",  # a relative the parse did not resolve
        ),
        pronouns={"il": "he", "elle": "she", "ils": "they", "elles": "they", "lui": "he"}
        | {"eux": "they"},  # "selon lui", "selon eux"
        inverted_subjects={"-il": "he", "-elle": "she", "-ils": "they", "-elles": "they"},
        relatives=_words("qui dont lequel laquelle lesquels lesquelles"),
        evidential=_words("prétendument supposément soi-disant"),
        accusing=_words("accuser"),
        according=_words("selon"),
        speech_forms=_words(
            "dit déclaré affirmé annoncé expliqué ajouté souligné indiqué précisé assuré",
            "confirmé rappelé répondu écrit raconté averti dénoncé reconnu insisté lancé",
            "martelé déclare affirme explique ajoute souligne indique précise assure écrit",
            "note rappelle analyse insiste détaille annonce conclut résume",
        ),
        clause_openers=_words("que qu' qu\u2019"),
        markers=("selon", "d'après", "d\u2019après"),
        frame_words=_words("comme"),
        prepositions=_words("à en dans sur avec pour par devant lors"),
        entity_kinds={"PER": "PERSON", "LOC": "GPE", "MISC": ""},
    ),
    "de": Lexicon(
        speech_forms=_words(
            "sagte sagten sagt sagen erklärte erklärten erklärt betonte betonten betont",
            "schrieb schreibt warnte warnt behauptete behauptet berichtete berichtet",
            "verkündete bestätigte antwortete versicherte unterstrich ergänzte äußerte",
            "kritisierte meinte twitterte fragte fragt resümiert resümierte fügte ergänzt",
            "kommentierte kommentiert versichert mahnt mahnte teilte erzählte erzählt",
            "forderte fordert unterstreicht äußert kritisiert",
        ),
        after_quote_forms=_words("so"),
        clause_openers=_words("dass ob"),
        possessives=_words("sein seine seiner seinem seinen ihr ihre ihrer ihrem ihren"),
        pronouns={"er": "he", "sie": "they", "es": "it", "ihm": "he"},  # "ihm zufolge"
        markers=("laut", "nach angaben"),
        after_markers=("zufolge",),
        frame_words=_words("wie"),
        prepositions=_words("in an auf mit bei nach vor gegenüber im am"),
        capitalised_nouns=True,
        verb_second=True,
        articles=_words("der die das dem den des ein eine einem einer eines von vom für"),
        never_sources=_words(
            "ich wir du ihr und aber oder denn",
            "dann nun jetzt da doch zudem später zuvor bereits schon auch noch",  # "Dann sagte er"
        ),
    ),
    "it": Lexicon(
        speech_forms=_words(
            "detto dichiarato affermato spiegato aggiunto sottolineato ribadito scritto",
            "annunciato sostenuto commentato osservato ricordato avvertito risposto precisato",
            "denunciato accusato continuato concluso dice dicono dichiara afferma spiega",
            "aggiunge sottolinea scrive disse dichiarò affermò spiegò aggiunse sottolineò",
            "scrisse ribadisce ribadì osserva commenta avverte conclude tuona sostiene",
            "accusa spiegano rivelato rincarato evidenziato replicato riferito replica",
            "ribatte prosegue ammesso dichiarano affermano sottolineano",
        ),
        clause_openers=_words("che"),
        auxiliaries=_words("ha hanno aveva avevano avrebbe è poi"),
        possessives=_words("suo sua suoi sue"),
        pronouns={"lui": "he", "lei": "she", "egli": "he", "loro": "they"},
        markers=("secondo", "stando a", "a detta di"),
        frame_words=_words("come"),
        prepositions=_words("a in su con per da tra fra nel al sul dal durante"),
        not_before_marker=_words("il lo l' l\u2019 un del al nel dal sul per ogni"),
        never_sources=_words(
            "io noi tu voi e ed ma o ha hanno aveva avevano avrebbe è ho abbiamo",
            "poi anche oggi ieri si inoltre invece ancora infatti quindi però pure così già",
            "se altrove recentemente intervistato spiegando",
            "cui quale",  # relatives: the speaker stands before them
        ),
        negations=_words("non"),
    ),
    "pl": Lexicon(
        speech_forms=_words(
            "powiedział powiedziała powiedzieli mówi mówił mówiła stwierdził stwierdziła",
            "oświadczył oświadczyła podkreślił podkreśliła dodał dodała napisał napisała",
            "pisze zaznaczył zaznaczyła ocenił oceniła wyjaśnił wyjaśniła zapowiedział",
            "twierdzi twierdził przyznał przyznała ostrzegł ostrzegła poinformował",
            "poinformowała zauważył zauważyła odpowiedział odpowiedziała ocenia",
            "podsumowuje zaapelował zaapelowała pisał pisała wyjaśnia przekonywał przekonywała",
            "podkreśla wskazuje wskazał wskazała cytuje piszą szydził grzmi dodaje mówią",
            "zauważa zapewnia zapewnił zapewniła komentuje skomentował skomentowała stwierdza",
            "przekazał przekazała wezwał wezwała",
        ),
        clause_openers=_words("że"),
        possessives=_words("jego jej ich"),
        pronouns={"on": "he", "ona": "she", "oni": "they", "niego": "he", "niej": "she"}
        | {"nich": "they"},  # "według niego", "zdaniem nich"
        markers=("według", "zdaniem", "jak podaje", "jak informuje"),
        frame_words=_words("jak"),
        prepositions=_words("w we na do z ze o od po przy dla przez za podczas pytany"),
        never_sources=_words(
            "ja my ty wy i a ale oraz lub mnie też także jednak również już zaś więc natomiast",
            "bowiem ponadto wówczas gdzie kolei",
            "który która które którzy",  # relatives: the speaker stands before them
        ),
        negations=_words("nie"),
    ),
    "ru": Lexicon(
        speech_forms=_words(
            "заявил заявила заявили сказал сказала сказали сообщил сообщила сообщили",
            "отметил отметила отметили подчеркнул подчеркнула подчеркнули добавил добавила",
            "пояснил пояснила написал написала пишет говорит заявляет рассказал рассказала",
            "признал признала предупредил предупредила ответил ответила уточнил уточнила",
            "указал указала оценил оценила заметил заметила констатировал цитирует",
            "констатировали подытожил подытожила передал спросил спросила говорят заявляют",
            "отмечает подчеркивает подчёркивает пишут рассказывает добавляет поясняет",
            "напомнил напомнила призвал призвала указывал указывала",
        ),
        clause_openers=_words("что чтобы"),
        possessives=_words("его её их"),
        pronouns={"он": "he", "она": "she", "они": "they", "его": "he", "её": "she"},
        markers=(
            "по словам",
            "по данным",
            "по мнению",
            "по информации",
            "как сообщает",
            "по его словам",
            "по её словам",
            "по их словам",
        ),
        frame_words=_words("как"),
        prepositions=_words("в во на о об с со по к для из за у при"),
        never_sources=_words(
            "я мы ты вы и а но или ещё также тоже же ведь уже открыто",
            "который которая которое которые",  # relatives: the speaker stands before them
        ),
        negations=_words("не"),
    ),
}


def lexicon_for(language: str) -> Lexicon:
    """The lexicon of `language` (an ISO 639-1 code); an empty one for a language it lacks."""
    return LEXICONS.get(language, Lexicon())
