"""What a training run measured and how it was made: the typed form of a model's `metrics`.

A model folder's `config.json` holds these as JSON (`ModelConfig.metrics`, a plain dict, since
inference never reads them). `record_of` loads that JSON into a `DevSelected` (one train/dev run,
`train.py`) or a `CrossValidated` record (`ship.py`), validating every field, and `to_dict` dumps
it back unchanged. A fact that older folders did not record (the data folder, the core count) is
None and left out of the JSON, so the card can say it was not recorded instead of guessing.
"""

from __future__ import annotations

from dataclasses import Field, asdict, fields
from typing import Any, ClassVar

from pydantic import ConfigDict, TypeAdapter
from pydantic.dataclasses import dataclass

from propwatch.scoring import Score
from propwatch.training.calibration import ReliabilityRow
from propwatch.training.loop import Recipe

# Unknown keys fail loudly: a key the types do not know would be lost on the way back to JSON.
RECORD = ConfigDict(extra="forbid")


def _recorded(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """A record's fields as JSON keys, the ones it did not record (None) left out."""
    return {key: value for key, value in items if value is not None}


class Record:
    """JSON out for the records below (pydantic dataclasses, which validate JSON in)."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self, dict_factory=_recorded)


@dataclass(frozen=True, config=RECORD)
class ThresholdRow(Record):
    """Held-out spans from a confidence up: how many, how many hit gold, FLC P and R."""

    min_confidence: float
    spans: int
    hit_rate: float
    flc_precision: float
    flc_recall: float


@dataclass(frozen=True, config=RECORD)
class Scores(Record):
    """The official scores of a set of predictions, their calibration and thresholds."""

    si: Score
    flc: Score
    slc: Score
    tc: Score
    ece: float
    ece_all_spans: float
    reliability: tuple[ReliabilityRow, ...]
    thresholds: tuple[ThresholdRow, ...]


@dataclass(frozen=True, config=RECORD)
class Headline(Record):
    """The F1 of each task and the ECE: one line of a table."""

    si: float
    tc: float
    flc: float
    slc: float
    ece: float

    @classmethod
    def of(cls, scores: Scores) -> Headline:
        return cls(scores.si.f1, scores.tc.f1, scores.flc.f1, scores.slc.f1, scores.ece)


@dataclass(frozen=True, config=RECORD)
class CorrectionReport(Record):
    """Each span-head correction's TC micro-F1 on held-out halves, and the one kept."""

    cross_fitted_f1: dict[str, float]
    kept: str


@dataclass(frozen=True, kw_only=True, config=RECORD)
class DevScores(Scores):
    """Scores on dev with everything tuned there; `cross_fitted` tuned on the other half."""

    tc_corrections: CorrectionReport
    cross_fitted: Scores | None = None

    @classmethod
    def of(
        cls, scores: Scores, corrections: CorrectionReport, cross_fitted: Scores | None
    ) -> DevScores:
        kept = {f.name: getattr(scores, f.name) for f in fields(Scores)}
        return cls(**kept, tc_corrections=corrections, cross_fitted=cross_fitted)


@dataclass(frozen=True, config=RECORD)
class FunctionWordEnds(Record):
    """The share of predicted and of gold spans that end on a function word."""

    predicted: float
    gold: float


@dataclass(frozen=True, kw_only=True, config=RECORD)
class CrossValidation(Record):
    """The out-of-fold report of `out_of_fold.py`, less the settings it chose."""

    articles: int
    folds: int
    epochs_chosen_per_fold: dict[int, int]
    out_of_fold: Scores
    # {language: its article and gold span counts and scores}; not recorded before issue 22
    per_language: dict[str, dict[str, int | float]] | None = None
    out_of_fold_one_decoding: Headline | None = None
    per_epoch: dict[int, Headline]
    final_epoch: int
    final_corrections: CorrectionReport
    function_word_ends: FunctionWordEnds
    out_of_fold_dev: Headline

    @property
    def english_articles(self) -> int:
        """The PTC articles among them (all of them before other languages joined the folds)."""
        if self.per_language is None:
            return self.articles
        return int(self.per_language.get("en", {}).get("articles", 0))


@dataclass(frozen=True, kw_only=True, config=RECORD)
class EncoderRecord(Record):
    """The pretrained encoder: its size and where it came from."""

    layers: int | None = None
    width: int | None = None
    source: str


@dataclass(frozen=True, kw_only=True, config=RECORD)
class TeacherRecord(Record):
    """A distillation teacher: its name, training minutes and dev SI F1."""

    name: str
    training_minutes: float | None = None
    dev_si_f1: float | None = None


@dataclass(frozen=True, kw_only=True, config=RECORD)
class RunRecord(Record):
    """How a model was made: what both kinds of run record."""

    # the Recipe as recorded; older models lack the fields added since (see `recipe_used`)
    recipe: dict[str, Any]
    selected_epoch: int
    training_minutes: float
    encoder: EncoderRecord | None = None
    data: str | None = None  # the labelled-data folder as given to `propwatch train`
    cpu_cores: int | None = None  # of the machine that trained it (os.cpu_count)
    # What changed after shipping without retraining, and what it did not re-measure
    calibration_converted: str | None = None
    decoding_changed: str | None = None

    @property
    def recipe_used(self) -> Recipe:
        """The recipe, with the defaults (the options off) for fields it did not record."""
        return TypeAdapter(Recipe).validate_python(self.recipe)


@dataclass(frozen=True, kw_only=True, config=RECORD)
class DevProvenance(RunRecord):
    """A train/dev run before selection: trained on PTC train, to be selected on dev."""

    teacher: TeacherRecord | None = None
    train_articles: int | None = None
    dev_articles: int | None = None

    def selected(self, dev: DevScores) -> DevSelected:
        """This run with the scores of its selection on dev."""
        kept = {f.name: getattr(self, f.name) for f in fields(DevProvenance)}
        return DevSelected(**kept, dev=dev)


@dataclass(frozen=True, kw_only=True, config=RECORD)
class DevSelected(DevProvenance):
    """A model from one train/dev run (`train.py`): every setting tuned on dev."""

    dev: DevScores


@dataclass(frozen=True, kw_only=True, config=RECORD)
class ShippedFold(Record):
    """The fold model that shipped: fold `fold` of `folds`, trained on `trained_articles`."""

    fold: int
    folds: int
    trained_articles: int


@dataclass(frozen=True, kw_only=True, config=RECORD)
class CrossValidated(RunRecord):
    """A model from `propwatch train --folds` (`ship.py`): settings chosen out of fold.

    With `shipped_fold`, the model shipped is that fold's, trained on the other folds' articles
    before the model on all articles existed (`ship_fold`): its settings and scores come from
    its held-out articles, each half tuned on the other."""

    cross_validation: CrossValidation
    shipped_fold: ShippedFold | None = None
    teacher_minutes: float | None = None  # of the fold models that labelled the silver


ModelRecord = DevSelected | CrossValidated


def record_of(metrics: dict[str, Any]) -> ModelRecord:
    """The typed record of a model folder's `metrics`; ValueError names a field that is wrong."""
    if "cross_validation" in metrics:
        return CrossValidated(**metrics)
    return DevSelected(**metrics)
