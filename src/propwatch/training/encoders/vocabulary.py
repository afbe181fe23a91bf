"""A SentencePiece (Unigram) vocabulary trimmed to the pieces some languages need.

XLM-R's 250,002 pieces cover a hundred languages and make most of the encoder's weights. We keep
the special tokens, every piece the full tokenizer uses on the chosen texts, and the single
characters of Latin, Greek and Cyrillic script, digits, punctuation and symbols, so that a word
none of the texts held can still be spelled out instead of becoming <unk>. The kept pieces keep
their order (the special tokens their ids) and their scores; the embedding matrix keeps their rows.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from propwatch.training.encoders.e5 import (
    TOKENIZER_FILE,
    WEIGHTS_FILE,
    tokenizer_pieces,
    write_folder,
)

WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ")
UNKNOWN = "<unk>"
BATCH = 256


def pieces_used(tokenizer: Tokenizer, texts: Iterable[str]) -> set[int]:
    """The ids of every piece `tokenizer` makes of the texts."""
    used: set[int] = set()
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) == BATCH:
            used.update(_ids(tokenizer, batch))
            batch = []
    used.update(_ids(tokenizer, batch))
    return used


def _ids(tokenizer: Tokenizer, texts: list[str]) -> set[int]:
    encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
    return {piece for encoding in encodings for piece in encoding.ids}


def spells_words(character: str) -> bool:
    """A character worth a piece of its own: a letter of Latin, Greek or Cyrillic script, or a
    digit, punctuation, symbol or space of any script."""
    if unicodedata.category(character)[0] in "NPSZ":
        return True
    return unicodedata.name(character, "").startswith(SCRIPTS)


def fallback_pieces(pieces: Sequence[str]) -> set[int]:
    """The ids of the single-character pieces that `spells_words` keeps."""
    return {i for i, piece in enumerate(pieces) if len(piece) == 1 and spells_words(piece)}


def special_ids(tokenizer: dict[str, Any]) -> set[int]:
    return {int(token["id"]) for token in tokenizer["added_tokens"]}


def pieces_to_keep(tokenizer: dict[str, Any], texts: Iterable[str]) -> list[int]:
    """Sorted ids of the pieces a trimmed vocabulary keeps for `texts` (see the module doc)."""
    full = Tokenizer.from_str(json.dumps(tokenizer))
    keep = special_ids(tokenizer) | fallback_pieces(tokenizer_pieces(tokenizer))
    return sorted(keep | pieces_used(full, texts))


def trim_tokenizer(tokenizer: dict[str, Any], keep: Sequence[int]) -> dict[str, Any]:
    """tokenizer.json with only the pieces `keep` (sorted ids), every id renumbered."""
    new_id = {old: new for new, old in enumerate(keep)}
    missing = special_ids(tokenizer) - new_id.keys()
    if missing:
        raise ValueError(f"the special tokens {sorted(missing)} must be kept")
    trimmed = copy.deepcopy({key: value for key, value in tokenizer.items() if key != "model"})
    model = tokenizer["model"]
    vocab = model["vocab"]
    trimmed["model"] = model | {
        "vocab": [vocab[i] for i in keep],
        "unk_id": new_id[model["unk_id"]],
    }
    for token in trimmed["added_tokens"]:
        token["id"] = new_id[token["id"]]
    processor = trimmed["post_processor"]
    if processor is not None:
        if processor.get("type") != "TemplateProcessing":
            raise ValueError(f"cannot renumber a {processor.get('type')} post-processor")
        for special in processor["special_tokens"].values():
            special["ids"] = [new_id[i] for i in special["ids"]]
    return trimmed


def trim_folder(source: Path, out: Path, keep: Sequence[int]) -> None:
    """A copy of the Hugging Face folder `source` with only the pieces `keep`: tokenizer and
    word-embedding rows."""
    state = load_file(str(source / WEIGHTS_FILE))
    state[WORD_EMBEDDINGS] = np.ascontiguousarray(state[WORD_EMBEDDINGS][np.asarray(keep)])
    config = json.loads((source / "config.json").read_text()) | {"vocab_size": len(keep)}
    tokenizer = json.loads((source / TOKENIZER_FILE).read_text())
    write_folder(out, state, config, trim_tokenizer(tokenizer, keep))


def compare_on_words(full: Tokenizer, trimmed: Tokenizer, texts: Iterable[str]) -> dict[str, Any]:
    """How the trimmed tokenizer cuts the texts' words against the full one: the share of words
    cut into the same pieces, the share of <unk> pieces of each, pieces per word of each."""
    words = [word for text in texts for word in text.split()]
    if not words:
        raise ValueError("no words to compare the tokenizers on")
    before = _pieces(full, words)
    after = _pieces(trimmed, words)
    same = sum(b == a for b, a in zip(before, after, strict=True))
    pieces_before = sum(len(b) for b in before)
    pieces_after = sum(len(a) for a in after)
    unknown_before = sum(b.count(UNKNOWN) for b in before)
    unknown_after = sum(a.count(UNKNOWN) for a in after)
    return {
        "words": len(words),
        "same_pieces": round(same / len(words), 4),
        "unknown_rate": round(unknown_after / pieces_after, 5),
        "unknown_rate_full": round(unknown_before / pieces_before, 5),
        "pieces_per_word": round(pieces_after / len(words), 3),
        "pieces_per_word_full": round(pieces_before / len(words), 3),
    }


def _pieces(tokenizer: Tokenizer, words: list[str]) -> list[list[str]]:
    """Each word's pieces, an unknown one as <unk> (`tokens` would show its text)."""
    unknown = tokenizer.token_to_id(UNKNOWN)
    if unknown is None:
        raise ValueError(f"the tokenizer has no {UNKNOWN} piece")
    return [
        [UNKNOWN if i == unknown else piece for i, piece in zip(e.ids, e.tokens, strict=True)]
        for e in tokenizer.encode_batch(words, add_special_tokens=False)
    ]
