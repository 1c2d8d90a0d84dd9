"""`reconcile serve`: the configurator service (CONTRACT section 7).

Parses options into ``ServeSettings`` and hands them to ``reconciler.serve``. The first line
of stdout is the base URL (flushed at once); Ctrl-C or SIGTERM stops the service cleanly.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import options
from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.serve import ServeSettings
from reconciler.serve import serve as run_service
from reconciler.serve.service import Service


@click.command("serve")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Config repository to serve (default: the current directory).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0: any free."
)
@click.option("--sandbox", is_flag=True, help="Use the embedded Gateway emulator of each env.")
@click.option(
    "--sync",
    "sync_envs",
    default="",
    metavar="ENV[,ENV]",
    help="Run the sync agent of these environments inside the service (see 'reconcile sync').",
)
@click.option(
    "--sync-interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Time between the agent's rounds.",
)
@click.option("--push", is_flag=True, help="Push configured branches and open pull requests.")
@options("remote")
@click.option(
    "--tokens",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Token file: lines 'NAME ROLE SHA256-HEX-OF-TOKEN'.",
)
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="A TLS-terminating reverse proxy is in front (needed off loopback).",
)
@click.option(
    "--trusted-user-header",
    metavar="HEADER",
    default=None,
    help="With --behind-proxy: the header in which the proxy names the person (for commits "
    "and the audit log; the token still sets the role).",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(1),
    default=600,
    show_default=True,
    help="Requests per minute per token.",
)
@click.option(
    "--login-failures",
    type=click.IntRange(1),
    default=20,
    show_default=True,
    help="Failed authentications a minute from one client address before 429.",
)
@click.option(
    "--invoke-threads",
    type=click.IntRange(1, 512),
    default=16,
    show_default=True,
    help="Invocations in flight at once; raise it for slow models.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 65536),
    default=256,
    show_default=True,
    help="Open connections at once; past it a new one is answered 503.",
)
@click.option(
    "--header-timeout",
    type=click.FloatRange(0.1, 300),
    default=10.0,
    show_default=True,
    help="Seconds a request's headers may take to arrive.",
)
@click.option(
    "--body-timeout",
    type=click.FloatRange(0.1, 3600),
    default=30.0,
    show_default=True,
    help="Seconds a request's body may take to arrive after its headers.",
)
@click.option(
    "--stop-grace",
    type=click.FloatRange(0, 3600),
    default=20.0,
    show_default=True,
    metavar="SECONDS",
    help="On SIGTERM, how long running apply jobs may take to finish before they are "
    "checkpointed (no new write; calls in flight finished and recorded).",
)
@click.option("-v", "--verbose", count=True, help="-v shows tracebacks of startup errors.")
def serve(verbose: int, **given: Any) -> None:
    """Serve the configurator API and web page; prints its base URL first."""
    settings = ServeSettings(
        root=(given["root"] or Path.cwd()).resolve(),
        host=given["host"],
        port=given["port"],
        sync_envs=tuple(e.strip() for e in given["sync_envs"].split(",") if e.strip()),
        sync_interval=given["sync_interval"],
        sandbox=given["sandbox"],
        push=given["push"],
        remote=given["remote"] or DEFAULT_REMOTE,
        tokens=given["tokens"],
        behind_proxy=given["behind_proxy"],
        trusted_user_header=given["trusted_user_header"],
        requests_per_minute=given["rate_limit"],
        login_failures_per_minute=given["login_failures"],
        invoke_threads=given["invoke_threads"],
        max_connections=given["max_connections"],
        header_timeout=given["header_timeout"],
        body_timeout=given["body_timeout"],
        stop_grace=given["stop_grace"],
    )
    guarded(lambda: _run(settings), verbose=verbose)


def _run(settings: ServeSettings) -> int:
    service = Service(settings)
    service.mark.take(sandbox=settings.sandbox)  # refused before a URL is announced
    run_service(service, announce=_announce)
    return 0


def _announce(url: str) -> None:
    click.echo(url)
    sys.stdout.flush()
    click.echo(f"serve: the configurator is at {url}/ ; Ctrl-C to stop", err=True)
