"""Request counts for benchmarks and tests: by kind, plus 429s and injected faults."""

from __future__ import annotations

import threading

KINDS = ("token", "list", "get", "create", "update", "delete", "invoke")


class Stats:
    """Request counts by kind, 429s and injected faults; a benchmark's view of the server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(
            (*KINDS, "other", "rate_limited", "errors_injected", "replies_lost"), 0
        )

    def add(self, key: str) -> None:
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)
