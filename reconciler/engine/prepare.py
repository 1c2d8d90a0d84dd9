"""Everything before the first write: load, validate, resolve secrets, list live, plan, price.

The result is a ``Prepared`` value: the plan (key-free, safe to print) plus the request bodies
(with keys, only ever sent). Any failure here happens before a single change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reconciler.engine.costing import price_plan
from reconciler.engine.normalize import desired_body
from reconciler.engine.planner import Desired, compute_plan
from reconciler.engine.secrets import resolve_model_credentials
from reconciler.gateway import GatewayClient
from reconciler.gitops.snapshot import Snapshot, read_snapshot
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.plan import Plan


@dataclass(frozen=True)
class Prepared:
    """A plan ready to render or apply."""

    loaded: LoadedEnvironment
    plan: Plan
    bodies: Mapping[str, Mapping[str, Any]] = field(repr=False)
    live: Mapping[str, Mapping[str, Any]] = field(repr=False)


def desired_models(
    loaded: LoadedEnvironment, environ: Mapping[str, str], *, sandbox: bool
) -> list[Desired]:
    """API bodies for every manifest, secrets resolved (every missing variable named)."""
    credentials = resolve_model_credentials(list(loaded.models), environ, sandbox=sandbox)
    out = []
    for model in loaded.models:
        creds = credentials[model.name]
        key = str(creds.pop("apiKey", ""))
        body = desired_body(model, environment=loaded.config.name, api_key=key, credentials=creds)
        out.append(Desired(name=model.name, body=body))
    return out


def prepare(
    loaded: LoadedEnvironment,
    client: GatewayClient,
    *,
    environ: Mapping[str, str],
    sandbox: bool,
    prune: bool,
    root: Path | None = None,
) -> Prepared:
    """Plan one environment against what is live now (``root`` gives the last snapshot)."""
    desired = desired_models(loaded, environ, sandbox=sandbox)
    live = list(client.list_models())
    plan = compute_plan(
        environment=loaded.config.name,
        desired=desired,
        live=live,
        policy=loaded.config.policy,
        prune=prune,
    )
    snapshot = read_snapshot(root, loaded.config.name) if root else None
    plan = price_plan(plan, loaded=loaded, live=live, last_usage=last_known_usage(snapshot))
    warnings = tuple(p.render() for p in loaded.warnings)
    plan = replace(plan, warnings=plan.warnings + warnings)
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
