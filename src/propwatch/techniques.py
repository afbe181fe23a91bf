"""The technique taxonomy: the 14 classes of SemEval-2020 Task 11, as data.

`TECHNIQUE_NAMES` holds the exact PTC labels in the order the model's label ids follow;
`TECHNIQUES` holds one `Technique` per label, in the same order. Look a technique up with
`by_name` (exact PTC label), `by_id` (stable slug) or `lookup` (either, case-insensitive).

The palette: the one set of highlight colours that the terminal, the HTML report and the web
page use. Each technique has three backgrounds, and every highlight sets its text colour too
(`ink_on`: #111111 or #F2F2F2, whichever contrasts more), so it reads the same on a light or a
dark page or terminal:

- `color`, for light pages and true- or 256-colour terminals: Paul Tol's qualitative schemes for
  colour-blind readers (https://personal.sron.nl/~pault/, "light" and "pale"): the nine "light"
  colours plus the five "pale" ones, exactly 14, all with contrast >= 7 against #111111. The eight
  classes with the most training spans get the more saturated "light" colours, chosen so that the
  pairs hardest to tell apart under simulated colour-vision deficiency fall on rare classes.
- `dark`, for dark pages: the same hue, darkened until #F2F2F2 text has contrast >= 6.
- `ansi`, for 16-colour terminals, where each terminal theme chooses its own shades: one of the
  six backgrounds whose text (`ANSI_INK`) keeps contrast >= 4.5 in the xterm, VGA, Windows
  Campbell and GNOME Tango palettes. Greys, black and white are never used: one of them is always
  the terminal's own background.

With 14 colours no palette is fully separable for every reader, so a colour must never be the
only cue: show the technique's name too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from propwatch.errors import PropwatchError

__all__ = [
    "ANSI_INK",
    "SEMEVAL2023_NAMES",
    "SEMEVAL2023_NEAREST",
    "SEMEVAL2023_TO_PTC",
    "SEMEVAL2023_UNMAPPED",
    "TECHNIQUES",
    "TECHNIQUE_NAMES",
    "Technique",
    "UnknownTechniqueError",
    "by_id",
    "by_name",
    "contrast",
    "ink_on",
    "lookup",
    "to_ptc",
]

TECHNIQUE_NAMES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

SEMEVAL2023_NAMES: tuple[str, ...] = (
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
)
"""The 23 techniques of SemEval-2023 Task 3 (subtask 3), spelled as in that taxonomy."""


@dataclass(frozen=True, slots=True)
class Technique:
    """One propaganda technique of the SemEval-2020 Task 11 taxonomy."""

    name: str
    """The exact PTC label, e.g. ``Name_Calling,Labeling``."""
    id: str
    """A stable ASCII snake_case slug, e.g. ``name_calling``; never changes."""
    index: int
    """Position in `TECHNIQUE_NAMES`: the model's label id."""
    display_name: str
    """A name for people, e.g. ``Name calling / labeling``."""
    definition: str
    """What the technique is, in one or two plain sentences."""
    example: str
    """A short invented sentence that uses the technique."""
    semeval2023: tuple[str, ...]
    """The SemEval-2023 Task 3 techniques this class corresponds to."""
    color: str
    """Highlight background on light pages and colour terminals, ``#RRGGBB``."""
    dark: str
    """Highlight background on dark pages, ``#RRGGBB``."""
    ansi: str
    """Highlight background on 16-colour terminals: a key of `ANSI_INK`."""


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        name="Appeal_to_Authority",
        id="appeal_to_authority",
        index=0,
        display_name="Appeal to authority",
        definition=(
            "Presents a claim as true mainly because an expert, official or famous person backs "
            "it, instead of giving evidence. The person cited may not even be an expert on the "
            "subject."
        ),
        example=(
            "A Nobel laureate has said the new tariff will pay for itself, and that should be "
            "enough for anyone."
        ),
        semeval2023=("Appeal_to_Authority",),
        color="#CCEEFF",  # Tol pale cyan
        dark="#0B0B50",
        ansi="bright_cyan",
    ),
    Technique(
        name="Appeal_to_fear-prejudice",
        id="appeal_to_fear_prejudice",
        index=1,
        display_name="Appeal to fear / prejudice",
        definition=(
            "Wins support for an idea by stirring up fear or panic about the alternative, or by "
            "playing on existing prejudice against a group."
        ),
        example=(
            "If this bill passes, your children will walk to school past gangs the police are no "
            "longer allowed to stop."
        ),
        semeval2023=("Appeal_to_Fear-Prejudice",),
        color="#EE8866",  # Tol light orange
        dark="#953F23",
        ansi="red",
    ),
    Technique(
        name="Bandwagon,Reductio_ad_hitlerum",
        id="bandwagon",
        index=2,
        display_name="Bandwagon / reductio ad Hitlerum",
        definition=(
            "Urges people to accept an idea because everyone else supposedly does (bandwagon), or "
            "to reject it because a hated group or figure holds it (reductio ad Hitlerum)."
        ),
        example=(
            "Every serious country has already adopted the plan, and its only opponents are the "
            "same people who once cheered the junta."
        ),
        semeval2023=("Appeal_to_Popularity", "Guilt_by_Association"),
        color="#FFCCCC",  # Tol pale red
        dark="#A92828",
        ansi="red",
    ),
    Technique(
        name="Black-and-White_Fallacy",
        id="black_and_white_fallacy",
        index=3,
        display_name="Black-and-white fallacy",
        definition=(
            "Presents two options as the only possible ones when more exist, or presents one "
            "option as the only choice."
        ),
        example="Either we close the border tomorrow or we give up on having a country at all.",
        semeval2023=("False_Dilemma-No_Choice",),
        color="#EEEEBB",  # Tol pale yellow
        dark="#423D24",
        ansi="bright_yellow",
    ),
    Technique(
        name="Causal_Oversimplification",
        id="causal_oversimplification",
        index=4,
        display_name="Causal oversimplification",
        definition=(
            "Blames a complex problem on a single cause, or credits a single cause for a complex "
            "outcome, when several causes are at work."
        ),
        example="Rents doubled for one reason only: the new mayor took office in March.",
        semeval2023=("Causal_Oversimplification",),
        color="#BBCC33",  # Tol light pear
        dark="#465F14",
        ansi="bright_green",
    ),
    Technique(
        name="Doubt",
        id="doubt",
        index=5,
        display_name="Doubt",
        definition=(
            "Questions the credibility of a person, group or institution to make readers distrust "
            "them, without showing that they are actually unreliable."
        ),
        example="Can we really trust a health agency that keeps changing its advice every month?",
        semeval2023=("Doubt",),
        color="#FFAABB",  # Tol light pink
        dark="#A92842",
        ansi="magenta",
    ),
    Technique(
        name="Exaggeration,Minimisation",
        id="exaggeration",
        index=6,
        display_name="Exaggeration / minimisation",
        definition=(
            "Makes something look much bigger, better or worse than it is, or plays it down as "
            "smaller or less important than it is."
        ),
        example="The minister called the flooding of 300 homes a bit of water in a few basements.",
        semeval2023=("Exaggeration-Minimisation",),
        color="#99DDFF",  # Tol light cyan
        dark="#1E5F80",
        ansi="bright_cyan",
    ),
    Technique(
        name="Flag-Waving",
        id="flag_waving",
        index=7,
        display_name="Flag-waving",
        definition=(
            "Justifies an idea or action by appealing to pride in a group, such as the nation, a "
            "religion, an ethnic group or a party, rather than by argument."
        ),
        example="Any true patriot will back this budget: our nation's honour depends on it.",
        semeval2023=("Flag_Waving",),
        color="#44BB99",  # Tol light mint
        dark="#256553",
        ansi="bright_green",
    ),
    Technique(
        name="Loaded_Language",
        id="loaded_language",
        index=8,
        display_name="Loaded language",
        definition=(
            "Uses words and phrases with strong emotional overtones, positive or negative, to "
            "sway readers rather than inform them."
        ),
        example="The council's reckless scheme will bulldoze the beating heart of our old town.",
        semeval2023=("Loaded_Language",),
        color="#EEDD88",  # Tol light yellow
        dark="#675A18",
        ansi="bright_yellow",
    ),
    Technique(
        name="Name_Calling,Labeling",
        id="name_calling",
        index=9,
        display_name="Name calling / labeling",
        definition=(
            "Pins a label on a person or group that readers fear, despise or admire, so they are "
            "judged by the label instead of by what they said or did."
        ),
        example="Senator Doe, darling of the coffee-shop radicals, voted against the bill again.",
        semeval2023=("Name_Calling-Labeling",),
        color="#77AADD",  # Tol light blue
        dark="#255C93",
        ansi="blue",
    ),
    Technique(
        name="Repetition",
        id="repetition",
        index=10,
        display_name="Repetition",
        definition=(
            "Repeats the same message, phrase or claim over and over so that readers come to "
            "accept it."
        ),
        example=(
            "The deal is a disaster: a disaster for workers, a disaster for farmers, a disaster "
            "for all of us."
        ),
        semeval2023=("Repetition",),
        color="#AAAA00",  # Tol light olive
        dark="#492512",
        ansi="bright_yellow",
    ),
    Technique(
        name="Slogans",
        id="slogans",
        index=11,
        display_name="Slogans",
        definition=(
            "Uses a brief, catchy phrase, often a call to action, in place of an argument; it may "
            "carry labels or stereotypes."
        ),
        example="Clean streets, safe streets: vote yes on Measure 4!",
        semeval2023=("Slogans",),
        color="#DDDDDD",  # Tol pale grey
        dark="#595959",
        ansi="magenta",
    ),
    Technique(
        name="Thought-terminating_Cliches",
        id="thought_terminating_cliches",
        index=12,
        display_name="Thought-terminating cliches",
        definition=(
            "Uses a short, stock phrase that discourages further thought and ends the discussion "
            "of a point, such as 'it is what it is'."
        ),
        example="Some will question the decision, but rules are rules and that is the end of it.",
        semeval2023=("Conversation_Killer",),
        color="#CCDDAA",  # Tol pale green
        dark="#425634",
        ansi="bright_green",
    ),
    Technique(
        name="Whataboutism,Straw_Men,Red_Herring",
        id="whataboutism",
        index=13,
        display_name="Whataboutism / straw man / red herring",
        definition=(
            "Dodges an argument: by accusing the critic of hypocrisy instead of answering "
            "(whataboutism), by attacking a distorted version of their view (straw man), or by "
            "switching to an unrelated topic (red herring)."
        ),
        example=(
            "Critics attack our emissions record, but what about the smoke from their own "
            "country's factories?"
        ),
        # PTC's whataboutism charges the critic with hypocrisy: 2023's Appeal_to_Hypocrisy
        semeval2023=("Whataboutism", "Straw_Man", "Red_Herring", "Appeal_to_Hypocrisy"),
        color="#BBCCEE",  # Tol pale blue
        dark="#5A4FA0",
        ansi="blue",
    ),
)


