"""The SemEval-2021 Task 6 memes as extra gold: PTC's technique names, exact offsets, and memes
with a technique PTC has no class for left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.corpus.memes import TO_PTC, WITHOUT_PTC_CLASS, read_memes
from propwatch.errors import BadInput
from propwatch.techniques import TECHNIQUE_NAMES

MEMES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2021-task6"
needs_memes = pytest.mark.skipif(not MEMES.is_dir(), reason="../shared data is not beside the repo")


def write_task(folder: Path, memes: list[dict]) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "training_set_task2.txt").write_text(json.dumps(memes))
    (folder / "data" / "dev_set_task2.txt").write_text("[]")
    return folder


def meme(meme_id: str, text: str, *labels: tuple[int, int, str]) -> dict:
    return {"id": meme_id, "text": text,
            "labels": [{"start": a, "end": b, "technique": t} for a, b, t in labels]}  # fmt: skip


def test_merged_classes_take_the_ptc_name_and_smears_leave_their_meme_out(tmp_path: Path):
    red_herring = "Presenting Irrelevant Data (Red Herring)"
    folder = write_task(tmp_path, [
        meme("1", "WHAT ABOUT HER EMAILS\nTRAITOR", (0, 21, red_herring),
             (22, 29, "Name calling/Labeling")),
        meme("2", "Crooked liar", (0, 12, "Smears")),
        meme("3", "A calm sunny day"),
    ])  # fmt: skip
    texts, labels = read_memes(folder)
    assert set(texts) == {"meme-1", "meme-3"} and labels["meme-3"] == []
    first = labels["meme-1"]
    assert [x.technique for x in first] == ["Whataboutism,Straw_Men,Red_Herring",
                                            "Name_Calling,Labeling"]  # fmt: skip
    assert texts["meme-1"][first[1].start : first[1].end] == "TRAITOR"


def test_an_unknown_technique_or_a_missing_folder_is_a_one_line_error(tmp_path: Path):
    folder = write_task(tmp_path / "odd", [meme("9", "Buy now", (0, 7, "Clickbait"))])
    with pytest.raises(BadInput, match="unknown techniques"):
        read_memes(folder)
    with pytest.raises(BadInput, match="SemEval-2021 Task 6 folder") as error:
        read_memes(tmp_path / "nowhere")
    assert "\n" not in str(error.value)


def test_the_mapping_covers_the_tasks_technique_list_with_ptc_names():
    assert set(TO_PTC.values()) == set(TECHNIQUE_NAMES)
    if MEMES.is_dir():
        listed = set((MEMES / "techniques_list_task1-2.txt").read_text().split("\n")) - {""}
        assert listed == set(TO_PTC) | WITHOUT_PTC_CLASS


@needs_memes
def test_every_kept_fragment_is_the_annotated_text():
    texts, labels = read_memes(MEMES)
    raw = {f"meme-{m['id']}": m for name in ("training_set_task2.txt", "dev_set_task2.txt")
           for m in json.loads((MEMES / "data" / name).read_text())}  # fmt: skip
    assert 400 < len(texts) < len(raw)
    for meme_id, kept in labels.items():
        fragments = [x["text_fragment"] for x in raw[meme_id]["labels"]]
        assert [texts[meme_id][x.start : x.end] for x in kept] == fragments


@needs_memes
def test_each_meme_trains_as_one_window_with_its_gold_spans_at_the_meme_weight():
    pytest.importorskip("torch", reason="needs the train extra")
    from propwatch.model.artifact import TOKENIZER_FILE
    from propwatch.model.windows import WindowTokenizer
    from propwatch.training.examples import NONE_CLASS
    from propwatch.training.folds import meme_windows
    from propwatch.training.loop import Recipe
    from propwatch.training.train import encoder_dir

    tokenizer = WindowTokenizer(encoder_dir() / TOKENIZER_FILE)
    windows = meme_windows(tokenizer, MEMES, Recipe(meme_weight=0.25))
    texts, labels = read_memes(MEMES)
    assert len(windows) == len(texts) and {w.weight for w in windows} == {0.25}
    techniques = [s.technique for w in windows for s in w.spans if s.technique != NONE_CLASS]
    assert len(techniques) == sum(len(found) for found in labels.values())
