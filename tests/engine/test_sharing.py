"""A live model shares with its desired body only what it holds identically, and the
normalised forms copy nothing that has nothing to drop: no live record reads differently."""

from __future__ import annotations

import json
import random
from typing import Any

from reconciler.engine.plan.normalize import comparable, shared_with

DESIRED: dict[str, Any] = {
    "name": "m",
    "provider": "openai",
    "configuration": {"temperature": 0.2, "maxTokens": 100, "topP": 0.0, "stream": False},
    "responseSchema": {
        "type": "object",
        "required": ["a", "b"],
        "properties": {"a": {"type": "string"}},
    },
    "labels": {"team": "x", "tier": "1"},
}
LOOKALIKES: list[Any] = [0, 1, 1.0, 0.0, -0.0, True, False, None, "", "1", [], {}, ["b", "a"]]


def _lookalike(doc: Any, rng: random.Random) -> Any:
    """``doc`` with one value swapped for a look-alike, or its keys in another order."""
    if isinstance(doc, dict):
        if not doc or rng.random() < 0.3:
            return dict(reversed(list(doc.items())))
        key = rng.choice(sorted(doc))
        return {**doc, key: _lookalike(doc[key], rng)}
    if isinstance(doc, list) and doc and rng.random() < 0.5:
        index = rng.randrange(len(doc))
        return [*doc[:index], _lookalike(doc[index], rng), *doc[index + 1 :]]
    return rng.choice([*LOOKALIKES, doc])


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def test_a_live_model_reads_the_same_after_sharing() -> None:
    rng = random.Random(17)
    shared = kept = 0
    for _ in range(500):
        live = json.loads(json.dumps(_lookalike(DESIRED, rng)))  # decoded, as from the API
        before = _canonical(live)
        shared_with(live, DESIRED)
        assert _canonical(live) == before
        for key, value in live.items():
            if value is DESIRED.get(key) and isinstance(value, (dict, list)):
                shared += 1
            elif _canonical(value) != _canonical(DESIRED.get(key)):
                kept += 1
    assert shared > 500 and kept > 100  # both cases were exercised


def test_shared_with_nothing_leaves_the_live_model_alone() -> None:
    live = json.loads(json.dumps(DESIRED))
    assert shared_with(live, None) == DESIRED
    assert all(live[k] is not DESIRED[k] for k in ("configuration", "labels"))


def test_comparable_copies_only_what_has_empty_values() -> None:
    body = json.loads(json.dumps(DESIRED))
    body["configuration"]["stop"] = ""
    found = comparable(body)
    assert found["responseSchema"] is body["responseSchema"]
    assert found["labels"] is body["labels"]
    assert found["configuration"] is not body["configuration"]
    assert "stop" not in found["configuration"]
    assert comparable({"name": "m", "labels": {"a": None}, "responseSchema": {}}) == {"name": "m"}
