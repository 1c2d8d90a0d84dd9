"""`reconcile sandbox`: run the Gateway API emulator on loopback in the foreground.

The first line of stdout is the base URL (flushed at once) so scripts can read it; everything
else goes to stderr. Ctrl-C stops it (exit 130, "interrupted"); SIGTERM stops it cleanly (0).
"""

from __future__ import annotations

import ipaddress
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.sandbox import SandboxServer, SandboxSettings
from reconciler.sandbox.settings import parse_client, parse_range
from reconciler.structs.errors import ConfigError


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8787,
    show_default=True,
    help="Port; 0 picks a free one.",
)
@click.option(
    "--state",
    "state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Keep models in this JSON file across restarts.",
)
@click.option(
    "--client",
    "clients",
    multiple=True,
    metavar="ID:SECRET[:SCOPES]",
    help="An OAuth client (repeatable); SCOPES comma-separated, both when omitted.",
)
@click.option(
    "--provision-seconds",
    default="20:40",
    show_default=True,
    metavar="MIN:MAX",
    help="Provisioning delay range.",
)
@click.option(
    "--rate-limit", type=int, default=300, show_default=True, help="Requests per minute per token."
)
@click.option(
    "--error-rate",
    type=float,
    default=0.0,
    show_default=True,
    help="Fraction of requests answered 500/502/503/504.",
)
@click.option("--error-rate-token", is_flag=True, help="Inject faults on /oauth/token too.")
@click.option(
    "--lost-reply-rate",
    type=float,
    default=0.0,
    show_default=True,
    help="Fraction of writes performed and then answered 502 (a reply lost on the way).",
)
@click.option(
    "--token-ttl", type=float, default=86400.0, show_default=True, help="Token lifetime in seconds."
)
@click.option(
    "--request-deadline",
    type=float,
    default=30.0,
    show_default=True,
    help="Seconds a request may take to arrive from its first byte (408 after).",
)
@click.option("--seed", type=int, default=None, help="Seed delays and faults reproducibly.")
@click.option("-v", "--verbose", count=True, help="Log each request (method, path, status).")
def sandbox(verbose: int, **given: Any) -> None:
    """Run the Gateway API emulator on loopback; prints its base URL first."""
    guarded(lambda: serve(given, verbose=verbose), verbose=verbose)


def serve(given: dict[str, Any], *, verbose: int) -> int:
    """Start the server, print its URL, and wait for Ctrl-C or SIGTERM."""
    settings = _settings(given)
    log = (lambda line: click.echo(f"sandbox: {line}", err=True)) if verbose else None
    server = SandboxServer(settings, host=given["host"], port=given["port"], log=log)
    try:
        url = server.start()
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {given['host']}:{given['port']}: {exc.strerror}",
            hint="choose another --port, or --port 0 for a free one",
        ) from exc
    click.echo(url)
    sys.stdout.flush()
    if not _is_loopback(given["host"]):
        click.echo(
            f"sandbox: warning: {given['host']} is reachable beyond this machine and the "
            "sandbox has no TLS; use 127.0.0.1 unless you mean it",
            err=True,
        )
    names = ", ".join(f"{c.client_id} ({','.join(c.scopes)})" for c in settings.clients)
    click.echo(
        f"sandbox: serving login and api at {url}; clients: {names}; Ctrl-C to stop", err=True
    )
    previous = signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        server.wait()
    except _Terminated:
        return 0
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class _Terminated(Exception):
    """SIGTERM: a normal way to stop a server."""


def _stop_on_term(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def _settings(given: dict[str, Any]) -> SandboxSettings:
    try:
        clients = tuple(parse_client(c) for c in given["clients"])
        return SandboxSettings(
            clients=clients or SandboxSettings().clients,
            provision_seconds=parse_range(given["provision_seconds"]),
            rate_limit=given["rate_limit"],
            error_rate=given["error_rate"],
            error_rate_token=given["error_rate_token"],
            lost_reply_rate=given["lost_reply_rate"],
            token_ttl=given["token_ttl"],
            request_deadline=given["request_deadline"],
            state_file=given["state"],
            seed=given["seed"],
        )
    except ValueError as exc:
        raise ConfigError(
            f"reconcile sandbox: {exc}",
            hint="see 'reconcile sandbox --help' for the option formats",
        ) from exc
