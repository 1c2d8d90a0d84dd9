"""Every field of every phrase rule, as canonical JSON: what the tables must keep producing.

The phrase tables moved from Python modules to data files; the rules the modules built were
dumped with this function first, and ``test_phrase_tables`` holds the dump's size and digest,
so a changed weight, gate word or pattern anywhere shows as a failure.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from reconciler.guard.rules import Rule


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_plain(each) for each in value]
    return value


def canonical(groups: dict[str, tuple[Rule, ...]]) -> str:
    """The rules of each group in order, every dataclass field by name, as one JSON text."""
    dump = {
        name: [{f.name: _plain(getattr(r, f.name)) for f in dataclasses.fields(r)} for r in rules]
        for name, rules in groups.items()
    }
    return json.dumps(dump, sort_keys=True, indent=1, ensure_ascii=True) + "\n"


def digest(text: str) -> str:
    """The sha256 of a canonical dump."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
