"""A real Ray cluster (slow): a head and a second node started with `ray start` as separate
processes on 127.0.0.1, `propwatch batch` through the Ray Client address into PostgreSQL, the
second node killed mid-run, and a rerun that stores every article exactly once."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from propwatch.store import open_store
from propwatch.store.models import ArticleRow
from test_store import postgres_server, postgres_url  # noqa: F401  (fixtures)

PTC_DEV = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc" / "dev" / "dev-articles"
)
ARTICLES = 75  # all of PTC dev: the run is still going when its node dies
KILL_AFTER = 20  # articles stored: by then both actors have loaded the model and hold records
RAY = Path(sys.executable).with_name("ray")
START_SECONDS = 120
RUN_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Node:
    """One `ray start --block` process, in a session of its own so that killing its group takes
    its raylet and workers with it."""

    process: subprocess.Popen[bytes]
    temp_dir: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        with suppress(ProcessLookupError):  # raylets and workers left by a parent that died
            os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.temp_dir, ignore_errors=True)


def start_node(*options: str, env: dict[str, str] | None = None) -> Node:
    # Short temp dirs: Ray's socket paths must stay under the 107-character limit.
    temp_dir = Path(tempfile.mkdtemp(prefix="pwray", dir="/tmp"))
    ports = {
        "--node-manager-port": free_port(),
        "--object-manager-port": free_port(),
        "--metrics-export-port": free_port(),
        "--dashboard-agent-listen-port": free_port(),
        "--dashboard-agent-grpc-port": free_port(),
        "--runtime-env-agent-port": free_port(),
    }
    command = [
        str(RAY),
        "start",
        "--block",
        "--node-ip-address=127.0.0.1",
        "--num-cpus=1",
        "--object-store-memory=80000000",
        f"--temp-dir={temp_dir}",
        "--disable-usage-stats",
        *(f"{name}={port}" for name, port in ports.items()),
        *options,
    ]
    log = (temp_dir / "start.log").open("wb")
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    return Node(process, temp_dir)


@dataclass
class Cluster:
    head: Node
    worker: Node
    client_address: str


def wait_for_cpus(gcs_address: str, cpus: int) -> None:
    """Until the cluster counts `cpus` CPUs, asked through `ray status` (bounded)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        done = subprocess.run(
            [str(RAY), "status", f"--address={gcs_address}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if f"/{cpus}.0 CPU" in done.stdout:
            return
        time.sleep(2)
    raise AssertionError(f"the cluster did not reach {cpus} CPUs:\n{done.stdout}{done.stderr}")


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Cluster]:
    # A home of its own: a token in the user's ~/.ray/auth_token would switch the cluster to
    # token authentication that `ray status` and the driver do not send.
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for variable in ("RAY_ADDRESS", "RAY_AUTH_MODE"):
        monkeypatch.delenv(variable, raising=False)
    gcs_port, client_port = free_port(), free_port()
    gcs_address = f"127.0.0.1:{gcs_port}"
    nodes: list[Node] = []
    try:
        nodes.append(
            start_node(
                "--head",
                f"--port={gcs_port}",
                f"--ray-client-server-port={client_port}",
                "--include-dashboard=false",
                # A loaded CI machine can take longer than Ray's 30 s to start a client's server.
                env={"RAY_CLIENT_SERVER_CHECK_CHANNEL_TIMEOUT_S": "180"},
            )
        )
        wait_for_cpus(gcs_address, 1)
        nodes.append(start_node(f"--address={gcs_address}"))
        wait_for_cpus(gcs_address, 2)
        yield Cluster(nodes[0], nodes[1], f"ray://127.0.0.1:{client_port}")
    finally:
        for node in reversed(nodes):
            node.stop()


def stored_articles(url: str) -> tuple[int, int]:
    """(rows, distinct articles) in the store."""
    store = open_store(url)
    try:
        with store.session() as session:
            rows = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
            distinct = session.scalar(select(func.count(func.distinct(ArticleRow.content_hash))))
    finally:
        store.close()
    return rows, distinct or 0


def batch(corpus: Path, cluster: Cluster, url: str) -> subprocess.Popen[str]:
    propwatch = Path(sys.executable).with_name("propwatch")
    command = [str(propwatch), "batch", str(corpus), "--engine", "ray"]
    command += ["--ray-address", cluster.client_address, "--db", url, "--workers", "2"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def client_server_logs(head: Node) -> str:
    """The head's Ray Client server logs, to say why a connection failed."""
    logs = sorted(head.temp_dir.glob("session_latest/logs/ray_client_server*"))
    return "\n".join(f"== {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs)


def stderr_at_end(run: subprocess.Popen[str]) -> str:
    """What the run wrote on stderr once it ends (bounded); killed if it does not."""
    try:
        return run.communicate(timeout=RUN_SECONDS)[1]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.skipif(not PTC_DEV.is_dir(), reason="../shared/data/ptc is not beside the repo")
def test_a_batch_survives_a_lost_node_and_a_rerun_stores_every_article_once(
    cluster: Cluster, request: pytest.FixtureRequest, tmp_path: Path
):
    url: str = request.getfixturevalue("postgres_url")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for source in sorted(PTC_DEV.glob("*.txt"))[:ARTICLES]:
        shutil.copy(source, corpus / source.name)

    first = batch(corpus, cluster, url)
    deadline = time.monotonic() + RUN_SECONDS
    while (
        stored_articles(url)[0] < KILL_AFTER
        and first.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.5)
    cluster.worker.kill()  # mid-run: both actors have records queued
    errors = stderr_at_end(first)
    first_rows = stored_articles(url)[0]
    assert "Traceback" not in errors, errors
    assert first.returncode == 1 and first_rows < ARTICLES, errors + client_server_logs(
        cluster.head
    )
    failed = [line for line in errors.splitlines() if line.strip().startswith("failed ")]
    assert failed and all("its Ray worker died" in line for line in failed), errors

    rerun = batch(corpus, cluster, url)  # asks for 2 workers where one CPU is left
    errors = stderr_at_end(rerun)
    assert rerun.returncode == 0, errors + client_server_logs(cluster.head)
    assert f"stored {ARTICLES - first_rows} · skipped {first_rows} · failed 0" in errors
    assert stored_articles(url) == (ARTICLES, ARTICLES)
