"""`propwatch serve`: the web app and HTTP API on uvicorn (imports them only when it runs)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from propwatch.cli.common import DbOption, ModelOption, app
from propwatch.errors import BadInput
from propwatch.web.settings import DEFAULT_QUEUE, DEFAULT_WORKERS, Settings


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; 0.0.0.0 opens the server to the network."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    db: DbOption = None,
    model: ModelOption = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Model worker processes (about 0.5 GB each).")
    ] = DEFAULT_WORKERS,
    queue: Annotated[
        int, typer.Option(min=0, help="Analyses that may wait for a worker; more get 503.")
    ] = DEFAULT_QUEUE,
    allow_private: Annotated[
        bool,
        typer.Option(help="Let URL analysis fetch loopback, private and link-local addresses."),
    ] = False,
) -> None:
    """Start the web app (/) and the HTTP API (/v1, docs at /docs); saved analyses go to --db."""
    import uvicorn

    from propwatch.store.database import display_url, normalise_url
    from propwatch.web.app import create_app

    listener = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"propwatch: loading the model in {workers} worker(s), then serving "
        f"http://{shown}:{listener.getsockname()[1]}/ and saving analyses in "
        f"{display_url(normalise_url(db))}",
        err=True,
    )
    if not _is_loopback(host):
        typer.echo(
            "propwatch: not on loopback: anyone who can reach this host can use it", err=True
        )
    settings = Settings(
        db_url=db, model=model, allow_private=allow_private, workers=workers, queue=queue
    )
    config = uvicorn.Config(create_app(settings), log_level="info", timeout_graceful_shutdown=10)
    uvicorn.Server(config).run(sockets=[listener])


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a one-line error (the port is taken, say)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise BadInput(f"cannot listen on {host}: no such address; try 127.0.0.1") from None
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise BadInput(
            f"cannot listen on {host}:{port}: {error.strerror}; pick another --port or stop the "
            "program that uses it"
        ) from None
    listener.set_inheritable(True)
    return listener


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"
