"""Whole articles as overlapping token windows, shared by training and inference.

The article is tokenized once; windows of `window` word pieces (plus [CLS] and [SEP]) start every
`stride` pieces, so every piece is seen at least once and most are seen with context on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from propwatch.model.features import TOKEN_FEATURES, TextIndex, token_features


@dataclass(frozen=True)
class TokenizedArticle:
    """The word pieces of one article: ids, character offsets and surface features."""

    ids: np.ndarray  # (n,) int64
    offsets: np.ndarray  # (n, 2) int64, code-point offsets into the text, end exclusive
    features: np.ndarray  # (n, TOKEN_FEATURES) float32
    index: TextIndex

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Window:
    """One model input: pieces [first, first + length) of the article, framed by [CLS] and [SEP]."""

    first: int
    length: int


class WindowTokenizer:
    """Turns article text into pieces and batches of fixed-size windows."""

    def __init__(self, tokenizer_file: Path, window: int = 254, stride: int = 190) -> None:
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.window = window
        self.stride = stride
        self.cls_id = self._special("[CLS]", "<s>")  # BERT's names, else RoBERTa/MPNet's
        self.sep_id = self._special("[SEP]", "</s>")
        self.pad_id = self._special("[PAD]", "<pad>")

    def _special(self, *names: str) -> int:
        for name in names:
            found = self.tokenizer.token_to_id(name)
            if found is not None:
                return found
        raise ValueError(f"the tokenizer has none of the special tokens {names}")

    def tokenize(self, text: str) -> TokenizedArticle:
        encoding = self.tokenizer.encode(text, add_special_tokens=False)
        ids = np.asarray(encoding.ids, dtype=np.int64)
        offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
        index = TextIndex.build(text)
        return TokenizedArticle(ids, offsets, token_features(index, offsets), index)

    def windows(self, pieces: int) -> list[Window]:
        """Windows covering pieces 0..pieces-1; the last one is aligned to the end."""
        if pieces <= self.window:
            return [Window(0, pieces)]
        starts = list(range(0, pieces - self.window, self.stride))
        starts.append(pieces - self.window)
        return [Window(first, self.window) for first in starts]

    def batch(
        self, article: TokenizedArticle, windows: list[Window], width: int | None = None
    ) -> dict[str, np.ndarray]:
        """Model inputs for windows of one article, padded to `width` or the longest window."""
        width = width or max(w.length for w in windows) + 2
        ids = np.full((len(windows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(windows), width), dtype=np.int64)
        features = np.zeros((len(windows), width, TOKEN_FEATURES), dtype=np.float32)
        for row, w in enumerate(windows):
            piece_slice = slice(w.first, w.first + w.length)
            ids[row, 0] = self.cls_id
            ids[row, 1 : w.length + 1] = article.ids[piece_slice]
            ids[row, w.length + 1] = self.sep_id
            mask[row, : w.length + 2] = 1
            features[row, 1 : w.length + 1] = article.features[piece_slice]
        return {"input_ids": ids, "attention_mask": mask, "features": features}
