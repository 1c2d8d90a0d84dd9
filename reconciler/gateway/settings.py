"""What a client needs to know, and the counters it keeps for benchmarks.

``ClientSettings`` is frozen and validates its base URLs at construction, so a bad URL fails
before any secret is sent. The secret is excluded from ``repr`` so logging or printing the
settings can never leak it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from reconciler.gateway.regions import check_base_url
from reconciler.structs.errors import ConfigError

CALL_KINDS = ("token", "list", "get", "create", "update", "delete", "invoke")


@dataclass(frozen=True)
class ClientSettings:
    """Connection, credentials and retry limits for one environment's Gateway client."""

    api_base_url: str
    login_base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    requests_per_minute: int = 300
    timeout_seconds: float = 30.0
    max_attempts: int = 5
    retry_budget_seconds: float = 120.0
    pool_size: int = 16
    environment: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_base_url", check_base_url(self.api_base_url))
        object.__setattr__(self, "login_base_url", check_base_url(self.login_base_url))
        limits = {
            "requests_per_minute": self.requests_per_minute,
            "timeout_seconds": self.timeout_seconds,
            "max_attempts": self.max_attempts,
            "pool_size": self.pool_size,
        }
        for name, value in limits.items():
            if value <= 0:
                raise ConfigError(f"client setting {name} must be positive, got {value}")
        if not self.client_id or not self.client_secret:
            raise ConfigError(
                "clientId and clientSecret must not be empty",
                hint=f"set spec.credentials of {self.environment or 'the environment'}",
            )


@dataclass
class ClientStats:
    """HTTP requests sent by kind (retries included), 429s received, and retries made."""

    calls: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CALL_KINDS, 0))
    rate_limited: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count_call(self, kind: str) -> None:
        """One request of ``kind`` went on the wire."""
        with self._lock:
            self.calls[kind] = self.calls.get(kind, 0) + 1

    def count_rate_limited(self) -> None:
        """The server answered 429."""
        with self._lock:
            self.rate_limited += 1

    def count_retry(self) -> None:
        """A request is about to be sent again."""
        with self._lock:
            self.retries += 1

    @property
    def total_calls(self) -> int:
        """All requests sent, tokens included."""
        with self._lock:
            return sum(self.calls.values())
