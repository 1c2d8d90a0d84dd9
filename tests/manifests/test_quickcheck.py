"""The compiled manifest schemas give jsonschema's verdict: on every manifest of the repository
and the examples, and on thousands of documents with one field changed to an odd value."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reconciler.manifests.quickcheck import Unsupported, compile_schema
from reconciler.manifests.reading import FileRejected
from reconciler.manifests.schemas import ENVIRONMENT_SCHEMA, MODEL_SCHEMA, _validator
from reconciler.manifests.yamltree import parse_yaml
from reconciler.structs import fields

REPO = Path(__file__).resolve().parents[2]
ODD: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    0.5,
    2.0,
    1e9,
    -1e9,
    math.nan,
    "",
    "x",
    "X" * 300,
    "azure",
    "openai",
    "reconciler/v1",
    "ModelEndpoint",
    "us-east-1",
    "${A}",
    "a b",
    [],
    ["a"],
    ["a", "a"],
    [1, True],
    {},
    {"a": 1},
    {"k": "v"},
    {"reconcile/x": "y"},
]


def _documents() -> list[Any]:
    paths = [*REPO.glob("environments/**/*.yaml"), *REPO.glob("tests/examples/**/*.yaml")]
    docs = []
    for path in sorted(paths):
        try:  # the project's own parser: it refuses alias bombs and other hostile files
            docs.append(parse_yaml(path.read_text(encoding="utf-8"), source=path.name).data)
        except (FileRejected, UnicodeDecodeError):
            continue
    return [d for d in docs if isinstance(d, dict)]


def _pair(name: str) -> tuple[Any, Draft202012Validator]:
    validator = _validator(name, fields.model_fields())
    return compile_schema(validator.schema), validator


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*path, index))
    return out


def _with(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(doc) if isinstance(doc, dict) else list(doc)
    copy[path[0]] = value if len(path) == 1 else _with(doc[path[0]], path[1:], value)
    return copy


@pytest.mark.parametrize("name", [MODEL_SCHEMA, ENVIRONMENT_SCHEMA])
def test_verdicts_agree_on_examples_and_mutations(name: str) -> None:
    quick, full = _pair(name)
    kind = "ModelEndpoint" if name == MODEL_SCHEMA else "Environment"
    docs = [d for d in _documents() if d.get("kind") == kind]
    rng = random.Random(23)
    mutated = []
    for _ in range(1_500):
        doc = rng.choice(docs)
        path = rng.choice(_paths(doc))
        if rng.random() < 0.3 and isinstance(doc, dict):
            parent = path[:-1] if path else ()
            target = doc
            for part in parent:
                target = target[part]
            if isinstance(target, dict):
                mutated.append(_with(doc, (*parent, rng.choice(["extra", "kind", "x"])), 1))
                continue
        mutated.append(_with(doc, path, rng.choice(ODD)))
    verdicts = [(quick(d), full.is_valid(d)) for d in [*docs, *mutated]]
    assert all(q == f for q, f in verdicts), [
        d for d, (q, f) in zip([*docs, *mutated], verdicts, strict=True) if q != f
    ][:2]
    assert 20 < sum(f for _, f in verdicts) < len(verdicts) - 20


def test_an_unknown_keyword_falls_back_to_jsonschema() -> None:
    with pytest.raises(Unsupported):
        compile_schema({"properties": {"a": {"if": {"type": "string"}}}})
