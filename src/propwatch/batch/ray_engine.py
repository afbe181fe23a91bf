"""The Ray engine: the same batch on a Ray cluster (or a local Ray instance), one actor per CPU.

Each actor loads the model once, on one ONNX thread, and analyses the records sent to it; the
driver (the `propwatch batch` process) reads the inputs and writes the store, exactly as with the
local engine. Connects to the cluster in `address` or `RAY_ADDRESS`, else starts a local instance.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any

from propwatch.batch.runner import QUEUED_PER_WORKER, Failed, Outcome, analyse_record
from propwatch.errors import PropwatchError
from propwatch.pipeline import ModelChoice, Pipeline
from propwatch.record import Record

STARTING_SECONDS = 300  # for the first actor to load the model, or a new one after a loss
CONNECT_ATTEMPTS = 3


class Analyser:
    """A Ray actor: one pipeline on one ONNX thread (an actor per CPU), kept for its life."""

    def __init__(self, model: ModelChoice | None, min_confidence: float | None) -> None:
        self.pipeline = Pipeline.chosen(model or ModelChoice.of(), 1, min_confidence)

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
        model: ModelChoice | None = None,
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
        # Records go only to actors that have started (model loaded): one that no node can host
        # (more workers than CPUs, a lost node) waits in `starting` and holds no records.
        self.actors: list[Any] = []
        self.starting: dict[Any, Any] = {}  # ready ref -> actor
        for _ in range(self.workers):
            self._start_actor()

    def _connect(self, address: str | None, workers: int | None) -> None:
        address = address or os.environ.get("RAY_ADDRESS")
        quiet: dict[str, Any] = {
            "logging_level": logging.WARNING,
            "log_to_driver": False,  # actor output would tear the progress bar
        }
        try:
            if address:
                self._join(address, quiet)
            else:  # a local instance for this run, sized to the workers asked for
                self.ray.init(address="local", num_cpus=workers, include_dashboard=False, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as error:
            where = f"reach the Ray cluster {address}" if address else "start a local Ray instance"
            raise PropwatchError(
                f"cannot {where}: {_reason(error)}; check --ray-address or RAY_ADDRESS "
                "(ray://HEAD:10001, or HEAD:6379 on a node of the cluster)"
            ) from None

    def _join(self, address: str, quiet: dict[str, Any]) -> None:
        """Connects to a running cluster. A Ray Client server starts a process per client, and
        on a busy head that start can fail once; the next try usually succeeds."""
        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            try:
                self.ray.init(address=address, **quiet)
                return
            except ConnectionAbortedError as error:  # the head refused this client's start
                if attempt == CONNECT_ATTEMPTS:
                    raise
                logging.getLogger(__name__).warning(
                    "the Ray cluster %s refused the connection (%s); trying again",
                    address,
                    _reason(error),
                )

    def _start_actor(self) -> None:
        actor = self.actor_class.remote(self.model, self.min_confidence)
        self.starting[actor.__ray_ready__.remote()] = actor

    def results(self, records: Iterable[Record]) -> Iterator[tuple[Record, Outcome]]:
        todo = iter(records)
        pending: dict[Any, tuple[Record, Any]] = {}  # ref -> (record, the actor analysing it)
        record = next(todo, None)
        while True:
            while record is not None and (actor := self._least_loaded(pending)) is not None:
                pending[actor.analyse.remote(record)] = (record, actor)
                record = next(todo, None)
            if record is None and not pending:
                return
            ref = self._next_done(pending)
            if ref in self.starting:
                self._started(ref)
                continue
            done, actor = pending.pop(ref)
            yield done, self._outcome(ref, actor)

    def _least_loaded(self, pending: dict[Any, tuple[Record, Any]]) -> Any | None:
        """The started actor with the fewest records queued, None when all are full."""
        if not self.actors and not self.starting:
            raise PropwatchError(
                "every Ray worker died (did the cluster lose its nodes?); what is stored stays: "
                "check the cluster with `ray status` and run the same command again"
            )
        queued = [sum(1 for _, held in pending.values() if held is actor) for actor in self.actors]
        fewest = min(queued, default=QUEUED_PER_WORKER)
        return self.actors[queued.index(fewest)] if fewest < QUEUED_PER_WORKER else None

    def _started(self, ready: Any) -> None:
        actor = self.starting.pop(ready)
        try:
            self.ray.get(ready)
        except self.ray.exceptions.RayError as error:  # its node died, or the model did not load
            logging.getLogger(__name__).warning(
                "a Ray worker did not start: %s", _first_line(error)
            )
            return
        self.actors.append(actor)

    def _next_done(self, pending: dict[Any, tuple[Record, Any]]) -> Any:
        try:
            # Only while no record is out: a slow article must not time out, an actor that no
            # node can host must not hang the run.
            done, _ = self.ray.wait(
                [*pending, *self.starting],
                num_returns=1,
                timeout=None if pending else STARTING_SECONDS,
            )
        except ConnectionError as error:  # Ray Client lost the head: nothing more will come
            raise PropwatchError(
                f"lost the connection to the Ray cluster ({_first_line(error)}); what is stored "
                "stays: check the head node and run the same command again"
            ) from None
        if not done:
            raise PropwatchError(
                f"no Ray worker started within {STARTING_SECONDS} s: does the cluster have a "
                "CPU free and propwatch installed on its nodes? check with `ray status`"
            )
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
        new one, which takes records once a node hosts it."""
        if any(actor is dead for actor in self.actors):
            self.actors = [actor for actor in self.actors if actor is not dead]
            self._start_actor()

    def close(self) -> None:
        try:
            for actor in [*self.actors, *self.starting.values()]:
                self.ray.kill(actor)
        except ConnectionError:
            pass  # the cluster is gone, and its actors with it
        if self.started_here:
            self.ray.shutdown()


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _reason(error: BaseException) -> str:
    """The line that says why: a Ray Client server sends its traceback, whose last line does."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if any(line.startswith("Traceback") for line in lines):
        return lines[-1]
    return _first_line(error)
