"""Turn checked documents into the typed values of ``reconciler.structs.manifests``.

Only called once a document passed every rule, so it may trust the shapes the schema
guarantees; money becomes ``Decimal`` through the number's shortest text, never float math.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reconciler.manifests.document import Document
from reconciler.structs.manifests import Budget, EnvironmentConfig, ModelEndpoint, Policy

_POLICY_FIELDS = {
    "prune": "prune",
    "maxParallel": "max_parallel",
    "requestsPerMinute": "requests_per_minute",
    "provisionTimeoutSeconds": "provision_timeout_seconds",
    "serveApply": "serve_apply",
}


def build_model(doc: Document) -> ModelEndpoint:
    """A ``ModelEndpoint`` with its spec exactly as written (references unresolved)."""
    metadata = doc.data["metadata"]
    return ModelEndpoint(
        name=metadata["name"],
        spec=doc.data["spec"],
        labels=dict(metadata.get("labels") or {}),
        source=doc.source,
        line=doc.line(("metadata", "name")),
    )


def build_environment(doc: Document) -> EnvironmentConfig:
    """An ``EnvironmentConfig`` with credentials left as ``${VAR}`` references."""
    spec = doc.data["spec"]
    return EnvironmentConfig(
        name=doc.data["metadata"]["name"],
        region=spec["region"],
        client_id_ref=spec["credentials"]["clientId"],
        client_secret_ref=spec["credentials"]["clientSecret"],
        policy=_policy(spec.get("policy") or {}),
        budget=_budget(spec.get("budget")),
        api_base_url=spec.get("apiBaseUrl"),
        login_base_url=spec.get("loginBaseUrl"),
        source=doc.source,
    )


def _policy(raw: dict[str, Any]) -> Policy:
    values: dict[str, Any] = {attr: raw[key] for key, attr in _POLICY_FIELDS.items() if key in raw}
    values["protected"] = tuple(raw.get("protected") or ())
    guard = raw.get("guard") or {}
    if "mode" in guard:
        values["guard_mode"] = guard["mode"]
    if "maxInputChars" in guard:
        values["guard_max_input_chars"] = guard["maxInputChars"]
    return Policy(**values)


def _budget(raw: dict[str, Any] | None) -> Budget | None:
    if not raw:
        return None
    return Budget(
        monthly_usd=_money(raw.get("monthlyUsd")),
        max_increase_usd=_money(raw.get("maxIncreaseUsd")),
        max_increase_percent=_money(raw.get("maxIncreasePercent")),
    )


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
