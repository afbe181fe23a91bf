"""Inference: the shipped detector on ONNX Runtime, tokenizers and numpy (no PyTorch)."""
