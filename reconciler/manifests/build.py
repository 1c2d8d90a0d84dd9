"""Turn checked documents into the typed values of ``reconciler.structs.manifests``.

Only called once a document passed every rule, so it may trust the shapes the schema
guarantees; money becomes ``Decimal`` through the number's shortest text, never float math.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from reconciler.manifests.document import Document
from reconciler.structs.manifests import (
    Budget,
    ClassifierSetting,
    EnvironmentConfig,
    ModelEndpoint,
    Policy,
    SyncPolicy,
)

_POLICY_FIELDS = {
    "prune": "prune",
    "maxParallel": "max_parallel",
    "requestsPerMinute": "requests_per_minute",
    "provisionTimeoutSeconds": "provision_timeout_seconds",
    "serveApply": "serve_apply",
}


def build_model(doc: Document, root: Path | None = None) -> ModelEndpoint:
    """A ``ModelEndpoint`` with its spec exactly as written (references unresolved)."""
    metadata = doc.data["metadata"]
    guard = doc.data["spec"].get("guard") or {}
    return ModelEndpoint(
        name=metadata["name"],
        spec=doc.data["spec"],
        labels=dict(metadata.get("labels") or {}),
        source=doc.source,
        line=doc.line(("metadata", "name")),
        guard_classifier=_classifier(guard.get("classifier"), doc, root),
    )


def build_environment(doc: Document, root: Path | None = None) -> EnvironmentConfig:
    """An ``EnvironmentConfig`` with credentials left as ``${VAR}`` references.

    ``root`` is the config repository, against which a relative classifier folder is
    resolved (the manifest's own folder, so a path reads the same wherever the CLI runs).
    """
    spec = doc.data["spec"]
    return EnvironmentConfig(
        name=doc.data["metadata"]["name"],
        region=spec["region"],
        client_id_ref=spec["credentials"]["clientId"],
        client_secret_ref=spec["credentials"]["clientSecret"],
        policy=_policy(spec.get("policy") or {}, doc, root),
        budget=_budget(spec.get("budget")),
        api_base_url=spec.get("apiBaseUrl"),
        login_base_url=spec.get("loginBaseUrl"),
        source=doc.source,
    )


def _policy(raw: dict[str, Any], doc: Document, root: Path | None) -> Policy:
    values: dict[str, Any] = {attr: raw[key] for key, attr in _POLICY_FIELDS.items() if key in raw}
    values["protected"] = tuple(raw.get("protected") or ())
    if "serveSecrets" in raw:
        values["serve_secrets"] = tuple(raw["serveSecrets"])
    guard = raw.get("guard") or {}
    if "mode" in guard:
        values["guard_mode"] = guard["mode"]
    if "maxInputChars" in guard:
        values["guard_max_input_chars"] = guard["maxInputChars"]
    values["guard_classifier"] = _classifier(guard.get("classifier"), doc, root)
    sync = raw.get("sync") or {}
    values["sync"] = SyncPolicy(
        auto=bool(sync.get("auto", False)),
        self_heal=bool(sync.get("selfHeal", False)),
        suspended=bool(sync.get("suspended", False)),
    )
    return Policy(**values)


def _classifier(
    raw: Mapping[str, Any] | None, doc: Document, root: Path | None
) -> ClassifierSetting | None:
    """``guard.classifier`` with its folder resolved against the manifest's own folder."""
    if not raw:
        return None
    folder = Path(doc.source).parent
    path = Path(raw["path"])
    if not path.is_absolute():
        path = (root / folder / path) if root is not None else folder / path
    return ClassifierSetting(str(path), float(raw.get("threshold", 0.5)))


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
