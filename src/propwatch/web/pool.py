"""The bounded inference pool: worker processes, each loading the model once at startup.

Processes rather than threads, as in `propwatch batch`: the work around the model (spaCy, decoding)
is Python, and a worker that runs out of memory or crashes in native code takes only itself down.
At most `workers + queue` analyses are admitted at a time; one more is refused at once with
`Busy` (the API answers 503 with Retry-After) instead of piling up requests and their memory.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from propwatch.errors import BadInput, PropwatchError
from propwatch.pipeline import ModelChoice, start_worker, worker_pipeline

if TYPE_CHECKING:
    from propwatch.analysis import Analysis
    from propwatch.ingest import Decoding

T = TypeVar("T")

WARM_UP = "Warm-up\n\nThey are traitors who hate our great nation, officials said on Monday."
SMOOTHING = 0.2  # weight of the newest job in the running mean of job seconds


class Busy(Exception):
    """Every worker is busy and the queue is full."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"all workers are busy; retry in {retry_after} s")
        self.retry_after = retry_after


class WorkerDied(PropwatchError):
    """A worker process died mid-analysis (out of memory, or a crash in native code)."""


# --- inside a worker process ------------------------------------------------------------------


def _start_worker(models: ModelChoice | None, threads: int) -> None:
    start_worker(models, threads)
    worker_pipeline().analyse(WARM_UP)  # runs spaCy and the model once: the first request is fast


def analyse(
    text: str,
    url: str | None,
    min_confidence: float | None = None,
    decoding: Decoding | None = None,
) -> Analysis:
    """What `propwatch.analyze` does, with this worker's pipeline."""
    return worker_pipeline().analyse(text, url, min_confidence, decoding)


def model_name() -> str:
    return worker_pipeline().model


# --- in the server ----------------------------------------------------------------------------


class InferencePool:
    """Runs jobs in `workers` processes, each with the pipeline of the models `models` (default:
    the shipped model); admits at most `workers + queue` jobs at once."""

    def __init__(self, workers: int, queue: int, models: ModelChoice | None = None) -> None:
        if workers < 1 or queue < 0:
            raise BadInput("the pool needs at least one worker and a queue of 0 or more")
        self.workers = workers
        self.queue = queue
        self.models = models
        self.model = ""
        self._slots = threading.BoundedSemaphore(workers + queue)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._seconds = 1.0  # running mean of a job's time in the pool, queueing included
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # spawn: a fresh interpreter per worker, no threads or locks inherited from the server
        threads = max(1, (os.cpu_count() or 1) // self.workers)
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.models, threads),
        )

    def start(self) -> None:
        """Start every worker and wait until each has loaded the model."""
        jobs = [self._executor.submit(model_name) for _ in range(self.workers)]
        self.model = jobs[0].result()
        for job in jobs[1:]:
            job.result()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def retry_after(self) -> int:
        """Seconds after which a refused request may find room: about one job's time."""
        return max(1, math.ceil(self._seconds))

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]:
        """Run `fn(*args)` in a worker, or raise Busy when `workers + queue` jobs are admitted."""
        if not self._slots.acquire(blocking=False):
            raise Busy(self.retry_after())
        started = time.perf_counter()
        executor = self._executor
        try:
            future = executor.submit(fn, *args)
        except BaseException:
            self._slots.release()
            raise
        with self._lock:
            self._in_flight += 1
        future.add_done_callback(lambda _: self._finished(started))
        return future

    def _finished(self, started: float) -> None:
        seconds = time.perf_counter() - started
        with self._lock:
            self._in_flight -= 1
            self._seconds += SMOOTHING * (seconds - self._seconds)
        self._slots.release()

    async def run(self, fn: Callable[..., T], /, *args: Any) -> T:
        """`submit`, awaited; a worker that died is replaced and reported as WorkerDied."""
        executor = self._executor
        try:
            return await asyncio.wrap_future(self.submit(fn, *args))
        except BrokenProcessPool:
            self._replace(executor)
            raise WorkerDied(
                "the analysis worker stopped unexpectedly (out of memory?); try again, or with "
                "a shorter text"
            ) from None

    async def analyze(
        self,
        text: str,
        url: str | None,
        min_confidence: float | None = None,
        decoding: Decoding | None = None,
    ) -> Analysis:
        return await self.run(analyse, text, url, min_confidence, decoding)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:  # the first caller to notice replaces it
                broken.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()

    def close(self) -> None:
        """Stop taking jobs, drop the queued ones, and wait for the running ones."""
        self._executor.shutdown(wait=True, cancel_futures=True)
