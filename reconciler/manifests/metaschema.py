"""Is this value a valid draft 2020-12 JSON Schema? The metaschema's rules, checked directly.

``jsonschema`` checks a schema against the 2020-12 metaschema by walking eight vocabulary
documents joined with ``$dynamicRef``: 1.5 ms for a typical ``responseSchema``, most of a
1,000-model validation. The metaschema only constrains the types of keywords' values (and two
patterns), so the same verdict comes from one walk over the keywords here, in microseconds.
Only the verdict is computed: when it is "invalid", the rule asks ``jsonschema`` for its
messages, so what users read is unchanged; ``tests/manifests/test_metaschema.py`` holds the
verdict equal to ``jsonschema``'s on the examples and on thousands of generated schemas.

Formats (``uri``, ``regex``) are annotations in 2020-12, not asserted by ``jsonschema``'s
default validator, and so not here either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_ANCHOR = re.compile(r"^[A-Za-z_][-A-Za-z0-9._]*$")
_ID = re.compile(r"^[^#]*#?$")


def is_schema(value: Any) -> bool:
    """True when ``value`` satisfies the draft 2020-12 metaschema."""
    if isinstance(value, bool):
        return True
    if not isinstance(value, dict):
        return False
    return all(check(value[key]) for key, check in _KEYWORDS.items() if key in value)


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count(value: Any) -> bool:
    """``nonNegativeInteger``: an integer (``2.0`` counts, as in JSON) of at least 0."""
    if isinstance(value, float):
        return value.is_integer() and value >= 0
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _positive(value: Any) -> bool:
    """``exclusiveMinimum: 0``, written as ``jsonschema`` tests it (so NaN passes there too)."""
    return _number(value) and not value <= 0


def _anchor(value: Any) -> bool:
    return isinstance(value, str) and _ANCHOR.search(value) is not None


def _id(value: Any) -> bool:
    return isinstance(value, str) and _ID.search(value) is not None


def _array(value: Any) -> bool:
    return isinstance(value, list)


def _schemas(value: Any) -> bool:
    """``schemaArray``: a non-empty array of schemas."""
    return isinstance(value, list) and bool(value) and all(map(is_schema, value))


def _schema_map(value: Any) -> bool:
    return isinstance(value, dict) and all(map(is_schema, value.values()))


def _strings(value: Any) -> bool:
    """``stringArray``: unique strings."""
    return (
        isinstance(value, list)
        and all(isinstance(item, str) for item in value)
        and len(set(value)) == len(value)
    )


def _type(value: Any) -> bool:
    if isinstance(value, str):
        return value in SIMPLE_TYPES
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, str) and item in SIMPLE_TYPES for item in value)
        and len(set(value)) == len(value)
    )


def _vocabulary(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(flag, bool) for key, flag in value.items()
    )


def _dependencies(value: Any) -> bool:
    return isinstance(value, dict) and all(
        is_schema(item) or _strings(item) for item in value.values()
    )


def _dependent_required(value: Any) -> bool:
    return isinstance(value, dict) and all(map(_strings, value.values()))


# Every keyword the metaschema constrains, with what its value must be; any other key is free.
_KEYWORDS: dict[str, Check] = {
    # core
    "$id": _id,
    "$schema": _string,
    "$ref": _string,
    "$anchor": _anchor,
    "$dynamicRef": _string,
    "$dynamicAnchor": _anchor,
    "$vocabulary": _vocabulary,
    "$comment": _string,
    "$defs": _schema_map,
    # applicator
    "prefixItems": _schemas,
    "items": is_schema,
    "contains": is_schema,
    "additionalProperties": is_schema,
    "properties": _schema_map,
    "patternProperties": _schema_map,
    "dependentSchemas": _schema_map,
    "propertyNames": is_schema,
    "if": is_schema,
    "then": is_schema,
    "else": is_schema,
    "allOf": _schemas,
    "anyOf": _schemas,
    "oneOf": _schemas,
    "not": is_schema,
    # unevaluated
    "unevaluatedItems": is_schema,
    "unevaluatedProperties": is_schema,
    # validation
    "type": _type,
    "enum": _array,
    "multipleOf": _positive,
    "maximum": _number,
    "exclusiveMaximum": _number,
    "minimum": _number,
    "exclusiveMinimum": _number,
    "maxLength": _count,
    "minLength": _count,
    "pattern": _string,
    "maxItems": _count,
    "minItems": _count,
    "uniqueItems": _boolean,
    "maxContains": _count,
    "minContains": _count,
    "maxProperties": _count,
    "minProperties": _count,
    "required": _strings,
    "dependentRequired": _dependent_required,
    # meta-data, format-annotation, content
    "title": _string,
    "description": _string,
    "deprecated": _boolean,
    "readOnly": _boolean,
    "writeOnly": _boolean,
    "examples": _array,
    "format": _string,
    "contentEncoding": _string,
    "contentMediaType": _string,
    "contentSchema": is_schema,
    # kept by the 2020-12 metaschema from earlier drafts
    "definitions": _schema_map,
    "dependencies": _dependencies,
    "$recursiveAnchor": _anchor,
    "$recursiveRef": _string,
}
