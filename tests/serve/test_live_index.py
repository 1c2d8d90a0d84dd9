"""The service's index of ACTIVE endpoints: callers never wait for a lookup they did not need."""

from __future__ import annotations

import threading
from typing import Any

from reconciler.serve.connections import LIVE_SECONDS, STALE_SECONDS, LiveIndex


class SlowGateway:
    """Answers lookups only when the test lets it, so a caller that waits would hang."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lookups = 0
        self.version = 1

    def find_model_by_name(self, name: str) -> dict[str, Any]:
        self.lookups += 1
        if self.lookups > 1:
            assert self.release.wait(5)
        return {"name": name, "status": "ACTIVE", "version": self.version}


def test_a_stale_record_is_served_at_once_and_refreshed_in_the_background() -> None:
    gateway, now = SlowGateway(), [0.0]
    index = LiveIndex(gateway, monotonic=lambda: now[0])  # type: ignore[arg-type]
    assert index.find("m")["version"] == 1  # first lookup: the caller waits for it
    gateway.version = 2
    now[0] = LIVE_SECONDS + 0.1
    assert index.find("m")["version"] == 1  # stale: served at once, lookup started
    assert index.find("m")["version"] == 1  # a second caller starts no second lookup
    assert gateway.lookups == 2
    gateway.release.set()
    for _ in range(500):
        if index.find("m")["version"] == 2:
            break
        threading.Event().wait(0.01)
    assert index.find("m")["version"] == 2


def test_a_record_past_its_stale_limit_is_looked_up_by_the_caller() -> None:
    gateway, now = SlowGateway(), [0.0]
    gateway.release.set()
    index = LiveIndex(gateway, monotonic=lambda: now[0])  # type: ignore[arg-type]
    index.find("m")
    gateway.version = 3
    now[0] = STALE_SECONDS + 1
    assert index.find("m")["version"] == 3
