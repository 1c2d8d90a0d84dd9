"""The read-only views: each the document the CLI prints with ``--format json``.

They call what the commands call (the main job's preparation for the plan, the drift job,
the cost projection), so the service can never show a plan the CLI would not.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.cost.projection import project_environment
from reconciler.engine.jobs.drift_job import DriftRequest, run_drift
from reconciler.engine.plan.prepare import prepare
from reconciler.engine.plan.secrets import require_references
from reconciler.manifests import list_environments
from reconciler.manifests.checking import check_environment
from reconciler.report.drift import render_drift_json
from reconciler.report.plan_json import plan_document
from reconciler.serve.connections import Connections
from reconciler.serve.errors import ApiError
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.plan import Plan
from reconciler.structs.problems import ValidationFailed


def require_environment(connections: Connections, env: str) -> None:
    if env not in _names(connections):
        known = ", ".join(_names(connections)) or "none"
        raise ApiError(404, "not-found", f"no environment '{env}' (known: {known})")


def environments(connections: Connections) -> dict[str, Any]:
    """Every environment with its region and models, valid or not (``valid`` says which)."""
    return {"environments": [_summary(connections, env) for env in _names(connections)]}


def _names(connections: Connections) -> list[str]:
    return list_environments(connections.settings.root)


def _summary(connections: Connections, env: str) -> dict[str, Any]:
    try:
        loaded = connections.environment(env)
    except ValidationFailed:
        checked = check_environment(connections.settings.root, env)
        region = checked.environment.get(("spec", "region")) if checked.environment else None
        names = [doc.get(("metadata", "name")) for doc in checked.models]
        models = sorted(n for n in names if isinstance(n, str))
        return {"name": env, "region": region, "models": models, "valid": False}
    models = [m.name for m in loaded.models]
    return {"name": env, "region": loaded.config.region, "models": models, "valid": True}


def plan_of(connections: Connections, loaded: LoadedEnvironment) -> Plan:
    """The main job's dry-run plan of ``loaded`` against what is live now."""
    settings = connections.settings
    require_references(loaded, settings.environ, sandbox=settings.sandbox)
    client = connections.client(loaded.config)
    prepared = prepare(
        loaded,
        client,
        environ=settings.environ,
        sandbox=settings.sandbox,
        prune=False,
        records=settings.records,
    )
    return prepared.plan


def plan(connections: Connections, env: str) -> dict[str, Any]:
    return plan_document(plan_of(connections, connections.environment(env)))


def drift(connections: Connections, env: str) -> dict[str, Any]:
    settings = connections.settings
    report = run_drift(
        DriftRequest(
            root=settings.root, environment=env, sandbox=settings.sandbox, environ=settings.environ
        )
    )
    document: dict[str, Any] = json.loads(render_drift_json(report))
    return document


def cost(connections: Connections, env: str) -> dict[str, Any]:
    return project_environment(connections.environment(env)).as_dict()
