"""`reconcile invoke`: find the live endpoint by name and call it through the guard."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.engine.connect import open_client
from reconciler.engine.invocation import Invocation, guard_policy, invoke_guarded
from reconciler.engine.secrets import require_references
from reconciler.guard import scan
from reconciler.manifests import load_environment
from reconciler.structs.errors import ConfigError


@dataclass(frozen=True)
class InvokeRequest:
    root: Path
    environment: str
    name: str
    text: str
    sandbox: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def run_invoke(request: InvokeRequest) -> Invocation:
    """Scan first (offline), so a blocked input never opens a connection."""
    if not request.text.strip():
        raise ConfigError("no input to send", hint="pass --input TEXT, or pipe the text on stdin")
    loaded = load_environment(request.root, request.environment)
    model = loaded.model(request.name)
    if model is None:
        known = ", ".join(m.name for m in loaded.models)
        raise ConfigError(
            f"no model '{request.name}' in environment '{request.environment}'",
            hint=f"known models: {known}",
        )
    verdict = scan(request.text, guard_policy(model, loaded.config.policy))
    if verdict.blocked:
        return Invocation(verdict=verdict)
    require_references(loaded, request.environ, sandbox=request.sandbox, models=False)
    sandbox_root = request.root if request.sandbox else None
    with open_client(loaded.config, environ=request.environ, sandbox_root=sandbox_root) as client:
        live = client.find_model_by_name(request.name)
        if live is None:
            raise ConfigError(
                f"'{request.name}' is not live in '{request.environment}'",
                hint=f"apply first: reconcile --env {request.environment} "
                "(with --sandbox if that is where you applied)",
            )
        if live.get("status") == "FAILED":
            raise ConfigError(
                f"'{request.name}' is FAILED: {live.get('errorReason') or 'no reason given'}",
                hint=f"fix the manifest, then apply: reconcile --env {request.environment}",
            )
        if live.get("status") != "ACTIVE":
            raise ConfigError(
                f"'{request.name}' is {live.get('status')}, not ACTIVE",
                hint="wait for provisioning to finish, then retry",
            )
        return invoke_guarded(
            client, model, str(live["id"]), request.text, policy=loaded.config.policy
        )
