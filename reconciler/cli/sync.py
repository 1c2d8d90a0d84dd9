"""`reconcile sync --env ENV`: the pull-based agent (CONTRACT section 8).

Parses options, wires the observers (metrics, notifications, the JSON round log on stderr)
and the signals, and hands the rounds to ``engine.sync.loop``. SIGTERM and Ctrl-C stop the
agent between two steps of a round; the round's records are never left half written.
"""

from __future__ import annotations

import json
import os
import signal
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, lock_timeout_option, options
from reconciler.engine.sync.logline import json_log
from reconciler.engine.sync.loop import Pace, SyncLoop
from reconciler.engine.sync.report import RoundReport
from reconciler.engine.sync.round import SyncSettings
from reconciler.gitops.locksettings import lock_ttl
from reconciler.manifests import require_known


@click.command("sync")
@click.option("--env", "env", required=True, metavar="ENV", help="Environment to follow.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Time between rounds (jittered by 10%; doubled per failure in a row, up to 300 s).",
)
@click.option("--once", is_flag=True, help="Run one round and exit with its code.")
@click.option("--metrics-port", type=click.IntRange(0, 65535), default=None, metavar="N")
@click.option(
    "--metrics-host",
    default="127.0.0.1",
    show_default=True,
    help="Address the metrics listen on (0.0.0.0 in a container, for the scraper).",
)
@click.option("--notify", metavar="URL", default=None, help="POST one JSON event per change.")
@lock_timeout_option
@options("root", "fmt", "sandbox", "push", "remote", "verbose")
@click.pass_context
def sync(ctx: click.Context, /, env: str, **given: Any) -> None:
    """Follow git: fetch, fast-forward, plan, and apply what policy.sync allows, every round."""
    agent = {k: given.pop(k) for k in ("interval", "once", "metrics_port", "metrics_host")}
    notify, lock_timeout = given.pop("notify"), given.pop("lock_timeout")
    opts = build_options(ctx, **given)
    settings = SyncSettings(
        root=opts.root,
        environment=env,
        push=opts.push,
        sandbox=opts.sandbox,
        remote=opts.remote,
        lock_timeout=lock_timeout,
        lock_ttl=lock_ttl(os.environ),
    )
    guarded(lambda: _run(settings, opts, notify=notify, **agent), verbose=opts.verbose)


def _run(
    settings: SyncSettings,
    opts: CommonOptions,
    *,
    interval: float,
    once: bool,
    metrics_port: int | None,
    metrics_host: str,
    notify: str | None,
) -> int:
    require_known(settings.root, [settings.environment])  # a typo is not a round to retry
    # Metrics first: when a round's log line is out, its gauges already say the same.
    observers = [] if metrics_port is None else [_metrics(metrics_host, metrics_port)]
    observers.append(json_log())
    if notify:
        from reconciler.engine.sync.notify import Notifier  # noqa: PLC0415 (only when asked)

        observers.append(Notifier(notify))
    loop = SyncLoop(settings, pace=Pace(interval=interval), observers=observers)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _n, _f: loop.stop())
    code = loop.run(once=once)
    if once and loop.last is not None:
        _show(loop.last, opts.fmt)
        return code
    return 0


def _metrics(host: str, port: int) -> Any:
    from reconciler.engine.sync.metrics import SyncMetrics, serve_metrics  # noqa: PLC0415
    from reconciler.engine.sync.telemetry import standard_registry  # noqa: PLC0415

    registry = standard_registry()
    metrics = SyncMetrics(registry)
    _server, bound = serve_metrics(registry, host=host, port=port)
    click.echo(f"metrics on http://{host}:{bound}/metrics", err=True)
    return metrics.observe


def _show(report: RoundReport, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"formatVersion": 1, **report.as_dict()}, indent=2))
        return
    line = f"{report.environment}: round {report.number} {report.outcome.value}"
    details = [f"{report.pending} pending"] if report.pending else []
    details += [f"{len(report.drifted)} drifted"] if report.drifted else []
    details += [f"{sum(c.ok for c in report.changes)} applied"] if report.changes else []
    click.echo(line + (f" ({', '.join(details)})" if details else ""))
    for notice in report.notices:
        click.echo(notice, err=True)
    if report.error:
        click.echo(f"error: {report.error}", err=True)
