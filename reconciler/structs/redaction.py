"""The one redaction point: every secret value this process resolved, blanked out of any text.

Validation keeps ``${VAR}`` references out of every field but the secret ones, and reports
show keys only as fingerprints; this is the second, independent line. Whatever resolves a
secret calls ``remember``; whatever prints or writes (the CLI's streams and crash logs,
``state/`` files, commit messages, manifests written by import and promote, GitHub comments
and step summaries, the embedded sandbox's state file) passes its text through ``redact``.
So a value that slips into an error message or a field it was never meant for is still never
shown or committed.

A secret leaves in more forms than one: JSON escapes a quote, a backslash or a non-ASCII
letter, YAML and URLs escape others, markdown tables escape ``|``, HTML ``&<>``. Every form of
each remembered value is blanked (``forms``), and reporters pass the *structure* through
``redact_value`` before they serialise it, so no escaping and no wrapping of a long line can
split or disguise a secret before the text-level pass sees it.

Values shorter than ``MIN_LENGTH`` are not remembered: blanking every ``"dev"`` out of the
output would hide more than it protects, and no real key or client secret is that short.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "[redacted]"
MIN_LENGTH = 8


class _Secrets:
    """The remembered values and one compiled pattern matching any of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._forms: set[str] = set()
        self.pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        with self._lock:
            if value in self._values:
                return
            self._values.add(value)
            self._forms.update(forms(value))
            # Longest first, so a secret that contains another is blanked whole.
            ordered = sorted(self._forms, key=len, reverse=True)
            self.pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._forms.clear()
            self.pattern = None


_SECRETS = _Secrets()


def forms(value: str) -> set[str]:
    """``value`` as each output format could write it: raw; JSON-escaped (ASCII or not, and
    escaped twice, as JSON text inside a JSON string); YAML double- and single-quoted;
    URL-encoded (either hex case); HTML-escaped; a markdown table cell."""
    once = json.dumps(value)[1:-1]
    out = {value, once, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(once)[1:-1]}
    out |= _yaml_forms(value)
    for encoded in (quote(value, safe=""), quote(value), quote_plus(value)):
        out |= {encoded, re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), encoded)}
    out |= {html.escape(value), html.escape(value, quote=False), value.replace("|", "\\|")}
    return {form for form in out if form}


def _yaml_forms(value: str) -> set[str]:
    # Imported here: the plain-data layer needs YAML only to know how it escapes.
    import yaml  # noqa: PLC0415

    out = {value.replace("'", "''")}
    for unicode in (True, False):
        dumped = yaml.safe_dump(value, default_style='"', allow_unicode=unicode, width=10**6)
        out.add(dumped.strip()[1:-1])
    return out


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
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[_unique(redact(key), out) if isinstance(key, str) else key] = redact_value(item)
        return out
    if isinstance(value, (list, tuple)):
        return [redact_value(v) for v in value]
    return value


def _unique(key: str, taken: Mapping[Any, Any]) -> str:
    """``key``, or ``key (2)``, ``(3)``... when another key already became it: two secrets
    used as property names both redact to ``MASK``, and a record kept one of them only. The
    numbers follow the keys' order, so two such properties swapped read as a change."""
    if key not in taken:
        return key
    number = 2
    while f"{key} ({number})" in taken:
        number += 1
    return f"{key} ({number})"


def forget_all() -> None:
    """Drop every remembered value (for tests, which run many commands in one process)."""
    _SECRETS.clear()


def redacted_json(value: Any, **options: Any) -> str:
    """``json.dumps`` of ``value`` with its secrets blanked first, keys included: what every
    reporter serialises with, so the escaping cannot come before the redaction."""
    return json.dumps(redact_value(value), **options)
