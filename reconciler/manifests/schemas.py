"""JSON Schema checks of both manifest kinds, reported as located, readable problems.

The schemas ship inside the package (``reconciler/schemas`` links to the repository's
``schemas/``), so an installed wheel validates exactly what editors complete. ``jsonschema``
messages are rewritten because its defaults print whole values (which could be a pasted key)
and speak of "instances"; ours name the field, the line and, from the schema's own
``description``, what the field should hold.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from reconciler.manifests.document import Document, dotted
from reconciler.manifests.quickcheck import Check, Unsupported, compile_schema
from reconciler.structs import fields
from reconciler.structs.fields import FieldTable
from reconciler.structs.identifiers import matches
from reconciler.structs.problems import Problem

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

MODEL_SCHEMA = "model-endpoint.schema.json"
ENVIRONMENT_SCHEMA = "environment.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """One of the shipped schemas, parsed."""
    text = resources.files("reconciler").joinpath("schemas", name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _schema(name: str, table: FieldTable) -> dict[str, Any]:
    return _with_table(load_schema(name), table) if name == MODEL_SCHEMA else load_schema(name)


@cache
def _validator(name: str, table: FieldTable) -> Draft202012Validator:
    # Imported on the first document that fails: jsonschema and its dependencies cost 60 ms
    # to import, and a valid repository never needs them.
    from jsonschema import Draft202012Validator, validators  # noqa: PLC0415

    whole = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _whole_value_pattern}
    )
    return whole(_schema(name, table))  # type: ignore[no-any-return]


def _whole_value_pattern(
    _validator: Any, pattern: str, instance: Any, _schema: Any
) -> Iterator[ValidationError]:
    """jsonschema's ``pattern`` searches with Python's ``$``, which accepts a trailing newline;
    this one matches as the schema means it (``structs.identifiers.whole_pattern``)."""
    from jsonschema.exceptions import ValidationError  # noqa: PLC0415

    if isinstance(instance, str) and not matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _quick(name: str, table: FieldTable) -> Check | None:
    try:
        return compile_schema(_schema(name, table))
    except Unsupported:
        return None


def _with_table(schema: dict[str, Any], table: FieldTable) -> dict[str, Any]:
    """A field of the table the schema does not describe is accepted as any value. The shipped
    schema describes every field (a test proves it); this lets a field added to the table
    alone flow through validation while its schema entry is written."""
    spec = schema["properties"]["spec"]
    missing: dict[str, Any] = {f.name: {} for f in table.spec if f.name not in spec["properties"]}
    if not missing:
        return schema
    extended = {**spec, "properties": {**spec["properties"], **missing}}
    return {**schema, "properties": {**schema["properties"], "spec": extended}}


def schema_problems(doc: Document, *, schema: str) -> list[Problem]:
    """Every schema violation in ``doc``, each at the line of the offending field."""
    table = fields.model_fields()
    quick = _quick(schema, table)
    if quick is not None and quick(doc.data):
        return []  # the common case, decided without jsonschema's per-keyword walk
    validator = _validator(schema, table)
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    return [problem for error in errors for problem in _explain(doc, error)]


def _explain(doc: Document, error: ValidationError) -> list[Problem]:
    path = tuple(error.absolute_path)
    where = dotted(path)
    hint = error.schema.get("description") if isinstance(error.schema, dict) else None
    keyword = str(error.validator)
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        return _unknown_fields(doc, path, error)
    if keyword == "required":
        missing = _quoted_name(error.message)
        return [
            doc.problem(
                path,
                rule="schema-required",
                message=f"{where}: required field '{missing}' is missing",
                fix=f"add '{missing}' under {where}",
            )
        ]
    text = _describe(keyword, error, secretive="credentials" in path)
    fix = _FIXES[keyword](error.validator_value) if keyword in _FIXES else None
    if fix is None:
        fix = f"{path[-1]}: {hint}" if hint and path else hint
    return [doc.problem(path, rule=f"schema-{keyword}", message=f"{where}: {text}", fix=fix)]


# The size keywords: how a value breaks the limit, in what unit, and the fix, which is the
# limit itself (the field's description says what it is for, not how long it may be).
_SIZES = {
    "maxLength": ("longer than", "character(s)", "shorten it to {} characters or fewer"),
    "minLength": ("shorter than", "character(s)", "write at least {} character(s)"),
    "maxItems": ("more than", "item(s)", "keep {} item(s) or fewer"),
    "minItems": ("fewer than", "item(s)", "list at least {} item(s)"),
    "maxProperties": ("more than", "entries", "keep {} entries or fewer"),
    "minProperties": ("fewer than", "entries", "write at least {} entries"),
}
# Keywords whose fix is the limit itself: the size keywords', and the type's.
_FIXES: dict[str, Callable[[Any], str]] = {
    "type": lambda kind: f"write a value of type {_kinds(kind)}",
    **{keyword: fix.format for keyword, (_, _, fix) in _SIZES.items()},
}


def _kinds(kind: Any) -> str:
    return " or ".join(map(str, kind)) if isinstance(kind, list) else str(kind)


def _unknown_fields(doc: Document, path: tuple[Any, ...], error: ValidationError) -> list[Problem]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = sorted(schema.get("properties", {}))
    instance: dict[str, Any] = error.instance if isinstance(error.instance, dict) else {}
    out = []
    for key in sorted(set(instance) - set(known)):
        close = difflib.get_close_matches(key, known, n=1)
        fix = f"did you mean '{close[0]}'?" if close else f"allowed here: {', '.join(known)}"
        out.append(
            doc.problem(
                (*path, key),
                rule="schema-unknown-field",
                message=f"{dotted((*path, key))}: unknown field",
                fix=fix,
            )
        )
    return out


def _describe(keyword: str, error: ValidationError, *, secretive: bool) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    shown = "" if secretive else _show(error.instance)
    got = f" (got {shown})" if shown else ""
    if keyword == "type":
        return f"must be of type {error.validator_value}{got}"
    if keyword == "enum":
        return "must be one of: " + ", ".join(map(str, schema.get("enum", []))) + got
    if keyword == "const":
        return f"must be '{schema.get('const')}'{got}"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        return f"must be {words[keyword]} {error.validator_value}{got}"
    if keyword == "pattern":
        return f"has an invalid format{got}"
    if keyword in _SIZES:
        return _size(keyword, error)
    # jsonschema's own message quotes the whole value (a pasted key, a thousand characters).
    return f"is invalid ({keyword}){got}"


def _size(keyword: str, error: ValidationError) -> str:
    """``is longer than 500 character(s) (got 1042)``: the limit and the size, not the value."""
    words, unit, _ = _SIZES[keyword]
    value = error.instance
    size = f" (got {len(value)})" if isinstance(value, (str, list, dict)) else ""
    return f"is {words} {error.validator_value} {unit}{size}"


def _show(value: Any) -> str:
    """A short rendering of a value (JSON: one line, escaped), or nothing when it is long
    enough to be a secret."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 24 else ""


def _quoted_name(message: str) -> str:
    return message.split("'")[1] if message.count("'") >= 2 else message
