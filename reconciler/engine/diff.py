"""Field-level differences between two comparable models.

Paths are dotted (``configuration.temperature``); lists are compared whole because a JSON
Schema's ``required`` or ``enum`` list is one value to a reviewer, not N separate ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.structs.plan import FieldChange

_MISSING = object()


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Every leaf that differs, sorted by path; ``None`` stands for an absent value."""
    changes: list[FieldChange] = []
    _walk(old, new, "", changes)
    return tuple(sorted(changes, key=lambda c: c.path))


def _walk(old: Any, new: Any, prefix: str, out: list[FieldChange]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new)):
            path = f"{prefix}.{key}" if prefix else str(key)
            _walk(old.get(key, _MISSING), new.get(key, _MISSING), path, out)
        return
    if _same(old, new):
        return
    out.append(FieldChange(path=prefix, old=_plain(old), new=_plain(new)))


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    return bool(old == new)


def _plain(value: Any) -> Any:
    return None if value is _MISSING else value
