"""The retry schedule: how long to wait before the next attempt, and when to give up.

Retries are explicit so they can be tested: a 429 waits for its ``Retry-After`` (capped), other
transient failures back off exponentially with full jitter (a random wait between zero and the
exponential bound, so parallel workers do not retry in lock step). One logical call gives up
after ``max_attempts`` or once the next wait would overrun its time budget, and re-raises the
last error. Sleep, clock and randomness are injected so tests never wait.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from reconciler.gateway.errors import GatewayError

log = logging.getLogger("reconciler.gateway")


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
            "%s: attempt #%d/%d in %.2fs after %s",
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
