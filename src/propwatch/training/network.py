"""The PyTorch network (training only): an encoder with surface features and two heads.

The encoder is any Hugging Face encoder folder with word embeddings and `inputs_embeds` (MiniLM
and BERT, MPNet).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn
from transformers import AutoModel

from propwatch.model.features import SPAN_FEATURES, TOKEN_FEATURES
from propwatch.techniques import TECHNIQUE_NAMES

TECHNIQUES = len(TECHNIQUE_NAMES)


class TokenTagger(nn.Module):
    """Encoder plus a per-token head: channel 0 is "inside any span", then one per technique."""

    def __init__(self, encoder_dir: Path) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(
            str(encoder_dir), add_pooling_layer=False, attn_implementation="eager"
        )
        width = self.encoder.config.hidden_size
        # The uncased encoder cannot see capitals, quotes or repetition: feed them in, starting
        # small so that pretrained behaviour is kept at first.
        self.feature_embedding = nn.Linear(TOKEN_FEATURES, width)
        nn.init.normal_(self.feature_embedding.weight, std=0.02)
        nn.init.zeros_(self.feature_embedding.bias)
        self.dropout = nn.Dropout(0.1)
        self.token_head = nn.Linear(width + TOKEN_FEATURES, 1 + TECHNIQUES)

    @property
    def width(self) -> int:
        return int(self.encoder.config.hidden_size)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, features: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        embeddings = self.encoder.embeddings.word_embeddings(input_ids)
        embeddings = embeddings + self.feature_embedding(features)
        hidden = self.encoder(
            inputs_embeds=embeddings, attention_mask=attention_mask
        ).last_hidden_state
        logits = self.token_head(torch.cat([self.dropout(hidden), features], dim=-1))
        return logits, hidden


class SpanHead(nn.Module):
    """Technique of a span, or "none", from its pooled representation (model/judge.pool_span);
    with `credit`, one more output: the logit of the span's share of characters inside gold."""

    def __init__(self, width: int, credit: bool = False) -> None:
        super().__init__()
        self.credit = credit
        self.layers = nn.Sequential(
            nn.Dropout(0.1),
            nn.Linear(4 * width + SPAN_FEATURES, 256),
            nn.GELU(),
            nn.Dropout(0.1),
            # after the techniques: "not a technique span", then the credit logit if any
            nn.Linear(256, TECHNIQUES + 1 + int(credit)),
        )

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.layers(pooled)
        return logits


def pool_span(
    hidden: torch.Tensor, span: tuple[int, int], line: tuple[int, int], features: torch.Tensor
) -> torch.Tensor:
    """PyTorch twin of model/judge.pool_span, on one window's hidden states."""
    first, last = span
    return torch.cat(
        [
            hidden[first : last + 1].mean(dim=0),
            hidden[first],
            hidden[last],
            hidden[line[0] : line[1] + 1].mean(dim=0),
            features,
        ]
    )
