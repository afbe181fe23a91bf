"""The model card: what the model is, how it was trained, and what it scores on PTC dev."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from propwatch.model.artifact import CARD_FILE, ENCODER_FILE, ModelConfig
from propwatch.model.detector import DetectorSettings

TASKS = (
    ("si", "Span identification (SI), SemEval-2020 Task 11"),
    ("tc", "Technique classification (TC) on gold spans, micro-F1"),
    ("flc", "Fragment-level joint span + technique (FLC), NLP4IF-2019"),
    ("slc", "Sentence-level (SLC), positive class"),
)


def _overall(metrics: dict[str, Any]) -> list[str]:
    rows = ["| task | precision | recall | F1 |", "|---|---|---|---|"]
    for key, title in TASKS:
        if key in metrics:
            m = metrics[key]
            rows.append(f"| {title} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    return rows


def _cross_fitted_si(metrics: dict[str, Any]) -> list[str]:
    si = metrics.get("si_cross_fitted")
    if not si:
        return []
    return [
        "The decoding settings are tuned on dev, so the SI figure above is in-sample for them. "
        "Tuned on one half of the dev articles and scored on the other, and the reverse, SI is "
        f"P {si['precision']:.3f}, R {si['recall']:.3f}, F1 {si['f1']:.3f}.",
        "",
    ]


CORRECTION_NAMES = {
    "none": "none",
    "repetition": "Repetition evidence",
    "priors": "priors",
    "repetition+priors": "Repetition evidence, then priors",
}


def _corrections(metrics: dict[str, Any], settings: DetectorSettings) -> list[str]:
    report = metrics.get("tc_corrections")
    if not report:
        return []
    once, again = settings.repetition_bias
    rows = [
        f"| {CORRECTION_NAMES[name]} | {f1:.3f} |" for name, f1 in report["cross_fitted_f1"].items()
    ]
    return [
        "Corrections of the span head, tuned on dev. *Repetition evidence*: two biases on the "
        "Repetition logit, one for a fragment that occurs once in its article and one for a "
        "fragment that recurs (nine in ten dev Repetition spans recur, against about one in seven "
        "spans of other techniques, and the head underrates that). *Priors*: one bias per "
        "technique logit. Each choice is scored by tuning it on one half of the dev articles and "
        "scoring the other half, and the reverse:",
        "",
        "| corrections | TC micro-F1, cross-fitted on dev halves |",
        "|---|---|",
        *rows,
        "",
        f"The model keeps the best: {CORRECTION_NAMES[report['kept']]}, tuned on all of dev "
        f"(Repetition biases {once:+g} once, {again:+g} recurring). The TC figure in the table "
        "above includes them and so is in-sample for their few parameters; the cross-fitted "
        "figure is the one to trust for unseen articles.",
        "",
    ]


def _per_technique(metrics: dict[str, Any]) -> list[str]:
    tc = metrics.get("tc", {}).get("per_technique", {})
    flc = metrics.get("flc", {}).get("per_technique", {})
    rows = [
        "| technique | dev spans | TC P | TC R | TC F1 | FLC F1 |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in tc.items():
        flc_f1 = flc.get(name, {}).get("f1", 0.0)
        rows.append(
            f"| {name} | {m['support']} | {m['precision']:.3f} | {m['recall']:.3f} "
            f"| {m['f1']:.3f} | {flc_f1:.3f} |"
        )
    return rows


def _encoder_details(provenance: dict[str, Any]) -> str:
    encoder = provenance.get("encoder")
    if not encoder:
        return ""
    return f" ({encoder['layers']} layers, {encoder['width']} wide) from {encoder['source']}"


def _distillation(provenance: dict[str, Any]) -> list[str]:
    teacher = provenance.get("teacher")
    if not teacher:
        return []
    weight = provenance.get("recipe", {}).get("teacher_weight")
    return [
        f"- Distilled from the teacher `{teacher['name']}` (dev SI F1 {teacher['dev_si_f1']:.3f}, "
        f"{teacher['training_minutes']} minutes to train here): its piece probabilities on PTC "
        f"train make up {weight} of the token targets, the gold spans the rest (the span head "
        "learns from gold only)."
    ]


def _training_command(provenance: dict[str, Any]) -> str:
    command = (
        "`propwatch train --data ../shared/data/ptc --out src/propwatch/model/shipped "
        f"--epochs {provenance.get('recipe', {}).get('epochs')}"
    )
    if not provenance.get("teacher"):
        return command + "`"
    return (
        "`bash scripts/fetch-mpnet.sh build`, then `propwatch train --data ../shared/data/ptc "
        "--out build/teacher --epochs 1 --encoder build/all-mpnet-base-v2` for the teacher, then "
        f"{command} --teacher build/teacher`"
    )


def _runner_up(settings: DetectorSettings) -> str:
    if settings.second_technique > 1:
        return (
            "a span carries its likeliest technique only (reporting runner-ups did not raise "
            "dev FLC)."
        )
    return (
        "the runner-up technique is reported too when it reaches "
        f"{settings.second_technique:g} of the best one's probability."
    )


def render_model_card(folder: Path) -> str:
    config = ModelConfig.load(folder)
    provenance = config.metrics
    recipe = provenance.get("recipe", {})
    dev = provenance.get("dev", {})
    size_mb = (folder / ENCODER_FILE).stat().st_size / 1e6
    decode = config.settings.decode
    lines = [
        "# propwatch detector — model card",
        "",
        f"Encoder: `{config.encoder}`{_encoder_details(provenance)}, fine-tuned; exported to "
        f"ONNX and quantized to int8 (per-channel dynamic quantization, {size_mb:.1f} MB).",
        "",
        "## What it does",
        "",
        f"Sliding windows of {config.window} word pieces (stride {config.stride}) cover the "
        "whole article. Each piece gets surface features an uncased encoder cannot see "
        "(capitals, all caps, inside quotes, line with ! or ?, how often its word recurs in the "
        "article, title line, position). A token "
        "head predicts P(piece inside a technique span) plus one channel per technique; spans are "
        "decoded from the first channel mixed with the likeliest technique's, snapped to whole "
        "words and trimmed "
        "to the PTC v2 boundary rule. A span head reads each span (mean, first and last piece, "
        "the mean of its line, span features such as how often the fragment repeats in the "
        f"article) and gives the technique distribution; {_runner_up(config.settings)}",
        "",
        "## Data and recipe",
        "",
        "- Training data: PTC v2 train (371 articles, 6,128 technique spans), "
        "`../shared/data/ptc/train`. Selection and decoding thresholds: PTC v2 dev "
        f"({provenance.get('dev_articles', '?')} articles). No other data; no test data.",
        f"- Recipe: {recipe.get('epochs')} epochs, batch {recipe.get('batch_size')}, AdamW "
        f"(encoder lr {recipe.get('encoder_lr')}, heads lr {recipe.get('head_lr')}, "
        f"warm-up {recipe.get('warmup')}, weight decay {recipe.get('weight_decay')}), "
        f"span-channel positive weight {recipe.get('span_positive_weight')}, technique-channel "
        f"loss weight {recipe.get('technique_loss_weight')}, span-head loss weight "
        f"{recipe.get('span_head_loss_weight')}, label smoothing {recipe.get('label_smoothing')}, "
        f"seed {recipe.get('seed')}.",
        *_distillation(provenance),
        f"- Selected epoch: {provenance.get('selected_epoch')} (best SI F1 + TC micro-F1 on dev).",
        f"- Decoding (tuned on dev): a piece's span probability is channel 0 mixed with "
        f"{decode.technique_mix:g} of its likeliest technique channel; a span needs a piece at "
        f"{decode.threshold:g} and grows over neighbours down to "
        f"{decode.threshold - decode.extend_margin:g}, gaps of up to {decode.join_tokens} pieces "
        f"joined, spans shorter than {decode.min_chars} characters dropped.",
        f"- Training time on the 2-core CPU machine: {provenance.get('training_minutes')} minutes "
        "(including dev evaluation after each epoch and the ONNX export).",
        f"- Reproduce: `make model` (runs {_training_command(provenance)}). "
        "`.venv/bin/python scripts/reselect.py` re-runs only the selection on dev (decoding, "
        "corrections) for a trained model folder.",
        "",
        "## Scores on PTC dev (int8 ONNX model, official formulas, `propwatch evaluate`)",
        "",
        "Check them: `propwatch predict ../shared/data/ptc/dev/dev-articles --out pred.txt`, then "
        "`propwatch evaluate --gold ../shared/data/ptc/dev/dev-task-flc-tc.labels --pred pred.txt "
        "--task si|flc|slc --articles ../shared/data/ptc/dev/dev-articles`; for TC, "
        "`propwatch predict ../shared/data/ptc/dev/dev-articles --spans "
        "../shared/data/ptc/dev/dev-task-flc-tc.labels --out tc.txt` and `--task tc`.",
        "",
        *_overall(dev),
        "",
        *_cross_fitted_si(dev),
        *_corrections(dev, config.settings),
        "### Per technique",
        "",
        *_per_technique(dev),
        "",
        "## Limits",
        "",
        "- Trained on 371 English news articles from 2017-2018 with a US/UK focus; other genres, "
        "periods and languages are out of distribution.",
        "- Rare techniques (fewer than about 150 training spans) are recognised poorly; see the "
        "table above before relying on them.",
        "- The labels are annotators' judgements of technique use, not of truth or intent.",
        "",
    ]
    return "\n".join(lines)


def write_model_card(folder: Path) -> None:
    (folder / CARD_FILE).write_text(render_model_card(folder))
