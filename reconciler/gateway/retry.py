"""Which failures are retried, how long to wait before the next attempt, and when to give up.

Which failures are retried is decided here and nowhere else (``pause_or_raise``):

- 429 is always retried after its ``Retry-After``: the server did not act on the request.
- A connection that was never opened is retried: nothing reached the server.
- 500/502/503/504, timeouts and cut-off connections are *ambiguous* (the server may have acted);
  only idempotent calls are resent. Non-idempotent ones (create, invoke) raise, and the caller
  decides (create re-checks by name first).
- A TLS failure (an untrusted certificate, say) is not retried: it would meet the same
  certificate again. Anything else (400, 403, 404, 409...) raises at once.

The schedule is explicit so it can be tested: a 429 waits for its ``Retry-After`` (capped),
other transient failures back off exponentially with full jitter (a random wait between zero
and the exponential bound, so parallel workers do not retry in lock step). One logical call
gives up after ``max_attempts`` or once the next wait would overrun its time budget, and
re-raises the last error. Sleep, clock and randomness are injected so tests never wait.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from reconciler.gateway.errors import GatewayError, RateLimited, ServerError
from reconciler.gateway.failures import SendFailed

log = logging.getLogger("reconciler.gateway")

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Limits for one logical call (all its attempts together)."""

    max_attempts: int = 5
    budget_seconds: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    retry_after_cap: float = 60.0


@dataclass
class Clock:
    """The injected time sources, bundled so they travel together."""

    sleep: Callable[[float], None]
    monotonic: Callable[[], float]
    rng: random.Random


class Attempts:
    """Counts the attempts of one call and sleeps between them, or gives up."""

    def __init__(self, policy: RetryPolicy, clock: Clock, *, label: str) -> None:
        self.policy = policy
        self.clock = clock
        self.label = label
        self.number = 1
        self.saw_ambiguous = False
        self._started = clock.monotonic()

    def pause(self, error: GatewayError, *, retry_after: float | None = None) -> None:
        """Wait before the next attempt, or raise ``error`` when attempts or budget are spent."""
        if self.number >= self.policy.max_attempts:
            raise error
        delay = self._delay(retry_after)
        spent = self.clock.monotonic() - self._started
        if spent + delay > self.policy.budget_seconds:
            raise error
        self.number += 1
        log.debug(
            "%s: attempt #%d/%d in %.2fs after %s" + (" (429: Retry-After)" if retry_after else ""),
            self.label,
            self.number,
            self.policy.max_attempts,
            delay,
            error.code or type(error).__name__,
        )
        if delay > 0:
            self.clock.sleep(delay)

    def _delay(self, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.policy.retry_after_cap)
        bound = min(self.policy.max_delay, self.policy.base_delay * 2 ** (self.number - 1))
        return self.clock.rng.uniform(0.0, bound)


def is_ambiguous(error: GatewayError) -> bool:
    """True when the server may have acted on a request that failed."""
    if isinstance(error, SendFailed):
        return error.maybe_sent
    return isinstance(error, ServerError) and error.status in TRANSIENT_STATUSES


def pause_or_raise(error: GatewayError, attempts: Attempts, *, idempotent: bool) -> None:
    """Sleep before retrying ``error``, or raise it when it must not (or cannot) be retried."""
    retry_after = None
    if isinstance(error, RateLimited):
        retry_after = error.retry_after if error.retry_after is not None else 1.0
    elif is_ambiguous(error):
        if not idempotent:
            raise error
        attempts.saw_ambiguous = True
    elif not (isinstance(error, SendFailed) and error.retryable):
        raise error
    attempts.pause(error, retry_after=retry_after)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; None when absent or not a number of seconds.

    The platform sends delta-seconds; an HTTP date (or garbage) falls back to the backoff.
    """
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if 0 <= seconds <= 86_400 else None
