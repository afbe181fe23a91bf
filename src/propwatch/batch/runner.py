"""Batch runs: records through an engine into the store, resumable, one transaction per article.

The main process reads the inputs, skips what the store holds already (by content hash), hands
the rest to an engine, and stores each result as it comes back, in its own transaction. So a crash
or Ctrl-C loses at most the articles in flight, and a rerun picks up where the last one stopped.
Bad records are logged in the store's failures table, with their location and the reason.

The local engine is a pool of worker processes, each with its own model session on one ONNX
thread: processes, not threads, because the pre- and post-processing around the model is Python.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from propwatch.batch.inputs import BadRecord, read_inputs
from propwatch.errors import PropwatchError
from propwatch.pipeline import Analysed, ModelChoice, Pipeline, start_worker, worker_pipeline
from propwatch.record import Record
from propwatch.store.database import Store

# Records queued per worker: enough that no worker waits while the main process stores results,
# few enough that an interruption loses little.
QUEUED_PER_WORKER = 2
SHOWN_FAILURES = 10


@dataclass(frozen=True)
class Failed:
    reason: str


Outcome = Analysed | Failed


class Engine(Protocol):
    def results(self, records: Iterable[Record]) -> Iterator[tuple[Record, Outcome]]:
        """Each record with its outcome, in any order, taking records only as it needs them."""
        ...

    def close(self) -> None: ...


# --- what a worker does with one record -----------------------------------------------------


def analyse_record(record: Record, pipeline: Pipeline) -> Outcome:
    """Decode (or fetch) and analyse a record; a bad one becomes Failed, never an exception."""
    try:
        return pipeline.analyse_record(record)
    except PropwatchError as error:
        return Failed(str(error))
    except Exception as error:  # a bug on odd input must not stop a corpus run: log it, go on
        return Failed(f"internal error {type(error).__name__}: {error} (please report it)")


# --- the local engine -------------------------------------------------------------------------


def _work(record: Record) -> Outcome:
    return analyse_record(record, worker_pipeline())


class LocalEngine:
    """Worker processes on this machine, each loading the model once.

    When a worker dies (out of memory, a native crash) every record in flight comes back with
    BrokenProcessPool; those records are retried one at a time in a new pool, so a record that
    kills its worker again is logged as a failure and the others go through.
    """

    def __init__(
        self, workers: int, model: ModelChoice | None = None, min_confidence: float | None = None
    ) -> None:
        self.workers = workers
        self.model = model
        self.min_confidence = min_confidence
        self.generation = 0  # which pool the current one is, to replace a broken one once
        self.pool = self._new_pool()
        self.crashes: dict[str, int] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: a fresh interpreter per worker, no inherited threads or locks (Rich, SQLAlchemy)
        context = multiprocessing.get_context("spawn")
        # one ONNX thread each: the workers share the cores
        return ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=start_worker,
            initargs=(self.model, 1, self.min_confidence),
        )

    def results(self, records: Iterable[Record]) -> Iterator[tuple[Record, Outcome]]:
        todo = iter(records)
        suspects: list[Record] = []
        pending: dict[Future[Outcome], tuple[Record, int]] = {}
        while True:
            self._submit(pending, todo, suspects)
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                record, generation = pending.pop(future)
                outcome: Outcome | None
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    self._replace_pool(generation)
                    outcome = self._after_crash(record, suspects)
                if outcome is not None:
                    yield record, outcome

    def _submit(
        self,
        pending: dict[Future[Outcome], tuple[Record, int]],
        todo: Iterator[Record],
        suspects: list[Record],
    ) -> None:
        if suspects:  # a suspect runs alone, so that a second crash names the culprit
            if not pending:
                record = suspects.pop()
                pending[self.pool.submit(_work, record)] = (record, self.generation)
            return
        while len(pending) < self.workers * QUEUED_PER_WORKER:
            upcoming = next(todo, None)
            if upcoming is None:
                return
            pending[self.pool.submit(_work, upcoming)] = (upcoming, self.generation)

    def _replace_pool(self, generation: int) -> None:
        if generation == self.generation:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            self.generation += 1

    def _after_crash(self, record: Record, suspects: list[Record]) -> Outcome | None:
        key = record.meta.content_hash
        self.crashes[key] = self.crashes.get(key, 0) + 1
        if self.crashes[key] >= 2:
            return Failed("its worker process died while analysing it (out of memory?)")
        suspects.append(record)
        return None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


# --- the run ----------------------------------------------------------------------------------


@dataclass
class RunReport:
    """What a run did, updated as it goes (the progress bar reads it)."""

    stored: int = 0
    skipped: int = 0
    failed: int = 0
    analysed: int = 0  # results the engine returned, stored or failed
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first few, for the user
    started: float = field(default_factory=time.perf_counter)
    first_result: float | None = None  # when the engine returned its first result
    store_seconds: float = 0.0  # time the main process spent writing to the store

    @property
    def done(self) -> int:
        return self.stored + self.skipped + self.failed

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    @property
    def rate(self) -> float | None:
        """Results per second since the first one (the workers' start-up left out), once known."""
        if self.first_result is None or self.analysed < 2:
            return None
        return (self.analysed - 1) / max(time.perf_counter() - self.first_result, 1e-9)

    def fail(self, location: str, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < SHOWN_FAILURES:
            self.failures.append((location, reason))


def run_batch(
    inputs: Sequence[Path],
    store: Store,
    engine: Engine,
    models: ModelChoice,
    *,
    outlet: str | None = None,
    report: RunReport | None = None,
    on_progress: Callable[[RunReport], None] = lambda _report: None,
) -> RunReport:
    """Analyse every new record of `inputs` with `engine` and store the results in `store`.

    `report` (a new one by default) is updated as the run goes, so a caller still has the counts
    when the run is interrupted.
    """
    report = report or RunReport()
    stored_before = _analysed(store, models)
    queued: set[str] = set()

    def todo() -> Iterator[Record]:
        for item in read_inputs(inputs, outlet):
            if isinstance(item, BadRecord):
                _fail(store, report, item.location, item.record_id, item.reason)
            elif item.meta.content_hash in stored_before or item.meta.content_hash in queued:
                report.skipped += 1
            else:
                queued.add(item.meta.content_hash)
                yield item
                continue  # its progress comes with its result
            on_progress(report)

    for record, outcome in engine.results(todo()):
        _store_outcome(store, report, record, outcome)
        on_progress(report)
    return report


def _analysed(store: Store, models: ModelChoice) -> set[str]:
    """Content hashes of the stored articles that the model for their language has analysed."""
    return {
        content_hash
        for name in models.names
        for content_hash, language in store.stored_languages(name).items()
        if models.name_for(language) == name
    }


def _store_outcome(store: Store, report: RunReport, record: Record, outcome: Outcome) -> None:
    meta = record.meta
    report.analysed += 1
    if report.first_result is None:
        report.first_result = time.perf_counter()
    if isinstance(outcome, Failed):
        _fail(store, report, meta.location, meta.record_id, outcome.reason, meta.content_hash)
        return
    if outcome.title and not meta.title:
        meta = replace(meta, title=outcome.title)
    try:
        saved = _timed(report, store.save_analysis, meta, outcome.analysis)
    except PropwatchError as refused:
        _fail(store, report, meta.location, meta.record_id, str(refused), meta.content_hash)
        return
    if saved:
        report.stored += 1
    else:
        report.skipped += 1  # stored by a concurrent run meanwhile


def _fail(
    store: Store,
    report: RunReport,
    location: str,
    record_id: str | None,
    reason: str,
    content_hash: str | None = None,
) -> None:
    _timed(report, store.save_failure, location, record_id, reason, content_hash)
    report.fail(location, reason)


def _timed(report: RunReport, write: Callable[..., Any], *args: Any) -> Any:
    started = time.perf_counter()
    try:
        return write(*args)
    finally:
        report.store_seconds += time.perf_counter() - started
