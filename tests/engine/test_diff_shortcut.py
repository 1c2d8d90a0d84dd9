"""The plan's equality shortcut never hides a change deepdiff would report: on documents with
one value swapped for a look-alike (1 for 1.0, true for 1, a reordered mapping, a list item),
whenever ``same`` says equal, deepdiff reports nothing."""

from __future__ import annotations

import random
from typing import Any

from reconciler.engine.plan.diff import deep_changes, field_changes, same

BASE: dict[str, Any] = {
    "name": "m",
    "provider": "openai",
    "configuration": {"temperature": 0.2, "maxTokens": 100, "stream": False},
    "responseSchema": {"type": "object", "required": ["a", "b"], "properties": {"a": {}}},
    "labels": {"team": "x", "tier": "1"},
}
LOOKALIKES: list[Any] = [0, 1, 1.0, 0.0, True, False, None, "", "1", [], {}, ["a"], ["b", "a"]]


def _mutate(doc: Any, rng: random.Random) -> Any:
    if isinstance(doc, dict):
        if not doc or rng.random() < 0.2:
            return dict(reversed(list(doc.items())))  # same content, other order
        key = rng.choice(sorted(doc))
        return {**doc, key: _mutate(doc[key], rng)}
    if isinstance(doc, list) and doc and rng.random() < 0.5:
        index = rng.randrange(len(doc))
        return [*doc[:index], _mutate(doc[index], rng), *doc[index + 1 :]]
    return rng.choice([*LOOKALIKES, doc])


def test_same_implies_no_deepdiff_change() -> None:
    rng = random.Random(8)
    equal = different = 0
    for _ in range(600):
        other = _mutate(BASE, rng)
        if same(BASE, other):
            equal += 1
            assert deep_changes(BASE, other) == (), other
        else:
            different += 1
            assert field_changes(BASE, other) == deep_changes(BASE, other)
    assert equal > 50 and different > 50


def test_true_is_not_one_but_one_is_one_point_zero() -> None:
    assert same({"a": 1}, {"a": 1.0})
    assert not same({"a": 1}, {"a": True})
    assert field_changes({"a": 1}, {"a": True}) != ()
