"""The literal texts that every match of a phrase pattern starts with.

Most phrase patterns open with an alternation of words ("ignore|disregard|forget..."). The
regex engine cannot skip ahead to those words, so it tries the whole alternation at almost
every position of a search window. Knowing the opening literals, a rule can start its search
at the first place one of them occurs, and skip windows where none does: the result is the
same match, found with a fraction of the work.

The literals come from a parse of the pattern by the rules of the standard library's parser
(``regex_tree``), so they agree with what the engine matches. Anything the walk does not
understand (an optional or repeated opening, a character class, case-insensitive matching)
yields None, and the rule simply searches as before.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.guard import regex_tree

MAX_TRIES = 24  # places to try a match at before one search of the window is cheaper


def start_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The shortest set of literals one of which every match begins with, or None."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = regex_tree.parse(pattern.pattern, pattern.flags)
    except regex_tree.Unparsed:
        return None
    found = _starts(list(parsed.data), regex_tree)
    if not found:
        return None
    # A literal that extends another adds no position the shorter one does not find.
    kept = sorted(set(found), key=lambda lit: (len(lit), lit))
    return tuple(lit for i, lit in enumerate(kept) if not any(lit.startswith(k) for k in kept[:i]))


def match_at_starts(
    pattern: re.Pattern[str], text: str, literals: tuple[str, ...], start: int, end: int
) -> re.Match[str] | None:
    """The leftmost match in ``[start, end)``, tried only where an opening literal occurs.

    Every match begins with one of the literals, so trying those places in order finds the
    same match as a search of the whole window, without the regex engine trying its
    alternation at every other position. Past a handful of places one search is cheaper.
    """
    places: list[int] = []
    for literal in literals:
        at = text.find(literal, start, end)
        while at != -1:
            places.append(at)
            if len(places) > MAX_TRIES:
                return pattern.search(text, _first_start(text, literals, start, end), end)
            at = text.find(literal, at + 1, end)
    places.sort()
    match = pattern.match
    for at in places:
        if found := match(text, at, end):
            return found
    return None


def _first_start(text: str, literals: tuple[str, ...], start: int, end: int) -> int:
    """Where the first opening literal lies wholly inside ``[start, end)``; ``end`` if none."""
    best = end
    for literal in literals:
        # Look only before the best place so far (a literal there may overlap it).
        at = text.find(literal, start, min(best + len(literal) - 1, end))
        if at != -1:
            best = at
    return best


def _starts(items: list[tuple[Any, Any]], c: Any) -> list[str] | None:
    """Opening literals of a parsed sequence: zero-width anchors and lookarounds skipped,
    branches joined.

    A lookaround consumes nothing, so a match that opens with one still opens with what
    follows it; ``match`` at a literal's place checks the lookaround there, and a lookbehind
    reads the text before that place (the engine's lookbehind reads back to the string's
    start, not to ``pos``), so the match is the search's.
    """
    while items and items[0][0] in (c.AT, c.ASSERT, c.ASSERT_NOT):
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
