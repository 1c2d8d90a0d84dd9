"""``--notify URL``: one JSON event per applied change, failure, drift found or refused plan.

Events carry names, actions, states and commits, never a value of a model (so never a key),
and every text passes the redactor. Drift is announced when first found, not every round it
is still there. Delivery is retried with a doubling pause on a connection error, a 5xx or
a 429, then given up with one log line naming the receiver's host only (a webhook URL often
holds a token in its path). Sending happens in the agent's thread between rounds: a receiver
that is down costs a round a few seconds, never a change.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from reconciler.engine.sync.report import RoundOutcome, RoundReport
from reconciler.structs.errors import ConfigError
from reconciler.structs.redaction import redact_value

log = logging.getLogger(__name__)
Post = Callable[[str, bytes], int]  # url, body -> HTTP status (raises OSError when unreachable)
RETRY_PAUSES = (0.5, 1.0, 2.0)


def events_of(report: RoundReport, *, known_drift: set[str]) -> list[dict[str, Any]]:
    """The events one round gives rise to; ``known_drift`` is updated to this round's drift."""
    base = {"environment": report.environment, "round": report.number, "commit": report.commit}
    out: list[dict[str, Any]] = []
    for name in report.drifted:
        if name not in known_drift:
            out.append({**base, "event": "drift-found", "model": name})
    if report.outcome is not RoundOutcome.FAILED:
        known_drift.clear()
        known_drift.update(report.drifted)
    for change in report.changes:
        out.append(
            {
                **base,
                "event": "change-applied" if change.ok else "change-failed",
                "model": change.name,
                "action": change.action,
                "state": change.state,
                "error": change.error,
            }
        )
    if report.outcome is RoundOutcome.FAILED:
        out.append({**base, "event": "round-failed", "error": report.error})
    return [redact_value(e) for e in out]


def blocked_event(report: RoundReport, *, was_blocked: bool) -> dict[str, Any] | None:
    """A refused plan is announced when it starts being refused, not every round after."""
    if report.outcome is not RoundOutcome.BLOCKED or was_blocked:
        return None
    base = {"environment": report.environment, "round": report.number, "commit": report.commit}
    return dict(redact_value({**base, "event": "plan-blocked", "error": report.error}))


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--notify needs an http(s) URL, not {parts.scheme or 'a bare'}:… ",
            hint="e.g. --notify https://hooks.example.com/reconcile",
        )
    return url


class Notifier:
    """An observer of rounds that delivers their events to one URL."""

    def __init__(
        self,
        url: str,
        *,
        post: Post | None = None,
        sleep: Callable[[float], None] = time.sleep,
        pauses: tuple[float, ...] = RETRY_PAUSES,
    ) -> None:
        self.url = check_url(url)
        self._post = post or _post
        self._sleep, self._pauses = sleep, pauses
        self._drift: dict[str, set[str]] = {}
        self._blocked: set[str] = set()
        self.delivered = 0
        self.dropped = 0

    def __call__(self, report: RoundReport) -> None:
        env = report.environment
        known = self._drift.setdefault(env, set())
        events = events_of(report, known_drift=known)
        blocked = blocked_event(report, was_blocked=env in self._blocked)
        events += [blocked] if blocked else []
        if report.outcome is RoundOutcome.BLOCKED:
            self._blocked.add(env)
        elif report.outcome is not RoundOutcome.FAILED:
            self._blocked.discard(env)
        for event in events:
            if self.send(event):
                self.delivered += 1
            else:
                self.dropped += 1

    def send(self, event: dict[str, Any]) -> bool:
        body = json.dumps(event, separators=(",", ":")).encode("utf-8")
        attempt = 0
        for pause in (*self._pauses, None):
            attempt += 1
            try:
                status = self._post(self.url, body)
            except OSError:
                status = 0
            if 200 <= status < 300:
                return True
            if status and status < 500 and status != 429:
                break  # the receiver refuses this event; asking again will not help
            if pause is not None:
                self._sleep(pause)
        log.warning(
            "notification %s to %s not delivered after %d attempt(s)",
            event.get("event"),
            urlsplit(self.url).hostname,
            attempt,
        )
        return False


def _post(url: str, body: bytes) -> int:
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked in check_url)
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
