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
            first = _first_line(error)
            where = f"reach the Ray cluster {address}" if address else "start a local Ray instance"
            raise PropwatchError(
                f"cannot {where}: {first}; check --ray-address or RAY_ADDRESS "
                "(ray://HEAD:10001, or HEAD:6379 on a node of the cluster)"
            ) from None

    def results(self, records: Iterable[Record]) -> Iterator[tuple[Record, Outcome]]:
        todo = iter(records)
        pending: dict[Any, tuple[Record, Any]] = {}  # ref -> (record, the actor analysing it)
        while True:
            while (actor := self._least_loaded(pending)) is not None and (
                record := next(todo, None)
            ) is not None:
                pending[actor.analyse.remote(record)] = (record, actor)
            if not pending:
                return
            ref = self._next_done(pending)
            record, actor = pending.pop(ref)
            yield record, self._outcome(ref, actor)

    def _least_loaded(self, pending: dict[Any, tuple[Record, Any]]) -> Any | None:
        """The actor with the fewest records queued, None when all are full."""
        if not self.actors:
            raise PropwatchError(
                "every Ray worker died (did the cluster lose its nodes?); what is stored stays: "
                "check the cluster with `ray status` and run the same command again"
            )
        queued = [sum(1 for _, held in pending.values() if held is actor) for actor in self.actors]
        fewest = min(queued)
        return self.actors[queued.index(fewest)] if fewest < QUEUED_PER_WORKER else None

    def _next_done(self, pending: dict[Any, tuple[Record, Any]]) -> Any:
        try:
            done, _ = self.ray.wait(list(pending), num_returns=1)
        except ConnectionError as error:  # Ray Client lost the head: nothing more will come
            raise PropwatchError(
                f"lost the connection to the Ray cluster ({_first_line(error)}); what is stored "
                "stays: check the head node and run the same command again"
            ) from None
        return done[0]

    def _outcome(self, ref: Any, actor: Any) -> Outcome:
        try:
            outcome: Outcome = self.ray.get(ref)
            return outcome
        except self.ray.exceptions.RayActorError:
            self._replace(actor)
            return Failed("its Ray worker died while analysing it (out of memory, or a lost node)")
        except self.ray.exceptions.RayError as error:
            return Failed(f"Ray failed on it: {_first_line(error)}")

    def _replace(self, dead: Any) -> None:
        """Drops a dead actor (once, though several of its calls report the death) and starts a
        new one where the cluster has a CPU free: after a lost node there is none, and an actor
        that cannot be placed would hold its records forever."""
        if all(actor is not dead for actor in self.actors):
            return
        self.actors = [actor for actor in self.actors if actor is not dead]
        if self.ray.available_resources().get("CPU", 0) >= 1:
            self.actors.append(self.actor_class.remote(self.model, self.min_confidence))

    def close(self) -> None:
        try:
            for actor in self.actors:
                self.ray.kill(actor)
        except ConnectionError:
            pass  # the cluster is gone, and its actors with it
        if self.started_here:
            self.ray.shutdown()


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
