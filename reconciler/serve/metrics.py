"""Prometheus metrics of one service: requests, latencies, invocations, guard, cost, jobs.

Each service has its own registry (not the library's global one), so two services in one
process, as in the tests, count separately; ``engine.telemetry`` gives it the process and
build metrics that the global registry would have had, without the ``_created`` series.
Route labels are route templates (``/api/jobs/{id}``), never raw paths, so a scan of random
URLs cannot grow the series.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, generate_latest

from reconciler.engine.sync.telemetry import standard_registry
from reconciler.guard import accelerated

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = standard_registry()  # process_*, reconcile_build_info, no _created
        r = self.registry
        self.requests = Counter(
            "reconcile_serve_requests", "HTTP requests answered.", ["route", "status"], registry=r
        )
        self.latency = Histogram(
            "reconcile_serve_request_seconds",
            "Time to answer a request.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.invocations = Counter(
            "reconcile_serve_invocations", "invoke-protected calls.", ["env", "outcome"], registry=r
        )
        self.guard_ready = Gauge(
            "reconcile_serve_guard_one_pass_ready",
            "1 once the guard's one-pass matcher is compiled (a few seconds after start), else 0.",
            registry=r,
        )
        self.guard_ready.set_function(lambda: float(accelerated()))
        self.verdicts = Counter(
            "reconcile_serve_guard_verdicts",
            "Guard verdicts on invoke input.",
            ["verdict"],
            registry=r,
        )
        self.cost = Counter(
            "reconcile_serve_invocation_cost_usd",
            "Cost of invocations so far.",
            ["env"],
            registry=r,
        )
        self.refused_connections = Counter(
            "reconcile_serve_refused_connections",
            "Connections closed by the service: busy (over --max-connections), header-timeout, "
            "body-timeout, headers-too-large.",
            ["reason"],
            registry=r,
        )
        self.jobs = Counter("reconcile_serve_jobs", "Apply jobs by status.", ["status"], registry=r)
        self.running = Gauge("reconcile_serve_jobs_running", "Apply jobs running now.", registry=r)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
