"""The trimmed multilingual-e5-small as it would ship: int8 ONNX size, fidelity and speed.

    bash scripts/fetch-e5.sh   # builds .venv/encoders/multilingual-e5-small-trimmed
    .venv/bin/python benchmarks/e5_encoder.py [--encoder DIR] [--out build/e5-int8] [--results F]

Exports the encoder inside the detector's network (TokenTagger and SpanHead with fresh heads:
size and speed do not depend on training) exactly as `propwatch train` does (`export_onnx`: int8 by
per-channel dynamic quantization) and reports the model folder's weight files. Fidelity: cosine of
e5 sentence embeddings (mean-pooled hidden states) of the int8 ONNX encoder against the float
folder, on 20 sentences of held-out articles per language. Speed: the bare int8 encoder over the
windows of the PTC dev articles (254 pieces, stride 190, batches of 8, as the detector runs; and
windows of 510 pieces, stride 446, the same overlap in longer windows), at
the faster of ONNX Runtime's spinning and non-spinning threads, next to the shipped MiniLM
encoder over its own windows of the same articles in the same run (this machine's speed varies
with its load: the ratio is the comparable figure). Writes benchmarks/results/e5_encoder.json,
or the file `--results` names (e5_encoder_6_layers.json for the bottom six layers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "data" / "ptc" / "dev" / "dev-articles"
RESULTS = ROOT / "benchmarks" / "results"
TRIMMED = ROOT / ".venv" / "encoders" / "multilingual-e5-small-trimmed"
MB = 1_000_000


def export(encoder: Path, out: Path) -> dict[str, float]:
    """The int8 encoder, float span head and tokenizer in `out`; their sizes in MB."""
    from propwatch.model.artifact import ENCODER_FILE, SPAN_HEAD_FILE, TOKENIZER_FILE
    from propwatch.training.network import SpanHead, TokenTagger
    from propwatch.training.train import export_onnx

    out.mkdir(parents=True, exist_ok=True)
    tagger = TokenTagger(encoder).eval()
    export_onnx(tagger, SpanHead(tagger.width).eval(), out)
    shutil.copy(encoder / TOKENIZER_FILE, out / TOKENIZER_FILE)
    sizes = {name: (out / name).stat().st_size / MB for name in (ENCODER_FILE, SPAN_HEAD_FILE)}
    sizes[TOKENIZER_FILE] = (out / TOKENIZER_FILE).stat().st_size / MB
    return {name: round(size, 1) for name, size in sizes.items()} | {
        "total": round(sum(sizes.values()), 1)
    }


def session(path: Path, spinning: bool) -> ort.InferenceSession:
    """A bare session with the detector's thread settings (model/artifact.py)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", str(int(spinning)))
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def fidelity(encoder: Path, onnx_folder: Path) -> dict[str, float]:
    """Per language: mean cosine of the int8 encoder's e5 embeddings with the float folder's."""
    from propwatch.model.artifact import ENCODER_FILE, TOKENIZER_FILE
    from propwatch.model.features import TOKEN_FEATURES
    from propwatch.training.encoders.agreement import PASSAGE, cosines, folder_embeddings
    from propwatch.training.encoders.texts import LANGUAGES, sample_sentences
    from propwatch.training.encoders.trim import split_sources

    int8 = session(onnx_folder / ENCODER_FILE, spinning=False)
    tokenizer = Tokenizer.from_file(str(encoder / TOKENIZER_FILE))
    held_out = split_sources(SHARED).held_out
    figures = {}
    for language in LANGUAGES:
        sentences = sample_sentences(held_out[language], 20)
        rows = []
        for sentence in sentences:
            ids = np.asarray([tokenizer.encode(PASSAGE + sentence).ids], dtype=np.int64)
            features = np.zeros((*ids.shape, TOKEN_FEATURES), dtype=np.float32)
            inputs = {"input_ids": ids, "attention_mask": np.ones_like(ids), "features": features}
            rows.append(int8.run(["hidden"], inputs)[0][0].mean(axis=0))
        pooled = np.stack(rows)
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        values = cosines(pooled, folder_embeddings(encoder, sentences))
        figures[language] = round(float(values.mean()), 4)
    return figures


def bare_speed(
    folder: Path, articles: dict[str, str], window: int = 254, stride: int = 190
) -> dict[str, float]:
    """Pieces/s and articles/s of a folder's bare encoder over the detector's windows."""
    from propwatch.model.artifact import ENCODER_FILE, TOKENIZER_FILE
    from propwatch.model.encode import BATCH_WINDOWS
    from propwatch.model.windows import WindowTokenizer

    tokenizer = WindowTokenizer(folder / TOKENIZER_FILE, window, stride)
    batches, pieces = [], 0
    for text in articles.values():
        tokens = tokenizer.tokenize(text)
        pieces += len(tokens)
        windows = tokenizer.windows(len(tokens)) if len(tokens) else []
        for first in range(0, len(windows), BATCH_WINDOWS):
            batches.append(tokenizer.batch(tokens, windows[first : first + BATCH_WINDOWS]))
    timings = []
    for spinning in (True, False):
        encoder = session(folder / ENCODER_FILE, spinning)
        encoder.run(None, batches[0])  # warm-up
        started = time.perf_counter()
        for batch in batches:
            encoder.run(None, batch)
        timings.append(time.perf_counter() - started)
    seconds = min(timings)
    return {
        "pieces": pieces,
        "seconds": round(seconds, 2),
        "pieces_per_s": round(pieces / seconds),
        "articles_per_s": round(len(articles) / seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", type=Path, default=TRIMMED)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "e5-int8")
    parser.add_argument("--articles", type=Path, default=DEV)
    parser.add_argument("--results", default="e5_encoder.json", help="file in benchmarks/results")
    options = parser.parse_args()
    from propwatch.corpus.ptc import read_articles
    from propwatch.model.artifact import SHIPPED_MODEL

    sizes = export(options.encoder, options.out)
    articles = read_articles(options.articles)
    e5 = bare_speed(options.out, articles)
    minilm = bare_speed(SHIPPED_MODEL, articles)
    e5_long = bare_speed(options.out, articles, window=510, stride=446)
    config = json.loads((options.encoder / "config.json").read_text())
    results = {
        "machine": f"{platform.machine()}, {platform.python_version()}, {os.cpu_count()} CPUs",
        "encoder": str(options.encoder.resolve().relative_to(ROOT)),
        "vocabulary": config["vocab_size"],
        "size_mb": sizes,
        "int8_vs_float_cosine": fidelity(options.encoder, options.out),
        "articles": len(articles),
        "bare_int8_e5": e5,
        "bare_int8_minilm_shipped": minilm,
        "bare_int8_e5_windows_510_stride_446": e5_long,
        "e5_to_minilm_articles_per_s": round(e5["articles_per_s"] / minilm["articles_per_s"], 3),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / options.results).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
