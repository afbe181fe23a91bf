"""The meme texts of SemEval-2021 Task 6 (subtask 2), as extra gold for the 14 PTC techniques.

The memes were annotated under the same guidelines as PTC with 20 techniques. 17 of them are
PTC's or merge into a PTC class (Straw Man and Red Herring into Whataboutism, Reductio ad
hitlerum into Bandwagon). Smears, Glittering generalities and Obfuscation have no PTC class: a
meme holding one of them is left out, since its text marked with them is no sure negative.
Each meme is one "article"; its id is "meme-" and the task's id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from propwatch.corpus.ptc import Label
from propwatch.errors import BadInput

FILES = ("training_set_task2.txt", "dev_set_task2.txt")
TO_PTC = {
    "Appeal to authority": "Appeal_to_Authority",
    "Appeal to fear/prejudice": "Appeal_to_fear-prejudice",
    "Bandwagon": "Bandwagon,Reductio_ad_hitlerum",
    "Reductio ad hitlerum": "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-white Fallacy/Dictatorship": "Black-and-White_Fallacy",
    "Causal Oversimplification": "Causal_Oversimplification",
    "Doubt": "Doubt",
    "Exaggeration/Minimisation": "Exaggeration,Minimisation",
    "Flag-waving": "Flag-Waving",
    "Loaded Language": "Loaded_Language",
    "Name calling/Labeling": "Name_Calling,Labeling",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Thought-terminating cliché": "Thought-terminating_Cliches",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Misrepresentation of Someone's Position (Straw Man)": "Whataboutism,Straw_Men,Red_Herring",
    "Presenting Irrelevant Data (Red Herring)": "Whataboutism,Straw_Men,Red_Herring",
}
WITHOUT_PTC_CLASS = frozenset(
    {"Smears", "Glittering generalities (Virtue)", "Obfuscation, Intentional vagueness, Confusion"}
)


def read_memes(folder: Path) -> tuple[dict[str, str], dict[str, list[Label]]]:
    """The texts and PTC-labelled fragments of every meme whose techniques all map to PTC."""
    texts: dict[str, str] = {}
    labels: dict[str, list[Label]] = {}
    for name in FILES:
        for meme in _records(folder / "data" / name):
            techniques = {label["technique"] for label in meme["labels"]}
            if techniques & WITHOUT_PTC_CLASS:
                continue
            unknown = techniques - TO_PTC.keys()
            if unknown:
                raise BadInput(f"{name}: meme {meme['id']} has unknown techniques {unknown}")
            meme_id = f"meme-{meme['id']}"
            texts[meme_id] = meme["text"]
            labels[meme_id] = [
                Label(meme_id, label["start"], label["end"], TO_PTC[label["technique"]])
                for label in meme["labels"]
            ]
    return texts, labels


def _records(path: Path) -> list[dict[str, Any]]:
    try:
        records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput(
            f"cannot read {path}: {error}; give the SemEval-2021 Task 6 folder (it holds data/)"
        ) from None
    return records
