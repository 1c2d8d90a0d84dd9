"""The literal texts that every match of a phrase pattern starts with.

Most phrase patterns open with an alternation of words ("ignore|disregard|forget..."). The
regex engine cannot skip ahead to those words, so it tries the whole alternation at almost
every position of a search window. Knowing the opening literals, a rule can start its search
at the first place one of them occurs, and skip windows where none does: the result is the
same match, found with a fraction of the work.

The literals come from the standard library's own parse of the pattern, so they cannot
disagree with what the engine matches. Anything the walk does not understand (an optional
or repeated opening, a character class, case-insensitive matching) yields None, and the
rule simply searches as before.
"""

from __future__ import annotations

import importlib
import re
from typing import Any


def start_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The shortest set of literals one of which every match begins with, or None."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parser = importlib.import_module("re._parser")
        constants = importlib.import_module("re._constants")
        parsed = parser.parse(pattern.pattern, pattern.flags)
    except (ImportError, AttributeError, re.error):
        return None
    found = _starts(list(parsed.data), constants)
    if not found:
        return None
    # A literal that extends another adds no position the shorter one does not find.
    kept = sorted(set(found), key=len)
    return tuple(lit for i, lit in enumerate(kept) if not any(lit.startswith(k) for k in kept[:i]))


def _starts(items: list[tuple[Any, Any]], c: Any) -> list[str] | None:
    """Opening literals of a parsed sequence: zero-width anchors skipped, branches joined."""
    while items and items[0][0] is c.AT:
        items = items[1:]
    if not items:
        return None
    op, arg = items[0]
    if op is c.LITERAL:
        prefix = []
        for item_op, item_arg in items:
            if item_op is not c.LITERAL:
                break
            prefix.append(chr(item_arg))
        return ["".join(prefix)]
    if op is c.SUBPATTERN:
        return _starts(list(arg[3].data), c)
    if op is c.BRANCH:
        found: list[str] = []
        for branch in arg[1]:
            opening = _starts(list(branch.data), c)
            if not opening:
                return None
            found += opening
        return found
    return None
