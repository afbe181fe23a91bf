"""The model folder on disk and the ONNX Runtime backend that runs it (no PyTorch)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

from propwatch.errors import ModelMissing
from propwatch.model.calibration import Calibration
from propwatch.model.chooser import SpanChooser
from propwatch.model.decode import DecodeSettings
from propwatch.model.detector import Detector, DetectorSettings
from propwatch.model.evidence import Evidence
from propwatch.model.windows import WindowTokenizer
from propwatch.techniques import TECHNIQUE_NAMES

ENCODER_FILE = "encoder.onnx"
SPAN_HEAD_FILE = "span_head.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"
CARD_FILE = "MODEL_CARD.md"
REFERENCE_FILE = "reference.json"  # what a typical article scores (training/reference.py)
SHIPPED_MODEL = Path(__file__).with_name("shipped")  # English: the better one on PTC out of fold
# French, German, Italian, Polish and Russian (its config lists English too, which goes first)
MULTILINGUAL_MODEL = Path(__file__).with_name("multilingual")
SHIPPED_MODELS = (SHIPPED_MODEL, MULTILINGUAL_MODEL)


@dataclass(frozen=True)
class ModelConfig:
    """What a model folder needs besides its weights: windowing, decoding, labels, provenance."""

    name: str = "propwatch-minilm-ptc"
    window: int = 254
    stride: int = 190
    settings: DetectorSettings = field(default_factory=DetectorSettings)
    techniques: tuple[str, ...] = TECHNIQUE_NAMES
    encoder: str = "sentence-transformers/all-MiniLM-L6-v2"
    metrics: dict[str, Any] = field(default_factory=dict)
    # ISO 639-1 codes of the languages it was trained on: the pipeline sends it those articles
    languages: tuple[str, ...] = ("en",)

    def save(self, folder: Path) -> None:
        (folder / CONFIG_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path) -> ModelConfig:
        raw = json.loads((folder / CONFIG_FILE).read_text())
        settings = settings_from_dict(raw.pop("settings"))
        raw["techniques"] = tuple(raw["techniques"])
        raw["languages"] = tuple(raw.get("languages", ("en",)))  # older folders: English only
        return cls(settings=settings, **raw)


def settings_from_dict(raw: dict[str, Any]) -> DetectorSettings:
    """DetectorSettings from their JSON form (lists where the dataclass holds tuples)."""
    settings = dict(raw)
    # Folders written before calibration had a floor on the raw span score instead of
    # min_confidence; their exported fold and epoch models all kept it at 0.
    settings.pop("min_span_score", None)
    decode = DecodeSettings(**settings.pop("decode"))
    settings["calibration"] = Calibration.from_dict(settings.pop("calibration", {}))
    settings["technique_bias"] = tuple(settings.get("technique_bias", ()))
    settings["repetition_bias"] = tuple(settings.get("repetition_bias", (0.0, 0.0)))
    return DetectorSettings(decode=decode, **settings)


class OnnxBackend:
    """Runs the exported encoder and span head with ONNX Runtime."""

    def __init__(self, folder: Path, threads: int | None = None) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(os.cpu_count() or 1, 4)
        options.inter_op_num_threads = 1
        # Idle ONNX threads must not spin: they would take the core that the Python around the
        # model (tokenizing, decoding, parsing) needs between runs (predict was 28% slower).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Memory patterns are planned and kept per input shape, and window batches vary in
        # shape: without them peak memory is 90 MB lower and speed the same.
        options.enable_mem_pattern = False
        providers = ["CPUExecutionProvider"]
        self.encoder = ort.InferenceSession(
            str(folder / ENCODER_FILE), options, providers=providers
        )
        self.span_head = ort.InferenceSession(
            str(folder / SPAN_HEAD_FILE), options, providers=providers
        )

    def encode(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        logits, hidden = self.encoder.run(None, batch)
        return logits, hidden

    def classify(self, pooled: np.ndarray) -> np.ndarray:
        return np.asarray(self.span_head.run(None, {"pooled": pooled})[0])


def check_model_folder(folder: Path) -> None:
    """Raise ModelMissing unless `folder` holds the files of a propwatch model."""
    if not folder.is_dir():
        raise ModelMissing(
            f"{folder} is not a folder; give a model folder written by `propwatch train --out`"
        )
    missing = [
        name
        for name in (ENCODER_FILE, SPAN_HEAD_FILE, TOKENIZER_FILE, CONFIG_FILE)
        if not (folder / name).is_file()
    ]
    if missing:
        raise ModelMissing(
            f"{folder} is not a complete propwatch model (missing {', '.join(missing)}); "
            "give the folder written by `propwatch train`"
        )


def load_detector(folder: Path | None = None, threads: int | None = None) -> Detector:
    """A Detector for a model folder (the shipped model by default)."""
    folder = folder or SHIPPED_MODEL
    check_model_folder(folder)
    config = ModelConfig.load(folder)
    tokenizer = WindowTokenizer(folder / TOKENIZER_FILE, config.window, config.stride)
    backend = OnnxBackend(folder, threads)
    return Detector(
        backend,
        tokenizer,
        config.settings,
        config.name,
        Evidence.load(folder),
        SpanChooser.load(folder),
    )


@lru_cache(maxsize=1)
def shipped_detector() -> Detector:
    """The shipped model, loaded once per process."""
    return load_detector(SHIPPED_MODEL)
