"""The guard's own regex parse tree (instead of the private ``re._parser``)."""

from __future__ import annotations

import re

import pytest

from reconciler.guard import regex_tree as t
from reconciler.guard.scanner import ALL_RULES
from reconciler.guard.superset import superset


def test_the_shapes_the_walks_read() -> None:
    [(op, (low, high, body))] = t.parse(r"[^a-c\d]{2,}?").data
    assert op is t.MIN_REPEAT and (low, high) == (2, t.MAXREPEAT)
    [(kind, items)] = body.data
    assert kind is t.IN
    assert items == [(t.NEGATE, None), (t.RANGE, (97, 99)), (t.CATEGORY, t.CATEGORY_DIGIT)]
    [(branch, (_, sides))] = t.parse("ab|c").data
    assert branch is t.BRANCH and [s.data for s in sides] == [
        [(t.LITERAL, 97), (t.LITERAL, 98)],
        [(t.LITERAL, 99)],
    ]
    [(look, (direction, _))] = t.parse(r"(?<!\w)").data
    assert look is t.ASSERT_NOT and direction == -1
    [(group, (_, add, _, _))] = t.parse("(?i:x)").data
    assert group is t.SUBPATTERN and add == re.IGNORECASE
    assert t.parse(r"\bx{3}+(?P<n>y)\x41\u00e9").data[0] == (t.AT, t.AT_BOUNDARY)
    assert t.parse("a{,2}").data[0][1][:2] == (0, 2)
    assert t.parse("a{x").data == [(t.LITERAL, c) for c in b"a{x"]  # not a quantifier


@pytest.mark.parametrize("pattern", [r"(?(1)a|b)", r"\0", r"\p"])
def test_what_it_does_not_read_is_said(pattern: str) -> None:
    with pytest.raises(t.Unparsed):
        t.parse(pattern)


def test_every_shipped_rule_is_read_and_rewritten() -> None:
    for each in ALL_RULES:
        assert superset(each.pattern), each.pattern.pattern
