"""A schema compiled once into plain Python checks that answer one question: is it valid?

``jsonschema`` walks a schema keyword by keyword for every document, building a validator
object per level: 0.4 ms a manifest, a quarter of a 1,000-model validation. The manifest
schemas use a dozen keywords, so they compile here into nested closures that answer in a few
microseconds. Only the verdict is computed: ``schema_problems`` asks ``jsonschema`` for the
errors of a document that fails, so messages are unchanged. A schema using any keyword not
handled here does not compile (``Unsupported``), and ``jsonschema`` then checks every document
as before; ``tests/manifests/test_quickcheck.py`` holds the verdicts equal on the examples
and on generated documents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sized
from typing import Any

from reconciler.structs.identifiers import whole_pattern

Check = Callable[[Any], bool]

# Keywords that never change a verdict (annotations; formats are not asserted by default).
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "format",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


class Unsupported(ValueError):
    """The schema uses a keyword this compiler does not know; use ``jsonschema``."""


def compile_schema(schema: Any) -> Check:
    """A function telling whether an instance satisfies ``schema`` (draft 2020-12)."""
    if schema is True:
        return lambda _: True
    if schema is False:
        return lambda _: False
    if not isinstance(schema, Mapping):
        raise Unsupported(f"a schema must be an object or a boolean, not {schema!r}")
    checks: list[Check] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS or keyword.startswith("x-"):
            continue
        if keyword in ("properties", "additionalProperties"):
            continue  # compiled together below
        build = _KEYWORDS.get(keyword)
        if build is None:
            raise Unsupported(f"keyword {keyword!r}")
        checks.append(build(value))
    if "properties" in schema or "additionalProperties" in schema:
        checks.append(_properties(schema.get("properties", {}), schema.get("additionalProperties")))
    if len(checks) == 1:
        return checks[0]

    def every(instance: Any) -> bool:
        for check in checks:  # noqa: SIM110 - no generator object per call on this hot path
            if not check(instance):
                return False
        return True

    return every


def is_type(instance: Any, name: str) -> bool:
    """JSON Schema's types as ``jsonschema`` reads them (``1.0`` is an integer, ``True`` is not)."""
    if name == "string":
        return isinstance(instance, str)
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    if isinstance(instance, bool):
        return False
    if name == "number":
        return isinstance(instance, (int, float))
    if name == "integer":
        return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())
    raise Unsupported(f"type {name!r}")


def equal(one: Any, two: Any) -> bool:
    """``jsonschema``'s equality: booleans are not numbers, containers compare deeply."""
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(map(equal, one, two))
    if isinstance(one, (dict, list)) or isinstance(two, (dict, list)):
        return False
    if isinstance(one, str) or isinstance(two, str):
        return isinstance(one, str) and isinstance(two, str) and one == two
    return bool(one == two)


# One type name, the commonest case, as a single test instead of a walk through ``is_type``.
_SIMPLE_TYPES: dict[str, Check] = {
    "string": lambda instance: isinstance(instance, str),
    "object": lambda instance: isinstance(instance, dict),
    "array": lambda instance: isinstance(instance, list),
    "boolean": lambda instance: isinstance(instance, bool),
    "null": lambda instance: instance is None,
}


def _type(value: Any) -> Check:
    names = [value] if isinstance(value, str) else list(value)
    for name in names:
        is_type(None, name)  # refuses an unknown type name at compile time
    if len(names) == 1 and names[0] in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[names[0]]
    return lambda instance: any(is_type(instance, name) for name in names)


def _number(instance: Any) -> bool:
    return isinstance(instance, (int, float)) and not isinstance(instance, bool)


def _bound(test: Callable[[Any, Any], bool]) -> Callable[[Any], Check]:
    return lambda limit: lambda instance: not _number(instance) or test(instance, limit)


def _length(test: Callable[[int, Any], bool], kind: type[Sized]) -> Callable[[Any], Check]:
    return lambda limit: (
        lambda instance: not isinstance(instance, kind) or test(len(instance), limit)
    )


def _pattern(value: Any) -> Check:
    compiled = whole_pattern(value)
    return lambda instance: not isinstance(instance, str) or compiled.search(instance) is not None


def _enum(value: Any) -> Check:
    options = list(value)
    if options and all(isinstance(option, str) for option in options):
        # ``equal`` with a string is "also a string, and the same": a set answers that.
        strings = frozenset(options)
        return lambda instance: isinstance(instance, str) and instance in strings
    return lambda instance: any(equal(instance, option) for option in options)


def _const(value: Any) -> Check:
    return lambda instance: equal(instance, value)


def _required(value: Any) -> Check:
    names = list(value)
    return lambda instance: not isinstance(instance, dict) or all(n in instance for n in names)


def _property_names(value: Any) -> Check:
    check = compile_schema(value)
    return lambda instance: not isinstance(instance, dict) or all(map(check, instance))


def _items(value: Any) -> Check:
    check = compile_schema(value)
    return lambda instance: not isinstance(instance, list) or all(map(check, instance))


def _unique(value: Any) -> Check:
    if not value:
        return lambda _: True

    def unique(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        return not any(equal(a, b) for i, a in enumerate(instance) for b in instance[i + 1 :])

    return unique


def _properties(properties: Mapping[str, Any], additional: Any) -> Check:
    known = {name: compile_schema(sub) for name, sub in properties.items()}
    other = compile_schema(additional) if additional is not None else None

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for key, item in instance.items():
            sub = known.get(key, other)
            if sub is not None and not sub(item):
                return False
        return True

    return check


_KEYWORDS: dict[str, Callable[[Any], Check]] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    # Written as jsonschema tests them ("fails when x < minimum"), so NaN behaves alike too.
    "minimum": _bound(lambda x, limit: not x < limit),
    "maximum": _bound(lambda x, limit: not x > limit),
    "exclusiveMinimum": _bound(lambda x, limit: not x <= limit),
    "exclusiveMaximum": _bound(lambda x, limit: not x >= limit),
    "minLength": _length(lambda n, limit: n >= limit, str),
    "maxLength": _length(lambda n, limit: n <= limit, str),
    "minProperties": _length(lambda n, limit: n >= limit, dict),
    "maxProperties": _length(lambda n, limit: n <= limit, dict),
    "minItems": _length(lambda n, limit: n >= limit, list),
    "maxItems": _length(lambda n, limit: n <= limit, list),
    "pattern": _pattern,
    "required": _required,
    "propertyNames": _property_names,
    "items": _items,
    "uniqueItems": _unique,
}
