"""One article's way through propwatch: text -> Article -> detector -> structure -> Analysis.

A `Pipeline` holds what takes long to load, the detectors (ONNX models) and spaCy's English
pipeline, and turns text or a batch `Record` into an `Analysis`. It detects each article's
language and runs the first of its models whose config lists it (the default model, then the
others); a language none of them saw goes to the default model, and the Analysis says so.
`ModelChoice` reads the model folders a user gives (`--model`, once per model) without loading
them, refuses what cannot work, and says which model analyses which language.
`propwatch.analyze` uses the shipped models' (`shipped_pipeline`, once per process); `propwatch
predict` loads the detector alone (`model.artifact.load_detector`); the workers of `propwatch
batch` (local processes, Ray actors) and of the web server's pool each hold their own.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from propwatch.analysis import Analysis, build_analysis
from propwatch.article import Article, check_length, parse_article
from propwatch.errors import BadInput, EmptyInput, ModelMissing
from propwatch.ingest import Decoding, check_text, ingest, ingest_bytes
from propwatch.ingest.checks import long_runs
from propwatch.language import (
    DEFAULT_LANGUAGE,
    detect_language,
    language_identifier,
    unmeasured_warning,
)
from propwatch.model.artifact import (
    CONFIG_FILE,
    SHIPPED_MODEL,
    SHIPPED_MODELS,
    ModelConfig,
    check_model_folder,
    load_detector,
)
from propwatch.model.decode import cuts_any_quotation, inside_word
from propwatch.record import Record
from propwatch.structure import Structure, analyse_structure, load_pipeline

if TYPE_CHECKING:
    from spacy.language import Language

    from propwatch.model.detector import Detection, Detector


@dataclass(frozen=True)
class Analysed:
    analysis: Analysis
    title: str | None  # the page title ingest found, when the text has one


@dataclass
class LanguageModel:
    """A detector and the languages its model was trained on (its config's `languages`),
    loaded on the first article in one of them: most runs never need every model."""

    languages: tuple[str, ...]
    load: Callable[[], Detector]

    @cached_property
    def detector(self) -> Detector:
        return self.load()


@dataclass(frozen=True)
class ModelChoice:
    """The model folders a user gave, in order, read without loading them, and the languages
    each analyses: those its config lists that no earlier folder lists. The first also takes
    the languages none lists (with a warning in the Analysis). Picklable: workers load it."""

    folders: tuple[Path, ...]
    names: tuple[str, ...]
    languages: tuple[tuple[str, ...], ...]  # each folder's share of the languages

    @classmethod
    def of(cls, folders: Sequence[Path] = ()) -> ModelChoice:
        """The choice of `folders` (none: the shipped models); a one-line error for a folder that
        is not a model, one given twice, or one that every language of went to an earlier one."""
        folders = tuple(folders) or SHIPPED_MODELS
        configs = [_config(folder) for folder in folders]
        _check_distinct(folders, configs)
        shares: list[tuple[str, ...]] = []
        taken: dict[str, Path] = {}  # language -> the folder that analyses it
        for folder, config in zip(folders, configs, strict=True):
            share = tuple(code for code in config.languages if code not in taken)
            if not share:
                _shadowed(folder, config.languages, taken)
            taken.update(dict.fromkeys(share, folder))
            shares.append(share)
        return cls(folders, tuple(c.name for c in configs), tuple(shares))

    def folder_of(self, model: str) -> Path:
        """The folder of the model named `model` (the first folder for a name not given)."""
        return self.folders[self.names.index(model)] if model in self.names else self.folders[0]

    def name_for(self, language: str | None) -> str:
        """The name of the model that analyses articles in `language` (None: too short to tell)."""
        found = (
            n for n, share in zip(self.names, self.languages, strict=True) if language in share
        )
        return next(found, self.names[0])

    def describe(self) -> str:
        """ "A (en) + B (fr, de)": who analyses what, for people."""
        return " + ".join(
            f"{name} ({', '.join(share)})"
            for name, share in zip(self.names, self.languages, strict=True)
        )


def _config(folder: Path) -> ModelConfig:
    check_model_folder(folder)
    try:
        return ModelConfig.load(folder)
    except (ValueError, KeyError, TypeError) as error:
        raise ModelMissing(
            f"cannot read {folder / CONFIG_FILE} ({type(error).__name__}: {error}); give a model "
            "folder written by `propwatch train --out`"
        ) from None


def _check_distinct(folders: Sequence[Path], configs: Sequence[ModelConfig]) -> None:
    """Refuse a folder given twice, or two models of one name (the store could not tell their
    analyses apart)."""
    seen: set[Path] = set()
    named: dict[str, Path] = {}
    for folder, config in zip(folders, configs, strict=True):
        if folder.resolve() in seen:
            raise BadInput(f"--model {folder} is given twice; give each model folder once")
        if config.name in named:
            raise BadInput(
                f"--model {named[config.name]} and --model {folder} hold models of the same "
                f"name {config.name!r}; give only one of them"
            )
        seen.add(folder.resolve())
        named[config.name] = folder


def _shadowed(folder: Path, languages: Sequence[str], taken: dict[str, Path]) -> None:
    earlier = sorted({str(taken[code]) for code in languages})
    raise BadInput(
        f"--model {folder} would analyse nothing: every language its config lists "
        f"({', '.join(languages)}) goes to --model {', '.join(earlier)}, given before it; "
        "give it first to use it for those languages, or leave it out"
    )


class Pipeline:
    """The loaded models and the steps from an article's text to its Analysis."""

    def __init__(
        self,
        detector: Detector,
        nlp: Language,
        min_confidence: float | None = None,
        languages: Sequence[str] = (DEFAULT_LANGUAGE,),
        others: Sequence[LanguageModel] = (),
    ) -> None:
        self.detector = detector  # the default model: its languages, and any no model saw
        self.models = (LanguageModel(tuple(languages), lambda: detector), *others)
        self.nlp = nlp
        # The display threshold asked for; None: each model's own for the article's language
        self.asked_min_confidence = min_confidence
        self.min_confidence = (
            detector.settings.min_confidence if min_confidence is None else min_confidence
        )

    @classmethod
    def load(
        cls,
        model: Path | None = None,
        threads: int | None = None,
        min_confidence: float | None = None,
        more_models: Sequence[Path] = (),
    ) -> Pipeline:
        """The pipeline of the model folder `model` (default: the shipped model), its ONNX
        sessions on `threads` threads (default: up to 4), showing spans from `min_confidence`
        up (default: the model's display threshold). Articles in a language that `model` was
        not trained on go to the first of `more_models` whose config lists it."""
        folder = model or SHIPPED_MODEL
        others = [
            LanguageModel(_languages(f), partial(load_detector, f, threads)) for f in more_models
        ]
        detector = load_detector(folder, threads)
        language_identifier()  # loaded with the models, not on the first article
        return cls(detector, load_pipeline(), min_confidence, _languages(folder), others)

    @classmethod
    def chosen(
        cls, choice: ModelChoice, threads: int | None = None, min_confidence: float | None = None
    ) -> Pipeline:
        """The pipeline of the models of `choice`, each analysing its languages."""
        first, *more = choice.folders
        return cls.load(first, threads, min_confidence, more)

    @property
    def model(self) -> str:
        """The default model's name, as analyses in its languages record it."""
        return self.detector.name

    def analyse(
        self,
        text: str,
        url: str | None = None,
        min_confidence: float | None = None,
        decoding: Decoding | None = None,
    ) -> Analysis:
        """The Analysis of one article's text; `url` is recorded when it came from the web,
        `decoding` when the text was read from bytes.

        Spans below `min_confidence` are left out (default: the pipeline's threshold if one was
        asked for, else the model's for the article's language), and so are spans over data, not
        prose (runs without spaces: `ingest.checks`).
        """
        if not isinstance(text, str):
            raise BadInput(f"analyse the article text as str, not {type(text).__name__}")
        check_length(text)
        article = parse_article(text)
        language = detect_language(text)
        detector = self.detector_for(language)
        warnings = () if detector else (unmeasured_warning(language),)
        detector = detector or self.detector
        asked = self.asked_min_confidence if min_confidence is None else min_confidence
        floor = detector.settings.display_floor(language) if asked is None else asked
        detection = _prose_only(detector.detect(text, floor), text)
        ends = [span.end for span in detection.spans]  # only their phrases need a parse
        structure = self._structure(article, language or DEFAULT_LANGUAGE, ends)
        detection = _phrase_shaped(detection, structure, text)
        return build_analysis(
            article, detection, detector.name, structure, url, floor, decoding, language, warnings
        )

    def detector_for(self, language: str | None) -> Detector | None:
        """The detector of the first model trained on `language`; None when none was."""
        return next((m.detector for m in self.models if language in m.languages), None)

    def _structure(self, article: Article, language: str, ends: Sequence[int]) -> Structure:
        """Sections and attributions, with the spaCy pipeline of `language` where one exists."""
        nlp = self.nlp if language == DEFAULT_LANGUAGE else load_pipeline(language)
        return analyse_structure(article, nlp, language, ends)

    def analyse_record(self, record: Record) -> Analysed:
        """Decode (or fetch) a record and analyse it; a bad one raises a PropwatchError."""
        text, title, url, decoding = _record_text(record)
        if not text.strip():
            raise EmptyInput("no article text (empty after decoding)")
        return Analysed(self.analyse(text, url, decoding=decoding), title)


@lru_cache(maxsize=1)
def shipped_pipeline() -> Pipeline:
    """The shipped models' pipeline, loaded once per process."""
    return Pipeline.chosen(ModelChoice.of())


def _languages(folder: Path) -> tuple[str, ...]:
    return ModelConfig.load(folder).languages


def _prose_only(detection: Detection, text: str) -> Detection:
    """The detection without spans that touch a run of characters without spaces (data)."""
    runs = long_runs(text)
    if not runs:
        return detection
    spans = [s for s in detection.spans if not any(s.start < b and a < s.end for a, b in runs)]
    return replace(detection, spans=spans)


def _phrase_shaped(detection: Detection, structure: Structure, text: str) -> Detection:
    """Spans that stop before the noun their last word modifies end on it (`structure.phrases`),
    unless that end would cut a word (man of man's) or a quotation."""
    spans = []
    for span in detection.spans:
        end = structure.phrase_end(span.end)
        cuts = inside_word(text, end) or cuts_any_quotation(text, span.start, end)
        spans.append(span if cuts else replace(span, end=end))
    return replace(detection, spans=spans)


def _record_text(record: Record) -> tuple[str, str | None, str | None, Decoding | None]:
    """The text to analyse, the title ingest found, the URL and how its bytes were read."""
    if record.kind == "text":
        assert isinstance(record.content, str)
        return check_text(record.content), None, record.meta.url, None
    name = record.meta.location
    if record.kind == "url":
        assert isinstance(record.content, str)
        got = ingest(record.content)
    elif record.kind == "html":
        assert isinstance(record.content, str)
        got = ingest_bytes(record.content.encode("utf-8"), content_type="text/html", name=name)
    else:
        assert isinstance(record.content, bytes)
        got = ingest_bytes(record.content, content_type=record.content_type, name=name)
    return got.text, got.title, record.meta.url or got.url, got.decoding


# --- in a worker process of `propwatch batch` or of the web server's pool ---------------------

_worker: Pipeline | None = None


def start_worker(
    models: ModelChoice | None, threads: int, min_confidence: float | None = None
) -> None:
    """A pool's initializer: load this worker process's pipeline, leave Ctrl-C to the main
    process, and exit when the main process is gone."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker = Pipeline.chosen(models or ModelChoice.of(), threads, min_confidence)


def worker_pipeline() -> Pipeline:
    """This worker process's pipeline (loaded by `start_worker`)."""
    assert _worker is not None, "runs in a worker process started with start_worker()"
    return _worker


def _exit_with_parent(parent: int) -> None:
    """A worker whose main process was killed (no cleanup ran) would otherwise linger forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
