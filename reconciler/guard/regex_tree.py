"""A parse tree of Python regular expressions, for the guard's walks over its own patterns.

``superset`` (the Hyperscan rewrite) and ``prefilter`` (opening literals) need a pattern's
structure, which the standard library keeps in a private module (``re._parser``) whose
shape changes between Python versions. This is a small parser of its own, built by the
same rules as that module (the same operator names and argument shapes, so the walks read
like the documentation of ``re``), with none of its optimisations: ``a|b`` stays a branch
and common prefixes are not factored out, which keeps every walk exact. What it does not
know (conditionals, unknown escapes) raises ``Unparsed``; the walks then fall back to
confirming that rule in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Unparsed(ValueError):
    """A construct this parser does not build a tree for."""


class Op(Enum):
    LITERAL = "literal"
    NOT_LITERAL = "not_literal"
    ANY = "any"
    IN = "in"
    NEGATE = "negate"
    RANGE = "range"
    CATEGORY = "category"
    SUBPATTERN = "subpattern"
    ATOMIC_GROUP = "atomic_group"
    BRANCH = "branch"
    MAX_REPEAT = "max_repeat"
    MIN_REPEAT = "min_repeat"
    POSSESSIVE_REPEAT = "possessive_repeat"
    AT = "at"
    ASSERT = "assert"
    ASSERT_NOT = "assert_not"
    GROUPREF = "groupref"


class At(Enum):
    BEGINNING = "^"
    END = "$"
    BEGINNING_STRING = "\\A"
    END_STRING = "\\Z"
    BOUNDARY = "\\b"
    NON_BOUNDARY = "\\B"


class Category(Enum):
    WORD = "\\w"
    NOT_WORD = "\\W"
    SPACE = "\\s"
    NOT_SPACE = "\\S"
    DIGIT = "\\d"
    NOT_DIGIT = "\\D"


# The names the walks use, as in the standard library's parser.
(LITERAL, NOT_LITERAL, ANY, IN, NEGATE, RANGE, CATEGORY, SUBPATTERN, ATOMIC_GROUP, BRANCH) = (
    Op.LITERAL, Op.NOT_LITERAL, Op.ANY, Op.IN, Op.NEGATE, Op.RANGE, Op.CATEGORY,
    Op.SUBPATTERN, Op.ATOMIC_GROUP, Op.BRANCH,
)  # fmt: skip
MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT = Op.MAX_REPEAT, Op.MIN_REPEAT, Op.POSSESSIVE_REPEAT
AT, ASSERT, ASSERT_NOT, GROUPREF = Op.AT, Op.ASSERT, Op.ASSERT_NOT, Op.GROUPREF
AT_BEGINNING, AT_END, AT_BOUNDARY = At.BEGINNING, At.END, At.BOUNDARY
CATEGORY_WORD, CATEGORY_NOT_WORD = Category.WORD, Category.NOT_WORD
CATEGORY_SPACE, CATEGORY_NOT_SPACE = Category.SPACE, Category.NOT_SPACE
CATEGORY_DIGIT, CATEGORY_NOT_DIGIT = Category.DIGIT, Category.NOT_DIGIT
MAXREPEAT = 2**32 - 1  # an unbounded repeat's upper bound, as in the standard library

_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_CATEGORIES = {c.value[1]: c for c in Category}
_ANCHORS = {"A": At.BEGINNING_STRING, "Z": At.END_STRING, "b": At.BOUNDARY, "B": At.NON_BOUNDARY}
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE,
          "a": re.ASCII, "u": re.UNICODE, "L": re.LOCALE}  # fmt: skip
_LOOKAROUNDS = (
    ("=", Op.ASSERT, 1),
    ("!", Op.ASSERT_NOT, 1),
    ("<=", Op.ASSERT, -1),
    ("<!", Op.ASSERT_NOT, -1),
)
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


@dataclass
class Parsed:
    """A sequence of ``(op, argument)`` items."""

    data: list[tuple[Op, Any]] = field(default_factory=list)


def parse(pattern: str, flags: int = 0) -> Parsed:
    """The tree of ``pattern`` (already known to compile); Unparsed for what it cannot read."""
    if flags & re.VERBOSE:
        raise Unparsed("verbose patterns are not parsed")
    reader = _Reader(pattern)
    tree = reader.alternation()
    if reader.at < len(pattern):
        raise Unparsed(f"unbalanced ')' at {reader.at}")
    return tree


@dataclass
class _Reader:
    text: str
    at: int = 0
    groups: int = 0

    def peek(self, ahead: int = 0) -> str:
        i = self.at + ahead
        return self.text[i] if i < len(self.text) else ""

    def take(self, prefix: str) -> bool:
        if self.text.startswith(prefix, self.at):
            self.at += len(prefix)
            return True
        return False

    def alternation(self) -> Parsed:
        branches = [self.sequence()]
        while self.take("|"):
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        return Parsed([(Op.BRANCH, (None, branches))])

    def sequence(self) -> Parsed:
        items: list[tuple[Op, Any]] = []
        while self.peek() not in ("", "|", ")"):
            item = self.atom()
            if item is not None:
                items.append(self.repeat(item))
        return Parsed(items)

    def repeat(self, item: tuple[Op, Any]) -> tuple[Op, Any]:
        char = self.peek()
        if char in ("*", "+", "?"):
            self.at += 1
            low, high = {"*": (0, MAXREPEAT), "+": (1, MAXREPEAT), "?": (0, 1)}[char]
        elif char == "{" and (m := _QUANTIFIER.match(self.text, self.at)):
            self.at = m.end()
            low = int(m[1] or 0)
            high = int(m[3] or MAXREPEAT) if m[2] else low
        else:
            return item
        kind = Op.MIN_REPEAT if self.take("?") else Op.MAX_REPEAT
        if kind is Op.MAX_REPEAT and self.take("+"):
            kind = Op.POSSESSIVE_REPEAT
        return self.repeat((kind, (low, high, Parsed([item]))))

    def atom(self) -> tuple[Op, Any] | None:
        char = self.peek()
        self.at += 1
        if char == "(":
            return self.group()
        if char == "[":
            return (Op.IN, self.char_class())
        if char == ".":
            return (Op.ANY, None)
        if char == "^":
            return (Op.AT, At.BEGINNING)
        if char == "$":
            return (Op.AT, At.END)
        if char == "\\":
            return self.escape(in_class=False)
        return (Op.LITERAL, ord(char))

    def group(self) -> tuple[Op, Any] | None:
        if not self.take("?"):
            self.groups += 1
            return self.closed((Op.SUBPATTERN, (self.groups, 0, 0, self.alternation())))
        for prefix, op, direction in _LOOKAROUNDS:
            if self.take(prefix):
                return self.closed((op, (direction, self.alternation())))
        if self.take(":"):
            return self.closed((Op.SUBPATTERN, (None, 0, 0, self.alternation())))
        if self.take(">"):
            return self.closed((Op.ATOMIC_GROUP, self.alternation()))
        if self.take("P<"):
            self.at = self.text.index(">", self.at) + 1
            self.groups += 1
            return self.closed((Op.SUBPATTERN, (self.groups, 0, 0, self.alternation())))
        if self.take("#"):
            self.at = self.text.index(")", self.at) + 1
            return None
        return self.flags()

    def flags(self) -> tuple[Op, Any] | None:
        add = remove = 0
        while self.peek() in _FLAGS:
            add |= _FLAGS[self.peek()]
            self.at += 1
        if self.take("-"):
            while self.peek() in _FLAGS:
                remove |= _FLAGS[self.peek()]
                self.at += 1
        if self.take(")"):  # global flags: already in the compiled pattern's flags
            return None
        if self.take(":"):
            return self.closed((Op.SUBPATTERN, (None, add, remove, self.alternation())))
        raise Unparsed(f"group construct at {self.at} is not parsed")

    def closed(self, item: tuple[Op, Any]) -> tuple[Op, Any]:
        if not self.take(")"):
            raise Unparsed(f"missing ')' at {self.at}")
        return item

    def char_class(self) -> list[tuple[Op, Any]]:
        items: list[tuple[Op, Any]] = []
        if self.take("^"):
            items.append((Op.NEGATE, None))
        first = True
        while first or self.peek() != "]":
            first = False
            if not self.peek():
                raise Unparsed("unterminated character class")
            low = self.class_item()
            if self.peek() == "-" and self.peek(1) not in ("]", "") and low[0] is Op.LITERAL:
                self.at += 1
                high = self.class_item()
                if high[0] is not Op.LITERAL:
                    raise Unparsed("a range ending in a category")
                items.append((Op.RANGE, (low[1], high[1])))
            else:
                items.append(low)
        self.at += 1
        return items

    def class_item(self) -> tuple[Op, Any]:
        char = self.peek()
        self.at += 1
        if char == "\\":
            return self.escape(in_class=True)
        return (Op.LITERAL, ord(char))

    def escape(self, *, in_class: bool) -> tuple[Op, Any]:
        char = self.peek()
        self.at += 1
        if char in _CATEGORIES:
            item = (Op.CATEGORY, _CATEGORIES[char])
            return item if in_class else (Op.IN, [item])
        if char == "b" and in_class:
            return (Op.LITERAL, 8)
        if char in _ANCHORS and not in_class:
            return (Op.AT, _ANCHORS[char])
        if char in _ESCAPES:
            return (Op.LITERAL, _ESCAPES[char])
        for letter, size in (("x", 2), ("u", 4), ("U", 8)):
            if char == letter:
                digits = self.text[self.at : self.at + size]
                self.at += size
                return (Op.LITERAL, int(digits, 16))
        if char.isdigit():
            if char == "0" or in_class:
                raise Unparsed("octal escapes are not parsed")
            while self.peek().isdigit():
                self.at += 1
            return (Op.GROUPREF, int(char))
        if char.isalnum() or not char:
            raise Unparsed(f"escape \\{char} is not parsed")
        return (Op.LITERAL, ord(char))
