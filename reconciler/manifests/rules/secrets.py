"""Literal secrets anywhere in a manifest, and ``${VAR}`` references outside secret fields.

A key pasted into a manifest is leaked the moment it is pushed, so any string that looks like
a provider key is an error wherever it sits (a prompt template is a classic place). Messages
show at most the first four characters: enough to recognise the key, useless to an attacker.

The secret fields are the ones the schema marks with ``"x-secret": true``. They must hold
exactly one reference, and no other field may hold one: a reference anywhere else would be
resolved into a value that plans, snapshots and commits show in the clear (a key smuggled
into ``credentials.endpoint``'s URL, say).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from reconciler.manifests.document import Document, Path, dotted
from reconciler.manifests.refs import REF, find_refs, is_ref
from reconciler.manifests.rules.base import Context
from reconciler.manifests.schemas import ENVIRONMENT_SCHEMA, MODEL_SCHEMA, load_schema
from reconciler.manifests.secretlike import find_secret, may_hold_secret, preview
from reconciler.structs.problems import Problem
from reconciler.structs.redaction import remember

_FIX = (
    "delete it, store the key in a secret store or CI secret and write a ${VAR} reference "
    "such as ${PROVIDER_API_KEY}; treat the key as leaked and rotate it"
)


def remember_referenced(doc: Document, environ: Mapping[str, str]) -> None:
    """Hand the values of the variables ``doc``'s secret fields reference (those set) to the
    redaction point, before any problem is reported. A problem quotes what it found (an
    unknown field, a placeholder), and a key pasted there too would otherwise be printed by
    ``validate`` and by any command that stops at validation, which resolves no secret."""
    for path in secret_fields(_schema_of(doc)):
        for var in find_refs(doc.get(path)):
            if environ.get(var):
                remember(environ[var])


def literal_secrets(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``secret-literal``: nothing in the file may look like a key."""
    if not may_hold_secret(doc.text):  # one look at the whole file says so for most files
        return
    for path, text in doc.strings:
        found = find_secret(text)
        if found is None:
            continue
        kind, match = found
        yield doc.problem(
            path,
            rule="secret-literal",
            fix=_FIX,
            line=doc.line_in(path, match.start()),
            message=f"{dotted(path)} contains what looks like {kind} "
            f"('{preview(match)}'); secrets must never be written into a manifest",
        )
    for parent, key in doc.keys:
        found = find_secret(key)
        if found is not None:
            kind, match = found
            yield doc.problem(
                parent,
                rule="secret-literal",
                fix=_FIX,
                line=doc.line((*parent, key)),
                message=f"a key of {_named(parent)} contains what looks like {kind} "
                f"('{preview(match)}'); secrets must never be written into a manifest",
            )


def credential_refs(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``secret-ref``: secret fields hold exactly one ``${VAR}`` reference."""
    for path in secret_fields(_schema_of(doc)):
        value = doc.get(path)
        if value is None or is_ref(value) or (isinstance(value, str) and find_secret(value)):
            continue
        yield doc.problem(
            path,
            rule="secret-ref",
            message=f"{dotted(path)} must be a ${{VAR}} reference, not a literal",
            fix=f"write {path[-1]}: ${{SOME_VARIABLE}} and set that variable where reconcile runs",
        )


def misplaced_refs(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``secret-ref-misplaced``: no ``${VAR}`` reference outside the secret fields."""
    allowed = secret_fields(_schema_of(doc))
    if _refs_in(doc.text) == sum(_refs_in(doc.get(path)) for path in allowed):
        return  # every reference of the file sits in a secret field (or there is none)
    yield from _misplaced_in_keys(doc)
    for path, text in doc.strings:
        match = REF.search(text)
        if match is None or path in allowed:
            continue
        yield doc.problem(
            path,
            rule="secret-ref-misplaced",
            line=doc.line_in(path, match.start()),
            message=f"{dotted(path)} contains the reference {match.group()}; references are "
            f"allowed only in secret fields ({', '.join(dotted(p) for p in allowed)})",
            fix="write the value itself here; a reference outside a secret field would copy "
            "its value into plans, snapshots and git in the clear",
        )


def _named(parent: Path) -> str:
    """How a problem about a key names where it is: by its mapping, never by the key itself
    (which is what looks like a secret)."""
    return dotted(parent) if parent else "the document"


def _misplaced_in_keys(doc: Document) -> Iterable[Problem]:
    for parent, key in doc.keys:
        match = REF.search(key)
        if match is not None:
            yield doc.problem(
                parent,
                rule="secret-ref-misplaced",
                line=doc.line((*parent, key)),
                message=f"a key of {_named(parent)} contains the reference {match.group()}; "
                "references are allowed only as the value of a secret field",
                fix="write the key itself; a reference in a key would copy its variable's "
                "value into plans, snapshots and git in the clear",
            )


def _refs_in(text: Any) -> int:
    return len(REF.findall(text)) if isinstance(text, str) and "${" in text else 0


@cache
def secret_fields(schema: str) -> tuple[Path, ...]:
    """The field paths the schema marks ``"x-secret": true``: the only homes of references."""
    found: list[Path] = []
    stack: list[tuple[Path, Any]] = [((), load_schema(schema))]
    while stack:
        path, node = stack.pop()
        if node.get("x-secret") is True:
            found.append(path)
        for name, child in (node.get("properties") or {}).items():
            stack.append(((*path, name), child))
    return tuple(sorted(found))


def _schema_of(doc: Document) -> str:
    return MODEL_SCHEMA if doc.get(("kind",)) == "ModelEndpoint" else ENVIRONMENT_SCHEMA
