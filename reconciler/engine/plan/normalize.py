"""Desired and live models in one comparable shape.

A plan must show exactly, and only, what would change: server fields (id, status, version,
dates), empty values and key order must never cause a diff, and the API key is compared by the
fingerprint label the reconciler keeps on every endpoint, never by value (the API never returns
the key anyway). Which fields are sent, and which of their keys are secret, comes from the
field table (``structs/fields.py``).
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Mapping
from typing import Any

from reconciler.structs import fields
from reconciler.structs.manifests import (
    LABEL_CREDENTIALS,
    LABEL_ENVIRONMENT,
    LABEL_MANAGED_BY,
    MANAGED_BY_VALUE,
    ModelEndpoint,
)

_ABSENT = object()


def fingerprint(api_key: str) -> str:
    """First 16 hex digits of sha256(apiKey): identifies a key without revealing it."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:16]


def desired_body(
    model: ModelEndpoint, *, environment: str, api_key: str, credentials: Mapping[str, Any]
) -> dict[str, Any]:
    """The full API body for a model, secrets resolved. Only ever sent, never printed."""
    spec = model.spec
    creds = {k: v for k, v in credentials.items() if v not in (None, "")}
    creds["apiKey"] = api_key
    labels = dict(model.labels)
    labels.update(
        {
            LABEL_MANAGED_BY: MANAGED_BY_VALUE,
            LABEL_ENVIRONMENT: environment,
            LABEL_CREDENTIALS: fingerprint(api_key),
        }
    )
    body: dict[str, Any] = {"name": model.name, "credentials": creds, "labels": labels}
    for entry in fields.model_fields().sent:
        value = spec.get(entry.name)
        if entry.name not in body and (entry.required or value not in (None, "", {})):
            body[entry.name] = value
    return {f.name: body[f.name] for f in fields.model_fields().sent if f.name in body}


def comparable(model: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the API holds, without their secrets and without empty values."""
    out: dict[str, Any] = {}
    for entry in fields.model_fields().sent:
        value = model.get(entry.name)
        if entry.secrets and isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if k not in entry.secrets}
        cleaned = _drop_empty(value)
        if cleaned is not None:
            out[entry.name] = cleaned
    return out


def redacted(model: Mapping[str, Any]) -> dict[str, Any]:
    """A live or desired model fit for snapshots and reports: no key, server fields kept."""
    out = {k: v for k, v in model.items() if k not in ("selfUri",)}
    for entry in fields.model_fields().sent:
        value = out.get(entry.name)
        if entry.secrets and isinstance(value, Mapping):
            out[entry.name] = {k: v for k, v in value.items() if k not in entry.secrets}
    return _drop_empty(out) or {}


def is_managed(model: Mapping[str, Any]) -> bool:
    labels = model.get("labels") or {}
    return isinstance(labels, Mapping) and labels.get(LABEL_MANAGED_BY) == MANAGED_BY_VALUE


def environment_of(model: Mapping[str, Any]) -> str | None:
    labels = model.get("labels") or {}
    value = labels.get(LABEL_ENVIRONMENT) if isinstance(labels, Mapping) else None
    return str(value) if value is not None else None


def shared_with(live: dict[str, Any], desired: Mapping[str, Any] | None) -> dict[str, Any]:
    """``live``, each of its fields that is identical to ``desired``'s replaced by that value.

    A model in sync then holds one copy of its schema, template and labels instead of two: the
    decoded listing was the largest part of a dry run's memory (20 MB at 5,000 models).
    Identical means the same JSON: ``true`` is not ``1``, ``1`` is not ``1.0``, ``-0.0`` is not
    ``0.0``. Only the order of a mapping's keys may differ (the API returns its own), which
    nothing that reads live models after the plan can see: the planner compares without it
    and the audit log's entries are canonical JSON.
    """
    if desired is None:
        return live
    for key, value in live.items():
        mine = desired.get(key, _ABSENT)
        if mine is not value and _identical(value, mine):
            live[key] = mine
    return live


def _identical(a: Any, b: Any) -> bool:
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is dict:
        return len(a) == len(b) and all(_identical(v, b.get(k, _ABSENT)) for k, v in a.items())
    if kind is list:
        return len(a) == len(b) and all(map(_identical, a, b))
    return bool(a == b) and (kind is not float or repr(a) == repr(b))


def _drop_empty(value: Any) -> Any:
    """``value`` without empty strings, None and empty mappings (inside a list they become
    None); ``value`` itself, not a copy, when it holds none of them."""
    kind = type(value)
    if kind is str:  # the commonest leaf, tested first (a Mapping test is an ABC lookup)
        return value or None
    if kind is dict or isinstance(value, Mapping):
        kept: dict[str, Any] = {}
        unchanged = kind is dict
        for key, item in value.items():
            cleaned = _drop_empty(item)
            if cleaned is not None:
                kept[str(key)] = cleaned
            unchanged = unchanged and cleaned is item and item is not None and type(key) is str
        if not kept:
            return None
        return value if unchanged else kept
    if isinstance(value, list):
        cleaned_items = [_drop_empty(v) for v in value]
        same = kind is list and all(map(operator.is_, cleaned_items, value))
        return value if same else cleaned_items
    if value == "" or value is None:
        return None
    return value
