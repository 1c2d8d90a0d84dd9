"""What a client needs to know, and the counters it keeps for benchmarks.

``ClientSettings`` is frozen and validates itself at construction, so a bad URL or limit fails
before any secret is sent. Limits that come from the environment manifest are reported by their
manifest name (``policy.requestsPerMinute``), since that is what the user has to edit. The secret
is excluded from ``repr`` so logging or printing the settings can never leak it.

``burst_seconds`` sizes the client's token bucket: it holds ``burst_seconds`` worth of requests
(at least one). One second is right against the real API. A benchmark that divides time by a
factor and multiplies the rate by it passes ``1 / factor``, so the burst stays one real second
instead of growing with the factor.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from reconciler.gateway.regions import check_base_url
from reconciler.structs.errors import ConfigError

CALL_KINDS = ("token", "list", "get", "create", "update", "delete", "invoke")

# How validation names each limit: the manifest field it comes from, or the setting itself.
_LIMIT_NAMES = {
    "requests_per_minute": "policy.requestsPerMinute",
    "pool_size": "policy.maxParallel",
    "timeout_seconds": "client setting timeout_seconds",
    "max_attempts": "client setting max_attempts",
    "burst_seconds": "client setting burst_seconds",
}


@dataclass(frozen=True)
class ClientSettings:
    """Connection, credentials, pacing and retry limits for one environment's Gateway client."""

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
    burst_seconds: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_base_url", check_base_url(self.api_base_url))
        object.__setattr__(self, "login_base_url", check_base_url(self.login_base_url))
        for attribute, name in _LIMIT_NAMES.items():
            value = getattr(self, attribute)
            if not value > 0:
                raise ConfigError(f"{name} must be positive, got {value}", hint=self._hint(name))
        if not self.client_id or not self.client_secret:
            raise ConfigError(
                "clientId and clientSecret must not be empty",
                hint=f"set spec.credentials of {self.environment or 'the environment'}",
            )

    def _hint(self, name: str) -> str | None:
        if not name.startswith("policy."):
            return None
        where = f"environments/{self.environment}/environment.yaml" if self.environment else None
        return f"set spec.{name} to a positive number" + (f" in {where}" if where else "")

    @property
    def burst_capacity(self) -> float:
        """Requests the client may send back to back: ``burst_seconds`` of the rate, at least 1."""
        return max(1.0, self.requests_per_minute / 60.0 * self.burst_seconds)


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