# The text colour on each 16-colour background (Rich colour names)
ANSI_INK: dict[str, str] = {
    "red": "bright_white",
    "blue": "bright_white",
    "magenta": "bright_white",
    "bright_green": "black",
    "bright_yellow": "black",
    "bright_cyan": "black",
}
DARK_INK, LIGHT_INK = "#111111", "#F2F2F2"


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(background: str) -> str:
    """The text colour for a highlight on `background`: the darker or the lighter ink."""
    return max((DARK_INK, LIGHT_INK), key=lambda ink: contrast(ink, background))


class UnknownTechniqueError(PropwatchError, LookupError):
    """A technique name or id that is not in the taxonomy."""


def _key(text: str) -> str:
    """Case- and separator-insensitive form: 'Flag-Waving' and 'flag waving' -> 'flag_waving'."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_BY_NAME: dict[str, Technique] = {t.name: t for t in TECHNIQUES}
_BY_ID: dict[str, Technique] = {t.id: t for t in TECHNIQUES}
_BY_KEY: dict[str, Technique] = {
    _key(text): t for t in TECHNIQUES for text in (t.name, t.id, t.display_name)
}


def _unknown(kind: str, value: object) -> UnknownTechniqueError:
    message = f"unknown technique {kind} {value!r}"
    if isinstance(value, str):
        close = difflib.get_close_matches(_key(value), list(_BY_KEY), n=1, cutoff=0.6)
        if close:
            match = _BY_KEY[close[0]]
            message += f" (did you mean {match.name!r}, id {match.id!r}?)"
    return UnknownTechniqueError(
        f"{message}; `propwatch techniques` lists the {len(TECHNIQUES)} valid names and ids"
    )


def by_name(name: str) -> Technique:
    """The technique with this exact PTC label, e.g. ``Loaded_Language``.

    Raises `UnknownTechniqueError` (a `PropwatchError`) if there is none.
    """
    technique = _BY_NAME.get(name) if isinstance(name, str) else None
    if technique is None:
        raise _unknown("name", name)
    return technique


def by_id(id: str) -> Technique:
    """The technique with this stable id, e.g. ``loaded_language``.

    Raises `UnknownTechniqueError` (a `PropwatchError`) if there is none.
    """
    technique = _BY_ID.get(id) if isinstance(id, str) else None
    if technique is None:
        raise _unknown("id", id)
    return technique


def lookup(key: str) -> Technique:
    """The technique matching a PTC name, an id or a display name.

    Case, spaces and punctuation are ignored: ``"loaded language"``, ``"Loaded_Language"`` and
    ``"LOADED-LANGUAGE"`` all find Loaded Language. Raises `UnknownTechniqueError` (a
    `PropwatchError`) if nothing matches.
    """
    technique = _BY_KEY.get(_key(key)) if isinstance(key, str) else None
    if technique is None:
        raise _unknown("name or id", key)
    return technique


SEMEVAL2023_TO_PTC: dict[str, str] = {
    name: technique.name for technique in TECHNIQUES for name in technique.semeval2023
}
"""The PTC class of each of the 18 SemEval-2023 techniques that have one (the reverse of
`Technique.semeval2023`)."""

SEMEVAL2023_UNMAPPED: tuple[str, ...] = tuple(
    name for name in SEMEVAL2023_NAMES if name not in SEMEVAL2023_TO_PTC
)
"""The five SemEval-2023 techniques with no PTC class."""

SEMEVAL2023_NEAREST: dict[str, str] = {
    # Justifies by what a group holds dear (tradition, religion, freedom), as flag-waving
    # justifies by pride in the group itself.
    "Appeal_to_Values": "Flag-Waving",
    # The slippery slope: one step is said to set off a chain of consequences, a causal
    # oversimplification run forwards.
    "Consequential_Oversimplification": "Causal_Oversimplification",
    # "Time is running out": urgency that builds support by making readers anxious about delay.
    "Appeal_to_Time": "Appeal_to_fear-prejudice",
    # Attacks a target's character so readers distrust it: PTC's Doubt questions credibility.
    "Questioning_the_Reputation": "Doubt",
    # Deliberately unclear wording meant to mislead; PTC dropped its own Obfuscation class as too
    # rare, and its spans lean on emotionally charged vagueness.
    "Obfuscation-Vagueness-Confusion": "Loaded_Language",
}
"""The proposed nearest PTC class of each technique in `SEMEVAL2023_UNMAPPED` (the "nearest"
policy of `propwatch.corpus.semeval2023`)."""


def to_ptc(name: str, nearest: bool = False) -> str | None:
    """The PTC class of a SemEval-2023 technique; for one without, its nearest class if
    `nearest`, else None. Raises `UnknownTechniqueError` for a name outside the 2023 taxonomy."""
    if name not in SEMEVAL2023_NAMES:
        raise UnknownTechniqueError(
            f"unknown SemEval-2023 technique {name!r}; the 23 names are in "
            "propwatch.techniques.SEMEVAL2023_NAMES"
        )
    return SEMEVAL2023_TO_PTC.get(name) or (SEMEVAL2023_NEAREST[name] if nearest else None)
