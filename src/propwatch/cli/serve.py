"""`propwatch serve`: the web app and HTTP API on uvicorn (imports them only when it runs)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Annotated

import typer

from propwatch.cli.common import DbOption, ModelsOption, app, model_choice
from propwatch.errors import BadInput
from propwatch.web.settings import (
    BODY_SECONDS,
    DEFAULT_QUEUE,
    DEFAULT_RATE_LIMIT,
    DEFAULT_WORKERS,
    HEAD_SECONDS,
    Settings,
)

TOKEN_VARIABLE = "PROPWATCH_TOKEN"
MIN_TOKEN_CHARS = 16
MAKE_TOKEN = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; 0.0.0.0 opens the server to the network."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    db: DbOption = None,
    model: ModelsOption = None,
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
    token_file: Annotated[
        Path | None,
        typer.Option(
            help=f"File holding the access token every API call must carry (else "
            f"{TOKEN_VARIABLE}); needed off loopback.",
            show_default=False,
        ),
    ] = None,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth", help="Serve off loopback without a token (a proxy in front checks)."
        ),
    ] = False,
    keep_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Delete kept analyses after this many days (default: keep them).",
            show_default=False,
        ),
    ] = None,
    rate_limit: Annotated[
        int,
        typer.Option(min=0, help="Analyses a minute per client address (0: no limit)."),
    ] = DEFAULT_RATE_LIMIT,
    head_timeout: Annotated[
        float,
        typer.Option(min=0.1, help="Seconds a client has to send a request's head (408 after)."),
    ] = HEAD_SECONDS,
    body_timeout: Annotated[
        float,
        typer.Option(min=0.1, help="Seconds a client has to send a request's body (408 after)."),
    ] = BODY_SECONDS,
) -> None:
    """Start the web app (/) and the HTTP API (/v1, docs at /docs); kept analyses go to --db."""
    import uvicorn

    from propwatch.store import open_store
    from propwatch.store.database import display_url, normalise_url
    from propwatch.web.app import create_app
    from propwatch.web.server import server_config

    models = model_choice(model)
    token = None if no_auth else access_token(token_file, os.environ.get(TOKEN_VARIABLE))
    if token is None and not no_auth and not _is_loopback(host):
        raise BadInput(
            f"--host {host} opens the server to the network: set {TOKEN_VARIABLE} or give "
            "--token-file (a long random secret), or add --no-auth if a proxy in front checks "
            "who comes in"
        )
    store = open_store(db)  # a store that is not ours stops here, before the model loads
    articles = store.article_count()
    store.close()
    listener = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{listener.getsockname()[1]}/"
    loaded = "the model" if len(models.names) == 1 else f"{len(models.names)} models"
    typer.echo(
        f"propwatch: loading {loaded} in {workers} worker(s), then serving {address}; nothing "
        f"is stored unless asked, kept analyses go to {display_url(normalise_url(db))}",
        err=True,
    )
    if articles:
        typer.echo(
            f"propwatch: the corpus dashboard of its {articles:,} batch articles is at "
            f"{address}corpus",
            err=True,
        )
    if token is not None:
        typer.echo("propwatch: API calls and pages need the access token", err=True)
    elif not _is_loopback(host):
        typer.echo(
            "propwatch: not on loopback and no token: anyone who can reach this host can use it",
            err=True,
        )
    settings = Settings(
        db_url=db,
        models=models,
        allow_private=allow_private,
        workers=workers,
        queue=queue,
        token=token,
        keep_days=keep_days,
        rate_limit=rate_limit,
    )
    config = server_config(create_app(settings), head_timeout, body_timeout)
    uvicorn.Server(config).run(sockets=[listener])


def access_token(token_file: Path | None, variable: str | None) -> str | None:
    """The access token: the first line of `token_file`, else the environment's; None if none."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip().split("\n", 1)[0].strip()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise BadInput(f"cannot read the token file {token_file}: {reason}") from None
        where = str(token_file)
    elif variable:
        token, where = variable.strip(), TOKEN_VARIABLE
    else:
        return None
    if (
        len(token) < MIN_TOKEN_CHARS
        or not (token.isascii() and token.isprintable())
        or (" " in token)
    ):
        raise BadInput(
            f"the token in {where} must be at least {MIN_TOKEN_CHARS} printable ASCII characters "
            f"without spaces; make one with {MAKE_TOKEN}"
        )
    return token


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
