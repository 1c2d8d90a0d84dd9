"""A parsed YAML file: plain values plus the line of every node.

Values are the plain Python types the schema and the rules work on; lines live beside them,
keyed by the node's path (``("spec", "credentials", "apiKey")``), so any finding about a path,
including one reported by ``jsonschema``, can name the line a user should look at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from reconciler.manifests.secretlike import masked
from reconciler.structs.problems import Problem, Severity

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """One manifest file after safe parsing."""

    source: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    block_starts: dict[Path, int] = field(default_factory=dict)

    @cached_property
    def strings(self) -> tuple[tuple[Path, str], ...]:
        """Every string value with its path, in document order: the rules that scan all text
        (literal secrets, misplaced references) share one walk of the document."""
        found: list[tuple[Path, str]] = []
        stack: list[tuple[Path, Any]] = [((), self.data)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, str):
                found.append((where, node))
            elif isinstance(node, dict):
                stack.extend(((*where, k), v) for k, v in reversed(node.items()))
            elif isinstance(node, list):
                stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(node))))
        return tuple(found)

    @cached_property
    def keys(self) -> tuple[tuple[Path, str], ...]:
        """Every mapping key with the path of its mapping, in document order. A key is text a
        user writes too (a label key, a responseSchema property name), and reaches plans and
        snapshots like a value, so the rules that scan text scan keys as well."""
        found: list[tuple[Path, str]] = []
        stack: list[tuple[Path, Any]] = [((), self.data)]
        while stack:
            where, node = stack.pop()
            if isinstance(node, dict):
                found.extend((where, k) for k in node if isinstance(k, str))
                stack.extend(((*where, k), v) for k, v in reversed(node.items()))
            elif isinstance(node, list):
                stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(node))))
        return tuple(found)

    @cached_property
    def text(self) -> str:
        """Every string value and mapping key, joined by line breaks. The rules that scan all
        text search this once and walk ``strings`` and ``keys`` only on a hit: none of their
        patterns spans a line break, so a miss here is a miss in every string."""
        found: list[str] = []
        _collect_strings(self.data, found)
        return "\n".join(found)

    def forget_strings(self) -> None:
        """Drop the cached walks once the rules have run: kept for every file of a 5,000-model
        repository they would hold 25 MB that nothing reads again."""
        self.__dict__.pop("strings", None)
        self.__dict__.pop("keys", None)
        self.__dict__.pop("text", None)

    def line(self, path: Sequence[str | int]) -> int | None:
        """Line of ``path``, or of its nearest ancestor that exists in the file."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), 1)

    def line_in(self, path: Sequence[str | int], offset: int) -> int | None:
        """Line of character ``offset`` inside a string; exact for ``|`` block scalars."""
        start = self.block_starts.get(tuple(path))
        if start is None:
            return self.line(path)
        text = self.get(path)
        return start + str(text)[:offset].count("\n")

    def get(self, path: Sequence[str | int], default: Any = None) -> Any:
        """The value at ``path``, or ``default`` when any step is missing or of another type."""
        value = self.data
        for step in path:
            in_list = isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value)
            in_dict = isinstance(step, str) and isinstance(value, dict) and step in value
            if not (in_list or in_dict):
                return default
            value = value[step]
        return value

    def problem(
        self,
        path: Sequence[str | int],
        *,
        rule: str,
        message: str,
        fix: str | None = None,
        severity: Severity = Severity.ERROR,
        line: int | None = None,
    ) -> Problem:
        """A finding located at ``path`` of this file. Its texts are masked: a rule that quotes
        a value must not print a key pasted into it (``secretlike.masked``)."""
        return Problem(
            severity=severity,
            file=self.source,
            line=line if line is not None else self.line(path),
            rule=rule,
            message=masked(message),
            fix=masked(fix) if fix else fix,
            path=dotted(path) if path else None,
        )


def _collect_strings(node: Any, into: list[str]) -> None:
    if isinstance(node, str):
        into.append(node)
    elif isinstance(node, dict):
        into.extend(k for k in node if isinstance(k, str))
        for value in node.values():
            _collect_strings(value, into)
    elif isinstance(node, list):
        for value in node:
            _collect_strings(value, into)


def dotted(path: Sequence[str | int]) -> str:
    """``spec.credentials.apiKey`` / ``spec.tags[0]``: how users name a field."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "(document)"
