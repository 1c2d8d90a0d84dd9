"""The quick metaschema check gives jsonschema's verdict: on every schema in the repository's
manifests and examples, on every JSON Schema test-suite-like edge written here, and on
thousands of generated schemas with one keyword's value replaced by something else."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from reconciler.manifests.metaschema import _KEYWORDS, is_schema

REPO = Path(__file__).resolve().parents[2]
META = Draft202012Validator(Draft202012Validator.META_SCHEMA)


def _manifest_schemas() -> list[Any]:
    found = []
    for path in sorted(
        [*REPO.glob("environments/*/models/*.yaml"), *REPO.glob("tests/examples/**/*.yaml")]
    ):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError):
            continue
        spec = doc.get("spec") if isinstance(doc, dict) else None
        if isinstance(spec, dict) and "responseSchema" in spec:
            found.append(spec["responseSchema"])
    return found


# Values that sit on the edges of the metaschema's rules.
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2.0,
    -2.0,
    2.5,
    -0.0,
    math.nan,
    math.inf,
    "",
    "x",
    "object",
    "a#b",
    "a#",
    "_a.b-c",
    "1abc",
    "abc\n",
    [],
    [1],
    ["string"],
    ["string", "string"],
    ["string", "null"],
    ["nope"],
    [True],
    [{}],
    {},
    {"a": 1},
    {"a": True},
    {"a": {}},
    {"a": ["x", "y"]},
    {"a": ["x", "x"]},
    {"type": "bogus"},
    {"a": {"type": 3}},
]


@pytest.mark.parametrize("schema", _manifest_schemas())
def test_repository_schemas_agree(schema: Any) -> None:
    assert is_schema(schema) == META.is_valid(schema)


@pytest.mark.parametrize("keyword", sorted(_KEYWORDS))
def test_every_keyword_agrees_on_edge_values(keyword: str) -> None:
    for value in ODD_VALUES:
        for schema in ({keyword: value}, {"properties": {"p": {keyword: value}}}):
            assert is_schema(schema) == META.is_valid(schema), schema


def _mutations(seed: int, base: list[Any]) -> list[Any]:
    """Schemas from ``base`` with one nested value swapped for an odd value or keyword."""
    rng = random.Random(seed)
    out = []
    for _ in range(1_000):
        schema = _copy(rng.choice(base))
        node = schema
        for _depth in range(rng.randint(0, 3)):
            children = (
                [v for v in node.values() if isinstance(v, dict)] if isinstance(node, dict) else []
            )
            if not children:
                break
            node = rng.choice(children)
        if isinstance(node, dict):
            node[rng.choice(sorted(_KEYWORDS))] = _copy(rng.choice(ODD_VALUES))
        out.append(schema)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def test_generated_schemas_agree() -> None:
    base = [s for s in _manifest_schemas() if isinstance(s, dict)]
    schemas = _mutations(17, base)
    verdicts = [(is_schema(s), META.is_valid(s)) for s in schemas]
    disagree = [s for s, (quick, full) in zip(schemas, verdicts, strict=True) if quick != full]
    assert not disagree, disagree[:3]
    # The generator produces both verdicts, so agreement is not a vacuous all-valid or all-invalid.
    assert 100 < sum(full for _, full in verdicts) < len(schemas) - 100
