"""One logical API call: token, pacing, sending, error mapping and the retry decisions.

Which failures are retried is decided here and nowhere else:

- 429 is always retried after its ``Retry-After``: the server did not act on the request.
- A connection that was never opened is always retried: nothing reached the server.
- 500/502/503/504, timeouts and cut-off connections are *ambiguous* (the server may have acted);
  only idempotent calls are resent. Non-idempotent ones (create, invoke) raise, and the caller
  decides (create re-checks by name first).
- 401 re-authenticates once; anything else raises its typed error at once.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from reconciler.gateway import auth
from reconciler.gateway.errors import (
    Forbidden,
    GatewayError,
    RateLimited,
    ServerError,
    Unauthorized,
    from_response,
)
from reconciler.gateway.ratelimit import TokenBucket
from reconciler.gateway.retry import Attempts, Clock, RetryPolicy, parse_retry_after
from reconciler.gateway.settings import ClientSettings, ClientStats
from reconciler.gateway.transport import Reply, SendFailed, Transport

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


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


def is_ambiguous(error: GatewayError) -> bool:
    """True when the server may have acted on a request that failed."""
    if isinstance(error, SendFailed):
        return error.maybe_sent
    return isinstance(error, ServerError) and error.status in TRANSIENT_STATUSES


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
            settings.requests_per_minute, monotonic=clock.monotonic, sleep=clock.sleep
        )
        self.tokens = auth.TokenCache(self._fetch_token, monotonic=clock.monotonic)

    def attempts(self, label: str) -> Attempts:
        """A fresh attempt counter and time budget for one logical call."""
        return Attempts(self.policy, self.clock, label=label)

    def call(self, call: Call, *, attempts: Attempts | None = None) -> Reply:
        """Send ``call`` until it succeeds, or raise its typed error."""
        attempts = attempts or self.attempts(call.label)
        reauthenticated = False
        while True:
            token = self.tokens.get()
            try:
                return self._api_once(call, token)
            except Unauthorized:
                if reauthenticated:
                    raise
                reauthenticated = True
                self.tokens.invalidate(token)
            except GatewayError as e:
                self.pause_or_raise(e, attempts, idempotent=call.idempotent)

    def pause_or_raise(self, error: GatewayError, attempts: Attempts, *, idempotent: bool) -> None:
        """Sleep before retrying ``error``, or raise it when it must not (or cannot) be retried."""
        retry_after = None
        if isinstance(error, RateLimited):
            retry_after = error.retry_after if error.retry_after is not None else 1.0
        elif is_ambiguous(error):
            if not idempotent:
                raise error
            attempts.saw_ambiguous = True
        elif not isinstance(error, SendFailed):
            raise error
        attempts.pause(error, retry_after=retry_after)
        self.stats.count_retry()

    def _api_once(self, call: Call, token: str) -> Reply:
        self.limiter.acquire()
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
        raise self._api_error(call, reply)

    def _api_error(self, call: Call, reply: Reply) -> GatewayError:
        error = from_response(
            status=reply.status,
            body=reply.body,
            correlation_id=reply.correlation_id,
            what=call.label,
        )
        if isinstance(error, RateLimited):
            self.stats.count_rate_limited()
            error.retry_after = parse_retry_after(reply.headers.get("Retry-After"))
        if isinstance(error, Forbidden):
            scope = "ai:models:read" if call.method == "GET" else "ai:models:write"
            error.message = f"{error.message}; the OAuth client lacks scope {scope}"
            error.args = (error.message,)
            error.hint = f"grant {scope} to OAuth client {self.settings.client_id!r}"
        elif isinstance(error, Unauthorized):
            error.hint = "the token was refused twice; check the OAuth client is still active"
        return error

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
        body = reply.body if isinstance(reply.body, dict) else {}
        if reply.status == 401 or (reply.status == 400 and body.get("error") == "invalid_client"):
            raise auth.invalid_client(
                status=reply.status,
                environment=self.settings.environment,
                client_id=self.settings.client_id,
            )
        error = from_response(
            status=reply.status, body=body, correlation_id=reply.correlation_id, what=f"POST {url}"
        )
        if isinstance(error, RateLimited):
            self.stats.count_rate_limited()
            error.retry_after = parse_retry_after(reply.headers.get("Retry-After"))
        raise error

    def close(self) -> None:
        """Release pooled connections."""
        self.transport.close()
