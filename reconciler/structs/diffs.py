"""A diff is a value: typed changes, each an operation on a tuple path with old and new.

Paths are tuples, not dotted strings, because label keys may hold dots
(``team.example.com/owner``): a tuple keeps ``("labels", "team.example.com/owner")`` one key.
``dotted`` renders a path for people, quoting a key that holds a dot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

Path = tuple[str | int, ...]


class DiffOp(StrEnum):
    ADD = "add"
    REMOVE = "remove"
    CHANGE = "change"


@dataclass(frozen=True)
class FieldChange:
    """One changed value: ``old`` is None for an add, ``new`` is None for a remove."""

    op: DiffOp
    path: Path
    old: Any = None
    new: Any = None

    @property
    def dotted(self) -> str:
        return dotted(self.path)

    @property
    def field(self) -> str:
        """The top-level field the change belongs to (``configuration``, ``labels``...)."""
        return str(self.path[0]) if self.path else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "op": self.op.value,
            "path": self.dotted,
            "keys": list(self.path),
            "old": self.old,
            "new": self.new,
        }


def change(path: Sequence[str | int], old: Any, new: Any) -> FieldChange:
    """A change whose operation follows from which side is missing (None)."""
    op = DiffOp.ADD if old is None else DiffOp.REMOVE if new is None else DiffOp.CHANGE
    return FieldChange(op=op, path=tuple(path), old=old, new=new)


def dotted(path: Sequence[str | int]) -> str:
    """``("labels", "a.b/c")`` -> ``labels["a.b/c"]``; ``("configuration", "topP")`` ->
    ``configuration.topP``; list indexes as ``[2]``."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        elif "." in key or "[" in key or '"' in key:
            out += '["' + key.replace("\\", "\\\\").replace('"', '\\"') + '"]'
        else:
            out += f".{key}" if out else key
    return out
