"""The shipped JSON Schemas: valid, documented, packaged, and in step with the data files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reconciler.manifests.schemas import ENVIRONMENT_SCHEMA, MODEL_SCHEMA, load_schema
from tests.fixtures_manifests import REPO

SCHEMAS = [MODEL_SCHEMA, ENVIRONMENT_SCHEMA]


def _properties(schema: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if not isinstance(schema, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}.{name}", sub
        yield from _properties(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(key), dict):
            yield from _properties(schema[key], f"{path}[{key}]")


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_property_is_described(name: str) -> None:
    undocumented = [
        path for path, sub in _properties(load_schema(name)) if not sub.get("description")
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", SCHEMAS)
def test_objects_are_closed(name: str) -> None:
    open_objects = [
        path
        for path, sub in _properties(load_schema(name))
        if sub.get("type") == "object" and "properties" in sub and "additionalProperties" not in sub
    ]
    assert open_objects == []


def test_schemas_ship_inside_the_package() -> None:
    packaged = resources.files("reconciler").joinpath("schemas")
    for name in SCHEMAS:
        assert packaged.joinpath(name).read_text(encoding="utf-8") == (
            REPO / "schemas" / name
        ).read_text(encoding="utf-8")
    link = REPO / "reconciler" / "schemas"
    assert link.is_symlink() and Path(link.readlink()).as_posix() == "../schemas"


def test_region_enum_matches_the_regions_data_file() -> None:
    regions = json.loads(resources.files("reconciler").joinpath("data/regions.json").read_text())
    enum = load_schema(ENVIRONMENT_SCHEMA)["properties"]["spec"]["properties"]["region"]["enum"]
    assert sorted(enum) == sorted([*regions["regions"], "sandbox"])
    assert len(enum) == 19
