"""An encoder folder cut to its bottom layers: half the layers run in half the time, in training
on a 2-core CPU and in the shipped int8 encoder.

Keeping the bottom layers and dropping the top ones is the simple way to shorten a pre-trained
encoder that loses least after fine-tuning (Sajjad et al., "On the effect of dropping layers of
pre-trained transformer models", 2023); whether it loses too much for propaganda spans is for
out-of-fold scores to say, beside the full encoder's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
REPORT_FILE = "shallow-report.json"


def keep_bottom_layers(source: Path, out: Path, layers: int) -> dict[str, Any]:
    """`source` (a BERT-architecture folder) with only its first `layers` layers, written to
    `out` with its tokenizer files; nothing to do when `out` holds such a folder already."""
    if (out / REPORT_FILE).is_file() and (out / WEIGHTS_FILE).is_file():
        return dict(json.loads((out / REPORT_FILE).read_text()))
    from transformers import AutoModel

    total = json.loads((source / CONFIG_FILE).read_text())["num_hidden_layers"]
    if not 0 < layers <= total:
        raise ValueError(f"{source} has {total} layers; keep between 1 and {total}")
    model = AutoModel.from_pretrained(str(source), add_pooling_layer=False)
    model.encoder.layer = model.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    model.save_pretrained(str(out))
    for path in source.iterdir():
        if path.name not in (CONFIG_FILE, WEIGHTS_FILE) and path.is_file():
            shutil.copy2(path, out / path.name)
    report = {"source": str(source), "layers": layers, "layers_in_source": total}
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2) + "\n")
    return report
