"""The one redaction point: every secret value this process resolved, blanked out of any text.

Validation keeps ``${VAR}`` references out of every field but the secret ones, and reports
show keys only as fingerprints; this is the second, independent line. Whatever resolves a
secret calls ``remember``; whatever prints or writes (the CLI's streams and crash logs,
``state/`` files, commit messages, manifests written by import and promote, GitHub comments
and step summaries, the embedded sandbox's state file) passes its text through ``redact``.
So a value that slips into an error message or a field it was never meant for is still never
shown or committed.

Values shorter than ``MIN_LENGTH`` are not remembered: blanking every ``"dev"`` out of the
output would hide more than it protects, and no real key or client secret is that short.
"""

from __future__ import annotations

import re
import threading
from typing import Any

MASK = "[redacted]"
MIN_LENGTH = 8


class _Secrets:
    """The remembered values and one compiled pattern matching any of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self.pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        with self._lock:
            if value in self._values:
                return
            self._values.add(value)
            # Longest first, so a secret that contains another is blanked whole.
            ordered = sorted(self._values, key=len, reverse=True)
            self.pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.pattern = None


_SECRETS = _Secrets()


def remember(value: str) -> None:
    """Treat ``value`` as a secret from now on, for the rest of the process."""
    if isinstance(value, str) and len(value) >= MIN_LENGTH:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """``text`` with every remembered secret replaced by ``MASK``."""
    pattern = _SECRETS.pattern
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def redact_value(value: Any) -> Any:
    """A copy of a JSON-like value with every string (keys too) passed through ``redact``."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(k) if isinstance(k, str) else k: redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value


def forget_all() -> None:
    """Drop every remembered value (for tests, which run many commands in one process)."""
    _SECRETS.clear()
