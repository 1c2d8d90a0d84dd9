"""Rewrite a Python regular expression as a byte-level expression that matches at least as much.

``multimatch`` runs every phrase rule at once in Hyperscan, over the view's UTF-8 bytes, to
learn which rules can match; the rules' own Python expressions then confirm the few it names.
For that to leave verdicts unchanged, the rewritten expression must match wherever the
original does (a superset), and it may match more: a false "maybe" costs one Python search,
a false "no" would hide an attack. Every step below only ever widens:

- a literal character becomes its exact UTF-8 bytes;
- a character class keeps its exact ASCII members and, when it can match any character
  outside ASCII, accepts one to four bytes of ``\\x80-\\xff`` instead (every such character
  is two to four of those bytes);
- a negated class is the complement of its ASCII members, with every non-ASCII byte allowed;
- zero-width assertions (``\\b``, ``^``, lookarounds) are dropped: each only ever removes
  matches;
- a group repeated a bounded, small number of times (``(?: the| all){0,3}``) stays that
  group repeated, which matches exactly its rewritten body that often; any other repeat
  becomes a run of the bytes its body can consume, as long as its body can be at most times
  the count, or unbounded; long bounds become unbounded. The run form named a rule for any
  run of those bytes (a whole sentence of letters and spaces): keeping the count halves the
  pass's time over a 4 KB view and names a sixth fewer rules.

The byte form also keeps the automaton small: Hyperscan's Unicode classes (``\\w`` under
UCP) made the same rules take minutes to compile. Anything the walk does not understand
raises ``Unsupported``, and that rule is simply always confirmed in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from reconciler.guard import regex_tree as _c

MAX_BOUND = 4  # repetition bounds above this become unbounded (much cheaper to compile)
MAX_GROUP_REPEAT = 8  # a group repeated at most this often stays a repeated group (exact)
_ASCII = frozenset(range(0x80))
_HIGH = frozenset(range(0x80, 0x100))
_WORD = frozenset(b for b in _ASCII if chr(b).isalnum() or chr(b) == "_")
_SPACE = frozenset(b for b in _ASCII if chr(b).isspace())
_DIGIT = frozenset(range(0x30, 0x3A))
# The ASCII members of each category, as Python's Unicode matching defines them; every
# category also has members outside ASCII.
_CATEGORIES = {
    _c.CATEGORY_WORD: _WORD,
    _c.CATEGORY_NOT_WORD: _ASCII - _WORD,
    _c.CATEGORY_SPACE: _SPACE,
    _c.CATEGORY_NOT_SPACE: _ASCII - _SPACE,
    _c.CATEGORY_DIGIT: _DIGIT,
    _c.CATEGORY_NOT_DIGIT: _ASCII - _DIGIT,
}
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_CHARACTER = (_c.NOT_LITERAL, _c.ANY, _c.IN)


class Unsupported(ValueError):
    """The expression uses something the rewrite cannot widen safely."""


@dataclass(frozen=True)
class _Piece:
    """A rewritten expression with the bytes it can consume and its length in bytes."""

    text: str
    consumes: frozenset[int]
    shortest: int
    longest: int | None  # None: unbounded
    first: frozenset[int] | None = None  # the bytes a match can start with; None: unknown


def superset(pattern: re.Pattern[str]) -> str:
    """A byte-level expression that matches every substring ``pattern`` can match."""
    if pattern.flags & (re.IGNORECASE | re.VERBOSE):
        raise Unsupported("case-insensitive and verbose expressions are not rewritten")
    dotall = bool(pattern.flags & re.DOTALL)
    multiline = bool(pattern.flags & re.MULTILINE)
    try:
        parsed = _c.parse(pattern.pattern, pattern.flags)
    except _c.Unparsed as exc:
        raise Unsupported(str(exc)) from exc
    rewritten = _sequence(list(parsed.data), dotall, multiline)
    if not rewritten.text:
        raise Unsupported("the expression consumes nothing")
    return rewritten.text


def _sequence(items: list[tuple[Any, Any]], dotall: bool, multiline: bool) -> _Piece:
    consuming = {
        i: _item(op, arg, dotall, multiline)
        for i, (op, arg) in enumerate(items)
        if op not in _ZERO_WIDTH
    }
    texts: list[str] = []
    consumes: set[int] = set()
    shortest = 0
    longest: int | None = 0
    first: frozenset[int] | None = None
    seen_consuming = False
    for i, (op, arg) in enumerate(items):
        piece = consuming.get(i)
        if piece is None:
            texts.append(_assertion(op, arg, _next_first(consuming, i), multiline))
            continue
        if not seen_consuming:
            first = piece.first if piece.shortest > 0 else None
            seen_consuming = True
        texts.append(piece.text)
        consumes |= piece.consumes
        shortest += piece.shortest
        longest = None if longest is None or piece.longest is None else longest + piece.longest
    return _Piece("".join(texts), frozenset(consumes), shortest, longest, first)


def _next_first(consuming: dict[int, _Piece], at: int) -> frozenset[int] | None:
    """The bytes the next consuming item after ``at`` can start with; None when it may be
    empty or there is none."""
    following = [i for i in consuming if i > at]
    if not following:
        return None
    piece = consuming[min(following)]
    return piece.first if piece.shortest > 0 else None


def _assertion(op: Any, arg: Any, next_first: frozenset[int] | None, multiline: bool) -> str:
    """The assertion to keep, or "" to drop it (dropping only ever widens).

    Two are kept because they cut the candidates most and Hyperscan's byte-level forms
    accept wherever Python's do. A word boundary or ``(?<!\\w)`` right before an ASCII
    word character holds in Python only after a character that is not a word character;
    such a character is an ASCII non-word byte or starts with a byte of ``\x80-\xff``,
    and either is a boundary to Hyperscan too. A line start (``^`` in multi-line mode) is
    the same test in both. Python looks at the real text before a search window, so both
    hold there as in the whole text; boundaries after a word are dropped, since Python
    treats a window's end as the end of the text.
    """
    before_word = next_first is not None and next_first <= _WORD
    if op is _c.AT:
        if arg is _c.AT_BOUNDARY and before_word:
            return "\\b"
        if arg is _c.AT_BEGINNING and multiline:
            return "^"
        return ""
    direction, body = arg
    if op is _c.ASSERT_NOT and direction < 0 and before_word and _is_word_class(body):
        return "\\b"
    return ""


def _is_group(body: Any) -> bool:
    """Whether a repeated body is more than one character item (those become byte runs)."""
    data = list(body.data)
    return not (len(data) == 1 and (data[0][0] in _CHARACTER or data[0][0] is _c.LITERAL))


def _is_word_class(body: Any) -> bool:
    data = list(body.data)
    return len(data) == 1 and data[0] == (_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)])


def _item(op: Any, arg: Any, dotall: bool, multiline: bool) -> _Piece:
    if op is _c.LITERAL:
        encoded = chr(arg).encode("utf-8", "surrogatepass")
        size = len(encoded)
        return _Piece(_bytes(encoded), frozenset(encoded), size, size, frozenset(encoded[:1]))
    if op in _CHARACTER:
        members, beyond_ascii = _character(op, arg, dotall)
        consumes = members | _HIGH if beyond_ascii else members
        return _run(consumes, 1, 4 if beyond_ascii else 1, consumes)
    if op is _c.SUBPATTERN:
        if arg[1] & re.IGNORECASE:
            raise Unsupported("an inline case-insensitive group")
        inner = _sequence(list(arg[3].data), dotall, multiline)
        return replace(inner, text=f"(?:{inner.text})")
    if op is _c.ATOMIC_GROUP:
        inner = _sequence(list(arg.data), dotall, multiline)
        return replace(inner, text=f"(?:{inner.text})")
    if op is _c.BRANCH:
        return _branch([_sequence(list(branch.data), dotall, multiline) for branch in arg[1]])
    if op in _REPEATS:
        low, high, body = arg
        if high == 0:  # matches only the empty string (Hyperscan refuses a zero bound)
            return _Piece("", frozenset(), 0, 0)
        inner = _sequence(list(body.data), dotall, multiline)
        most = None if high == _c.MAXREPEAT or inner.longest is None else high * inner.longest
        first = inner.first if low else None
        if inner.text and _is_group(body) and high <= MAX_GROUP_REPEAT:
            text = f"(?:{inner.text}){{{low},{high}}}"
            return _Piece(text, inner.consumes, low * inner.shortest, most, first)
        return _run(inner.consumes, low * inner.shortest, most, first)
    raise Unsupported(f"{op} is not rewritten")


def _branch(branches: list[_Piece]) -> _Piece:
    longest: int | None = 0
    first: frozenset[int] | None = frozenset()
    for each in branches:
        longest = None if longest is None or each.longest is None else max(longest, each.longest)
        first = None if first is None or each.first is None else first | each.first
    return _Piece(
        "(?:" + "|".join(b.text for b in branches) + ")",
        frozenset().union(*(b.consumes for b in branches)),
        min(b.shortest for b in branches),
        longest,
        first,
    )


def _character(op: Any, arg: Any, dotall: bool) -> tuple[frozenset[int], bool]:
    """The ASCII bytes one character item can be, and whether it can be non-ASCII."""
    if op is _c.NOT_LITERAL:
        return _ASCII - {arg}, True
    if op is _c.ANY:
        return (_ASCII if dotall else _ASCII - {0x0A}), True
    items = list(arg)
    negated = bool(items) and items[0][0] is _c.NEGATE
    members: set[int] = set()
    beyond_ascii = False
    for item_op, item_arg in items[1:] if negated else items:
        if item_op is _c.LITERAL:
            members |= {item_arg} if item_arg < 0x80 else set()
            beyond_ascii |= item_arg >= 0x80
        elif item_op is _c.RANGE:
            low, high = item_arg
            members |= set(range(low, min(high, 0x7F) + 1))
            beyond_ascii |= high >= 0x80
        elif item_op is _c.CATEGORY and item_arg in _CATEGORIES:
            members |= _CATEGORIES[item_arg]
            beyond_ascii = True
        else:
            raise Unsupported(f"class item {item_op} is not rewritten")
    if negated:
        # Which non-ASCII characters the class names does not matter: all may match.
        return _ASCII - members, True
    return frozenset(members), beyond_ascii


def _run(
    consumes: frozenset[int], shortest: int, longest: int | None, first: frozenset[int] | None
) -> _Piece:
    """Between ``shortest`` and ``longest`` bytes, each one of ``consumes``."""
    if longest is not None and longest > MAX_BOUND:
        longest = None
    shown = _class(consumes)
    if longest is None:
        count = "*" if shortest == 0 else f"{{{shortest},}}"
    elif shortest == longest == 1:
        count = ""
    else:
        count = f"{{{shortest},{longest}}}"
    return _Piece(shown + count, consumes, shortest, longest, first)


def _bytes(encoded: bytes) -> str:
    return "".join(f"\\x{b:02x}" for b in encoded)


def _class(members: frozenset[int]) -> str:
    ordered = sorted(members)
    ranges: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        low, high = ordered[i], ordered[j]
        ranges.append(f"\\x{low:02x}" if low == high else f"\\x{low:02x}-\\x{high:02x}")
        i = j + 1
    return "[" + "".join(ranges) + "]"
