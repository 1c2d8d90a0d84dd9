"""The metrics every long-running process of ours exposes beside its own: ``process_*``
(CPU, memory, open files), ``python_info`` and ``reconcile_build_info``, without the
``_created`` series that prometheus_client adds to counters by default (one extra series per
counter that alerting never reads). Each process builds its own registry, so two services in
one test process count separately; this adds the standard collectors to one of them."""

from __future__ import annotations

import platform

from prometheus_client import (
    CollectorRegistry,
    Gauge,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)

from reconciler import __version__


def standard_registry() -> CollectorRegistry:
    """A registry with process, platform and build metrics, and no ``_created`` series."""
    disable_created_metrics()  # type: ignore[no-untyped-call]
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    build = Gauge(
        "reconcile_build_info",
        "Always 1; the labels say which reconcile and which Python are running.",
        ["version", "python"],
        registry=registry,
    )
    build.labels(version=__version__, python=platform.python_version()).set(1)
    return registry
