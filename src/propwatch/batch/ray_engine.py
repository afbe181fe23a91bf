"""The Ray engine: the same batch on a Ray cluster (or a local Ray instance), one actor per CPU.

Each actor loads the model once, on one ONNX thread, and analyses the records sent to it; the
driver (the `propwatch batch` process) reads the inputs and writes the store, exactly as with the
local engine. Connects to the cluster in `address` or `RAY_ADDRESS`, else starts a local instance.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from propwatch.batch.runner import QUEUED_PER_WORKER, Failed, Outcome, analyse_record
from propwatch.errors import PropwatchError
from propwatch.pipeline import Pipeline
from propwatch.record import Record


class Analyser:
    """A Ray actor: one pipeline on one ONNX thread (an actor per CPU), kept for its life."""

    def __init__(self, model: Path | None, min_confidence: float | None) -> None:
        self.pipeline = Pipeline.load(model, threads=1, min_confidence=min_confidence)

    def analyse(self, record: Record) -> Outcome:
        return analyse_record(record, self.pipeline)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise PropwatchError(
            "--engine ray needs Ray; install it with `pip install 'propwatch[ray]'` "
            "(or `pip install ray`)"
        ) from None
    return ray


class RayEngine:
    def __init__(
        self,
        workers: int | None = None,
        model: Path | None = None,
        address: str | None = None,
        min_confidence: float | None = None,
    ) -> None:
        ray = self.ray = _ray()
        self.started_here = not ray.is_initialized()
        if self.started_here:
            self._connect(address, workers)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = workers or cpus
        self.model = model
        self.min_confidence = min_confidence
        self.actor_class = ray.remote(num_cpus=1)(Analyser)
        self.actors = [self.actor_class.remote(model, min_confidence) for _ in range(self.workers)]

    def _connect(self, address: str | None, workers: int | None) -> None:
        address = address or os.environ.get("RAY_ADDRESS")
        quiet: dict[str, Any] = {
            "logging_level": logging.WARNING,
            "log_to_driver": False,  # actor output would tear the progress bar
        }
        try:
            if address:
                self.ray.init(address=address, **quiet)
            else:  # a local instance for this run, sized to the workers asked for
                self.ray.init(address="local", num_cpus=workers, include_dashboard=False, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            where = f"reach the Ray cluster {address}" if address else "start a local Ray instance"
            raise PropwatchError(
                f"cannot {where}: {first}; check --ray-address or RAY_ADDRESS "
                "(ray://HEAD:10001, or HEAD:6379 on a node of the cluster)"
            ) from None

    def results(self, records: Iterable[Record]) -> Iterator[tuple[Record, Outcome]]:
        ray = self.ray
        todo = iter(records)
        pending: dict[Any, tuple[Record, int, Any]] = {}  # ref -> (record, actor index, actor)
        load = [0] * len(self.actors)
        while True:
            while min(load) < QUEUED_PER_WORKER and (record := next(todo, None)) is not None:
                index = load.index(min(load))
                actor = self.actors[index]
                pending[actor.analyse.remote(record)] = (record, index, actor)
                load[index] += 1
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            record, index, actor = pending.pop(done[0])
            load[index] -= 1
            yield record, self._outcome(done[0], index, actor)

    def _outcome(self, ref: Any, index: int, actor: Any) -> Outcome:
        try:
            outcome: Outcome = self.ray.get(ref)
            return outcome
        except self.ray.exceptions.RayActorError:
            # The actor is gone (out of memory, a lost node): its records fail, a new one takes
            # its place (once, though several of its calls report the death).
            if self.actors[index] is actor:
                self.actors[index] = self.actor_class.remote(self.model, self.min_confidence)
            return Failed("its Ray worker died while analysing it (out of memory?)")
        except self.ray.exceptions.RayError as error:
            return Failed(f"Ray failed on it: {str(error).strip().splitlines()[0]}")

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        if self.started_here:
            self.ray.shutdown()
