"""The sync agent's gauges (CONTRACT section 8), fed by each round's report.

``reconcile_models{env,state}`` sets every state it has ever reported for an environment,
so a state whose last model left reads 0 instead of keeping its old count forever.
``reconcile_last_sync_timestamp_seconds`` is the start of the last round that finished
(whatever it found); a failed round moves only ``reconcile_sync_failures_total``, so an alert
on the timestamp's age catches an agent that keeps failing.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from reconciler.engine.sync.report import RoundOutcome, RoundReport


class SyncMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.in_sync = Gauge(
            "reconcile_sync_in_sync",
            "1 when the last round found live equal to git (nothing pending), else 0.",
            ["env"],
            registry=r,
        )
        self.models = Gauge(
            "reconcile_models", "Managed endpoints by live status.", ["env", "state"], registry=r
        )
        self.drifted = Gauge(
            "reconcile_drifted_models",
            "Endpoints changed outside git that the last round found.",
            ["env"],
            registry=r,
        )
        self.last_sync = Gauge(
            "reconcile_last_sync_timestamp_seconds",
            "When the last round that finished started (Unix time).",
            ["env"],
            registry=r,
        )
        self.failures = Counter(
            "reconcile_sync_failures",
            "Rounds that failed or left an apply incomplete.",
            ["env"],
            registry=r,
        )
        self._states: dict[str, set[str]] = {}

    def observe(self, report: RoundReport) -> None:
        env = report.environment
        self.failures.labels(env=env)  # the series exists (at 0) from the first round
        if report.outcome in (RoundOutcome.FAILED, RoundOutcome.INCOMPLETE):
            self.failures.labels(env=env).inc()
        if report.outcome in (RoundOutcome.FAILED, RoundOutcome.STOPPED):
            return
        self.in_sync.labels(env=env).set(1 if report.in_sync else 0)
        self.drifted.labels(env=env).set(len(report.drifted))
        self.last_sync.labels(env=env).set(report.started)
        seen = self._states.setdefault(env, set())
        seen.update(report.states)
        for state in seen:
            self.models.labels(env=env, state=state).set(report.states.get(state, 0))


def serve_metrics(registry: CollectorRegistry, *, host: str, port: int) -> tuple[Any, int]:
    """Serve ``registry`` at ``http://host:port/metrics`` from a daemon thread; returns the
    server and the port it listens on (``port`` 0 picks a free one)."""
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server, int(server.server_port)
