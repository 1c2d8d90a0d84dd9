"""One logical API call: token, pacing, sending, and retrying what ``retry`` says may be retried.

A ``Caller`` holds what all the calls of one client share: the token cache (fetched once,
refreshed early), the token bucket that paces requests, the connection pool and the counters.
A 401 re-authenticates once, whatever ``retry`` says, because a token can be revoked or expire
early; what an error reply means (its typed error and hint) is ``replies``'s business.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from typing import Any

from reconciler.gateway import auth, replies, retry
from reconciler.gateway.errors import GatewayError, RateLimited, Unauthorized
from reconciler.gateway.ratelimit import TokenBucket
from reconciler.gateway.retry import Attempts, Clock, RetryPolicy
from reconciler.gateway.settings import ClientSettings, ClientStats
from reconciler.gateway.transport import Reply, Transport


@dataclass(frozen=True)
class Call:
    """What to send; ``idempotent`` says whether an ambiguous failure may be resent."""

    kind: str
    method: str
    path: str
    params: dict[str, Any] | None = None
    body: Any = None
    idempotent: bool = True

    @property
    def label(self) -> str:
        """How logs and errors name the call: method and path, never the payload."""
        return f"{self.method} {self.path}"


class Caller:
    """Sends ``Call``s for one client: shared token cache, rate limiter, pool and counters."""

    def __init__(self, settings: ClientSettings, *, clock: Clock, stats: ClientStats) -> None:
        self.settings = settings
        self.clock = clock
        self.stats = stats
        self.policy = RetryPolicy(
            max_attempts=settings.max_attempts, budget_seconds=settings.retry_budget_seconds
        )
        self.transport = Transport(
            pool_size=settings.pool_size, timeout_seconds=settings.timeout_seconds
        )
        self.limiter = TokenBucket(
            settings.requests_per_minute,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
            capacity=settings.burst_capacity,
        )
        self.tokens = auth.TokenCache(self._fetch_token, monotonic=clock.monotonic)
        self._local = threading.local()

    @property
    def last_correlation_id(self) -> str | None:
        """``ININ-Correlation-Id`` of this thread's last successful reply (for audit records)."""
        return getattr(self._local, "correlation_id", None)

    def attempts(self, label: str) -> Attempts:
        """A fresh attempt counter and time budget for one logical call."""
        return Attempts(self.policy, self.clock, label=label)

    def call(self, call: Call, *, attempts: Attempts | None = None) -> Reply:
        """Send ``call`` until it succeeds, or raise its typed error."""
        attempts = attempts or self.attempts(call.label)
        reauthenticated = False
        while True:
            # The slot first, then the token: a wait for the slot can outlast a short-lived
            # token, and one taken before the wait would be sent expired.
            self.limiter.acquire()
            token = self.tokens.get()
            try:
                reply = self._api_once(call, token)
                self._local.correlation_id = reply.correlation_id
                return reply
            except Unauthorized:
                if reauthenticated:
                    raise
                reauthenticated = True
                self.tokens.invalidate(token)
            except GatewayError as e:
                self.pause_or_raise(e, attempts, idempotent=call.idempotent)

    def pause_or_raise(self, error: GatewayError, attempts: Attempts, *, idempotent: bool) -> None:
        """Sleep before retrying ``error``, or raise it when it must not (or cannot) be retried."""
        retry.pause_or_raise(error, attempts, idempotent=idempotent)
        self.stats.count_retry()

    def _api_once(self, call: Call, token: str) -> Reply:
        self.stats.count_call(call.kind)
        reply = self.transport.send(
            call.method,
            self.settings.api_base_url + call.path,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            params=call.params,
            json=call.body,
        )
        if 200 <= reply.status < 300:
            return reply
        raise self._counted(
            replies.api_error(
                reply, method=call.method, what=call.label, client_id=self.settings.client_id
            )
        )

    def _fetch_token(self) -> tuple[str, float]:
        url = self.settings.login_base_url + "/oauth/token"
        attempts = self.attempts(f"POST {url}")
        while True:
            try:
                return auth.parse_token_body(self._token_once(url).body, url=url)
            except GatewayError as e:
                self.pause_or_raise(e, attempts, idempotent=True)

    def _token_once(self, url: str) -> Reply:
        pair = f"{self.settings.client_id}:{self.settings.client_secret}".encode()
        self.stats.count_call("token")
        reply = self.transport.send(
            "POST",
            url,
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")},
            data={"grant_type": "client_credentials"},
        )
        if 200 <= reply.status < 300:
            return reply
        raise self._counted(
            replies.token_error(
                reply,
                url=url,
                client_id=self.settings.client_id,
                environment=self.settings.environment,
            )
        )

    def _counted(self, error: GatewayError) -> GatewayError:
        if isinstance(error, RateLimited):
            self.stats.count_rate_limited()
        return error

    def close(self) -> None:
        """Release pooled connections."""
        self.transport.close()
