"""The technique taxonomy: names, ids, the 2023 mapping, lookups and highlight colours."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from pathlib import Path

import pytest
from rich.color import ANSI_COLOR_NAMES

from propwatch import techniques
from propwatch.errors import PropwatchError
from propwatch.techniques import TECHNIQUE_NAMES, TECHNIQUES, Technique, by_id, by_name, lookup
from terminal_palettes import NEUTRAL, PALETTES, contrast

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
OFFICIAL_NAMES_FILE = SHARED / "data" / "ptc" / "propaganda-techniques-names-semeval2020task11.txt"

# SemEval-2023 Task 3 (subtask 3): the 23 techniques, spelled as in that taxonomy. Kept here, apart
# from the module's own copy, so that a typo in either one fails a test.
SEMEVAL2023 = frozenset(
    {
        "Name_Calling-Labeling",
        "Guilt_by_Association",
        "Doubt",
        "Appeal_to_Hypocrisy",
        "Questioning_the_Reputation",
        "Flag_Waving",
        "Appeal_to_Authority",
        "Appeal_to_Popularity",
        "Appeal_to_Values",
        "Appeal_to_Fear-Prejudice",
        "Loaded_Language",
        "Obfuscation-Vagueness-Confusion",
        "Exaggeration-Minimisation",
        "Repetition",
        "Slogans",
        "Conversation_Killer",
        "Causal_Oversimplification",
        "False_Dilemma-No_Choice",
        "Consequential_Oversimplification",
        "Straw_Man",
        "Red_Herring",
        "Whataboutism",
        "Appeal_to_Time",
    }
)

# Ids are part of the public contract (JSON output, URLs, stored results): never change them.
FROZEN_IDS = {
    "Appeal_to_Authority": "appeal_to_authority",
    "Appeal_to_fear-prejudice": "appeal_to_fear_prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "bandwagon",
    "Black-and-White_Fallacy": "black_and_white_fallacy",
    "Causal_Oversimplification": "causal_oversimplification",
    "Doubt": "doubt",
    "Exaggeration,Minimisation": "exaggeration",
    "Flag-Waving": "flag_waving",
    "Loaded_Language": "loaded_language",
    "Name_Calling,Labeling": "name_calling",
    "Repetition": "repetition",
    "Slogans": "slogans",
    "Thought-terminating_Cliches": "thought_terminating_cliches",
    "Whataboutism,Straw_Men,Red_Herring": "whataboutism",
}

# Paul Tol's "light" and "pale" qualitative schemes (https://personal.sron.nl/~pault/).
TOL_LIGHT = {"#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00"}
TOL_PALE = {"#BBCCEE", "#CCEEFF", "#CCDDAA", "#EEEEBB", "#FFCCCC", "#DDDDDD"}

# The eight classes with at least 200 spans in PTC train: they get the clearest colours.
COMMON = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
)


# --- names, ids, order ----------------------------------------------------------------------


def test_technique_names_are_the_14_ptc_labels_in_order() -> None:
    assert len(TECHNIQUE_NAMES) == 14
    assert list(TECHNIQUE_NAMES) == sorted(TECHNIQUE_NAMES)
    assert TECHNIQUE_NAMES[0] == "Appeal_to_Authority"
    assert TECHNIQUE_NAMES[-1] == "Whataboutism,Straw_Men,Red_Herring"


def test_technique_names_match_the_official_file() -> None:
    if not OFFICIAL_NAMES_FILE.is_file():
        pytest.skip(f"shared data not present: {OFFICIAL_NAMES_FILE} is missing")
    official = [
        line.strip() for line in OFFICIAL_NAMES_FILE.read_text("utf-8").splitlines() if line.strip()
    ]
    assert tuple(official) == TECHNIQUE_NAMES


def test_techniques_follow_technique_names_and_index_is_position() -> None:
    assert tuple(t.name for t in TECHNIQUES) == TECHNIQUE_NAMES
    for position, technique in enumerate(TECHNIQUES):
        assert isinstance(technique, Technique)
        assert technique.index == position


def test_ids_are_unique_snake_case_ascii() -> None:
    ids = [t.id for t in TECHNIQUES]
    assert len(set(ids)) == len(ids)
    for technique_id in ids:
        assert technique_id.isascii()
        assert re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", technique_id), technique_id
        assert len(technique_id) <= 40


def test_ids_never_change() -> None:
    assert {t.name: t.id for t in TECHNIQUES} == FROZEN_IDS


def test_display_names_definitions_and_examples_are_filled_in() -> None:
    display_names = [t.display_name for t in TECHNIQUES]
    assert len({d.casefold() for d in display_names}) == len(display_names)
    assert by_name("Name_Calling,Labeling").display_name == "Name calling / labeling"
    for t in TECHNIQUES:
        assert t.display_name and t.display_name == t.display_name.strip()
        assert t.display_name[0].isupper()
        assert "_" not in t.display_name
        sentences = re.findall(r"[.!?](?:\s|$)", t.definition)
        assert 1 <= len(sentences) <= 2, t.definition
        assert 40 <= len(t.definition) <= 300, t.definition
        assert 15 <= len(t.example) <= 160, t.example
        assert t.example[-1] in ".!?", t.example
        assert t.example != t.definition
    assert len({t.example for t in TECHNIQUES}) == len(TECHNIQUES)
    assert len({t.definition for t in TECHNIQUES}) == len(TECHNIQUES)


def test_technique_is_frozen() -> None:
    technique = TECHNIQUES[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        technique.id = "something_else"  # type: ignore[misc]
    assert technique.id == "appeal_to_authority"


# --- SemEval-2023 mapping -------------------------------------------------------------------


def test_semeval2023_reference_list_has_23_names() -> None:
    assert len(SEMEVAL2023) == 23
    assert set(techniques.SEMEVAL2023_NAMES) == SEMEVAL2023
    assert len(techniques.SEMEVAL2023_NAMES) == 23


def test_every_2023_name_is_in_the_official_list() -> None:
    for t in TECHNIQUES:
        assert isinstance(t.semeval2023, tuple)
        assert t.semeval2023, f"{t.name} maps to no 2023 technique"
        assert len(set(t.semeval2023)) == len(t.semeval2023)
        unknown = set(t.semeval2023) - SEMEVAL2023
        assert not unknown, f"{t.name}: {sorted(unknown)} are not SemEval-2023 names"


def test_no_2023_name_is_claimed_by_two_classes() -> None:
    targets = [name for t in TECHNIQUES for name in t.semeval2023]
    assert len(targets) == len(set(targets))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Bandwagon,Reductio_ad_hitlerum", ("Appeal_to_Popularity", "Guilt_by_Association")),
        (
            "Whataboutism,Straw_Men,Red_Herring",
            ("Whataboutism", "Straw_Man", "Red_Herring", "Appeal_to_Hypocrisy"),
        ),
        ("Thought-terminating_Cliches", ("Conversation_Killer",)),
        ("Black-and-White_Fallacy", ("False_Dilemma-No_Choice",)),
        ("Name_Calling,Labeling", ("Name_Calling-Labeling",)),
        ("Flag-Waving", ("Flag_Waving",)),
        ("Appeal_to_fear-prejudice", ("Appeal_to_Fear-Prejudice",)),
        ("Exaggeration,Minimisation", ("Exaggeration-Minimisation",)),
        ("Loaded_Language", ("Loaded_Language",)),
        ("Doubt", ("Doubt",)),
    ],
)
def test_semeval2023_mapping(name: str, expected: tuple[str, ...]) -> None:
    assert by_name(name).semeval2023 == expected


# --- lookups --------------------------------------------------------------------------------


def test_by_name_and_by_id_find_every_technique() -> None:
    for t in TECHNIQUES:
        assert by_name(t.name) is t
        assert by_id(t.id) is t


@pytest.mark.parametrize(
    ("key", "expected_id"),
    [
        ("Loaded_Language", "loaded_language"),
        ("loaded_language", "loaded_language"),
        ("LOADED_LANGUAGE", "loaded_language"),
        ("loaded language", "loaded_language"),
        ("  Loaded-Language ", "loaded_language"),
        ("name_calling,labeling", "name_calling"),
        ("Name calling / labeling", "name_calling"),
        ("NAME_CALLING", "name_calling"),
        ("flag-waving", "flag_waving"),
        ("Whataboutism,Straw_Men,Red_Herring", "whataboutism"),
        ("bandwagon", "bandwagon"),
    ],
)
def test_lookup_accepts_names_ids_and_display_names_in_any_case(key: str, expected_id: str) -> None:
    assert lookup(key).id == expected_id


def test_lookup_finds_every_technique_by_each_key() -> None:
    for t in TECHNIQUES:
        for key in (t.name, t.id, t.display_name, t.name.upper(), t.id.upper()):
            assert lookup(key) is t


def _assert_helpful_error(excinfo: pytest.ExceptionInfo[PropwatchError], bad: object) -> None:
    message = str(excinfo.value)
    assert repr(bad) in message
    assert "`propwatch techniques`" in message
    assert "\n" not in message
    assert isinstance(excinfo.value, LookupError)


@pytest.mark.parametrize("bad", ["Loaded Language", "loaded_language", "Flag_Waving", "", "Nope"])
def test_by_name_rejects_anything_but_an_exact_ptc_label(bad: str) -> None:
    with pytest.raises(PropwatchError) as excinfo:
        by_name(bad)
    _assert_helpful_error(excinfo, bad)


@pytest.mark.parametrize("bad", ["Loaded_Language", "LOADED_LANGUAGE", "name-calling", "", "x"])
def test_by_id_rejects_anything_but_an_exact_id(bad: str) -> None:
    with pytest.raises(PropwatchError) as excinfo:
        by_id(bad)
    _assert_helpful_error(excinfo, bad)


@pytest.mark.parametrize("bad", ["", "   ", "propaganda", "Appeal_to_Popularity", "doubts!!x"])
def test_lookup_rejects_unknown_keys(bad: str) -> None:
    with pytest.raises(PropwatchError) as excinfo:
        lookup(bad)
    _assert_helpful_error(excinfo, bad)


@pytest.mark.parametrize("function", [by_name, by_id, lookup])
@pytest.mark.parametrize("bad", [None, 8, ["Doubt"]])
def test_lookups_reject_non_strings_with_a_propwatch_error(function, bad) -> None:
    with pytest.raises(PropwatchError) as excinfo:
        function(bad)
    _assert_helpful_error(excinfo, bad)


def test_error_suggests_the_closest_technique() -> None:
    with pytest.raises(PropwatchError, match="did you mean 'Loaded_Language'"):
        by_name("Loaded_Languge")
    with pytest.raises(PropwatchError, match="id 'flag_waving'"):
        by_id("flag_wavin")


def test_lookup_keys_are_unambiguous() -> None:
    normalised: dict[str, str] = {}
    for t in TECHNIQUES:
        for text in (t.name, t.id, t.display_name):
            key = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
            assert normalised.setdefault(key, t.id) == t.id, f"{text!r} is ambiguous"


# --- colours --------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance."""
    r, g, b = (_linear(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio, (L1 + 0.05) / (L2 + 0.05) with L1 the lighter."""
    la, lb = _relative_luminance(a), _relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear sRGB.
CVD = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}


def _lab(hex_colour: str, vision: str | None = None) -> tuple[float, float, float]:
    """CIELAB (D65) of a colour, optionally as seen with a colour-vision deficiency."""
    rgb = [_linear(c) for c in _rgb(hex_colour)]
    if vision is not None:
        matrix = CVD[vision]
        rgb = [
            min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
        ]
    r, g, b = rgb
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _delta_e2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    d_l, d_c = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        d_h_angle = 0.0
    else:
        d_h_angle = h2p - h1p
        if d_h_angle > 180:
            d_h_angle -= 360
        elif d_h_angle < -180:
            d_h_angle += 360
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(d_h_angle / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def _distance(a: str, b: str, vision: str | None = None) -> float:
    return _delta_e2000(_lab(a, vision), _lab(b, vision))


def test_wcag_contrast_helper_matches_known_values() -> None:
    assert _contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert _contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert _contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert _contrast("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # rows 1, 7, 17 and 25 of the CIEDE2000 test data of Sharma, Wu & Dalal (2005)
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ],
)
def test_delta_e2000_helper_matches_reference_data(lab1, lab2, expected) -> None:
    assert _delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_colours_are_hex_and_unique() -> None:
    colours = [t.color for t in TECHNIQUES]
    for colour in colours:
        assert re.fullmatch(r"#[0-9A-F]{6}", colour), colour
    assert len(set(colours)) == len(colours)


def test_colours_come_from_tol_light_and_pale_schemes() -> None:
    assert {t.color for t in TECHNIQUES} <= TOL_LIGHT | TOL_PALE
    assert {by_name(name).color for name in COMMON} == TOL_LIGHT


@pytest.mark.parametrize("technique", TECHNIQUES, ids=lambda t: t.id)
def test_dark_text_on_every_colour_is_readable(technique: Technique) -> None:
    ratio = _contrast(technique.color, "#111111")
    assert ratio >= 4.5, f"{technique.id}: contrast {ratio:.2f} < 4.5 (WCAG AA)"
    assert ratio >= 7.0, f"{technique.id}: contrast {ratio:.2f} < 7 (WCAG AAA, as documented)"


@pytest.mark.parametrize("technique", TECHNIQUES, ids=lambda t: t.id)
def test_every_colour_stands_out_from_a_white_page(technique: Technique) -> None:
    assert _distance(technique.color, "#FFFFFF") >= 7.0


def test_colours_are_pairwise_distinct_for_normal_vision() -> None:
    for a, b in itertools.combinations(TECHNIQUES, 2):
        distance = _distance(a.color, b.color)
        assert distance >= 6.0, f"{a.id} {a.color} and {b.id} {b.color}: dE2000 {distance:.1f}"


@pytest.mark.parametrize("vision", sorted(CVD))
def test_colours_stay_apart_with_colour_vision_deficiency(vision: str) -> None:
    # 14 light colours cannot all stay far apart for dichromats; hold the floor we reach, and a
    # much higher one among the eight common classes, which most articles show together.
    for a, b in itertools.combinations(TECHNIQUES, 2):
        distance = _distance(a.color, b.color, vision)
        floor = 7.0 if a.name in COMMON and b.name in COMMON else 2.5
        assert distance >= floor, f"{vision}: {a.id} and {b.id} only dE2000 {distance:.1f} apart"


# --- the palette in both page themes and on 16-colour terminals ---------------------------------

DARK_CARD = "#1D2127"  # the report's dark-theme card, behind the article (report.css)


def test_palette_contrast_helper_is_wcag() -> None:
    for a, b in itertools.combinations(["#000000", "#FFFFFF", "#777777", "#EE8866"], 2):
        assert techniques.contrast(a, b) == pytest.approx(_contrast(a, b))


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("technique", TECHNIQUES, ids=lambda t: t.id)
def test_highlight_text_is_readable_in_both_themes(technique: Technique, theme: str) -> None:
    background = technique.color if theme == "light" else technique.dark
    ink = techniques.ink_on(background)
    assert _contrast(ink, background) >= 4.5, f"{technique.id} {theme}: {ink} on {background}"


@pytest.mark.parametrize("technique", TECHNIQUES, ids=lambda t: t.id)
def test_dark_highlights_stand_out_from_the_dark_page(technique: Technique) -> None:
    assert re.fullmatch(r"#[0-9A-F]{6}", technique.dark)
    assert _distance(technique.dark, DARK_CARD) >= 15.0


def test_dark_highlights_are_pairwise_distinct() -> None:
    for a, b in itertools.combinations(TECHNIQUES, 2):
        distance = _distance(a.dark, b.dark)
        assert distance >= 6.0, f"{a.id} {a.dark} and {b.id} {b.dark}: dE2000 {distance:.1f}"


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_sixteen_colour_fallback_reads_in_common_terminal_themes(palette: str) -> None:
    colours = PALETTES[palette]
    for technique in TECHNIQUES:
        background = ANSI_COLOR_NAMES[technique.ansi]
        ink = ANSI_COLOR_NAMES[techniques.ANSI_INK[technique.ansi]]
        # never black, white or grey: one of those is the terminal's own background
        assert background not in NEUTRAL, f"{technique.id}: {technique.ansi}"
        ratio = contrast(colours[ink], colours[background])
        assert ratio >= 4.5, f"{palette}: {technique.id} {ratio:.2f}"
