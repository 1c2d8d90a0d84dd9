"""Everything before the first write: load, validate, resolve secrets, list live, plan, price.

The result is a ``Prepared`` value: the plan (key-free, safe to print) plus the request bodies
(with keys, only ever sent). Any failure here happens before a single change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reconciler.engine.plan.costing import price_plan
from reconciler.engine.plan.drift import with_causes
from reconciler.engine.plan.normalize import desired_body, shared_with
from reconciler.engine.plan.planner import Desired, compute_plan
from reconciler.engine.plan.secrets import resolve_model_credentials
from reconciler.gateway import GatewayClient
from reconciler.gitops.snapshot import Snapshot, read_snapshot
from reconciler.structs.manifests import LABEL_CREDENTIALS, LoadedEnvironment
from reconciler.structs.plan import Plan


@dataclass(frozen=True)
class Prepared:
    """A plan ready to render or apply."""

    loaded: LoadedEnvironment
    plan: Plan
    bodies: Mapping[str, Mapping[str, Any]] = field(repr=False)
    live: Mapping[str, Mapping[str, Any]] = field(repr=False)


def desired_models(
    loaded: LoadedEnvironment,
    environ: Mapping[str, str],
    *,
    sandbox: bool,
    unset: dict[str, list[str]] | None = None,
) -> list[Desired]:
    """API bodies for every manifest, secrets resolved (every missing variable named; with
    ``unset``, missing provider keys are noted there instead, see ``without_unset_keys``)."""
    credentials = resolve_model_credentials(
        list(loaded.models), environ, sandbox=sandbox, unset=unset
    )
    out = []
    for model in loaded.models:
        creds = credentials[model.name]
        key = str(creds.pop("apiKey", ""))
        body = desired_body(model, environment=loaded.config.name, api_key=key, credentials=creds)
        out.append(Desired(name=model.name, body=body))
    return out


def list_live(client: GatewayClient, desired: Sequence[Desired]) -> list[dict[str, Any]]:
    """Every live model, page by page, each sharing the values it holds identically with its
    desired body (``shared_with``): a page's copies are dropped as it arrives."""
    bodies = {d.name: d.body for d in desired}
    return [shared_with(m, bodies.get(str(m.get("name")))) for m in client.list_models()]


def without_unset_keys(
    desired: list[Desired], live: Sequence[Mapping[str, Any]], unset: Mapping[str, list[str]]
) -> tuple[list[Desired], tuple[str, ...]]:
    """Models whose key is not set take the live key's fingerprint, so the key is not compared
    (and shows no change), and one warning per model says so. Such bodies are never sent: only
    plans and drift checks allow unset keys."""
    fingerprints = {
        str(m.get("name")): (m.get("labels") or {}).get(LABEL_CREDENTIALS) for m in live
    }
    out, warnings = [], []
    for item in desired:
        if item.name not in unset:
            out.append(item)
            continue
        labels = {
            **item.body["labels"],
            LABEL_CREDENTIALS: fingerprints.get(item.name) or "key-not-set",
        }
        out.append(replace(item, body={**item.body, "labels": labels}))
        if item.name not in fingerprints:
            continue  # a create: nothing live to compare the key with
        names = ", ".join(unset[item.name])
        warnings.append(
            f"{item.name}: provider key not compared ({names} not set); apply compares it"
        )
    return out, tuple(warnings)


def prepare(
    loaded: LoadedEnvironment,
    client: GatewayClient,
    *,
    environ: Mapping[str, str],
    sandbox: bool,
    prune: bool,
    records: Path | None = None,
    keys_optional: bool = False,
) -> Prepared:
    """Plan one environment against what is live now (``records``, the run's records root,
    gives the last snapshot: ``structs.paths.records_root``);
    ``keys_optional`` for a dry run, which needs only the OAuth client."""
    unset: dict[str, list[str]] | None = {} if keys_optional else None
    desired = desired_models(loaded, environ, sandbox=sandbox, unset=unset)
    live = list_live(client, desired)
    desired, not_compared = without_unset_keys(desired, live, unset or {})
    plan = compute_plan(
        environment=loaded.config.name,
        desired=desired,
        live=live,
        policy=loaded.config.policy,
        prune=prune,
    )
    snapshot = read_snapshot(records, loaded.config.name) if records else None
    applied = list(snapshot.models) if snapshot is not None else None
    plan = with_causes(plan, desired=desired, snapshot=applied, live=live)
    plan = price_plan(plan, loaded=loaded, live=live, last_usage=last_known_usage(snapshot))
    warnings = tuple(p.render() for p in loaded.warnings)
    plan = replace(plan, warnings=plan.warnings + not_compared + warnings)
    return Prepared(
        loaded=loaded,
        plan=plan,
        bodies={d.name: d.body for d in desired},
        live={str(m.get("name")): m for m in live},
    )


def last_known_usage(snapshot: Snapshot | None) -> dict[str, Any]:
    """``spec.usage`` per model as last applied: prices a delete after git forgot the model."""
    if snapshot is None:
        return {}
    return {str(m.get("name")): m["usage"] for m in snapshot.models if m.get("usage")}
