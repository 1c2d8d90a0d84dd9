"""`reconcile invoke`: find the live endpoint by name and call it through the guard.

``run_invoke`` is the command; ``screen`` and ``invoke_live`` are its two halves, so
``reconcile serve`` runs exactly this path with an environment and a client it keeps open.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.engine.apply.connect import open_client
from reconciler.engine.apply.invocation import Invocation, guard_policy, invoke_guarded
from reconciler.engine.plan.secrets import require_references
from reconciler.gateway import GatewayClient
from reconciler.guard import Verdict, scan
from reconciler.manifests import load_environment
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import LoadedEnvironment, ModelEndpoint


class UnknownModel(ConfigError):
    """The environment has no manifest of that name."""


class NotActive(ConfigError):
    """The endpoint is not live, FAILED, or still provisioning: it cannot take a call."""


@dataclass(frozen=True)
class InvokeRequest:
    root: Path
    environment: str
    name: str
    # The input, or a reader given the model's cap in characters (stdin is read only up to it).
    text: str | Callable[[int], str]
    sandbox: bool = False
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def run_invoke(request: InvokeRequest) -> Invocation:
    """Scan first (offline), so a blocked input never opens a connection."""
    loaded = load_environment(request.root, request.environment)
    text = request.text if isinstance(request.text, str) else request.text(_cap(loaded, request))
    model, verdict = screen(loaded, request.name, text)
    if verdict.blocked:
        return Invocation(verdict=verdict)
    require_references(loaded, request.environ, sandbox=request.sandbox, models=False)
    sandbox_root = request.root if request.sandbox else None
    with open_client(loaded.config, environ=request.environ, sandbox_root=sandbox_root) as client:
        return invoke_live(client, loaded, model, text, verdict=verdict)


def _cap(loaded: LoadedEnvironment, request: InvokeRequest) -> int:
    """The input cap of the model asked for (the environment's when there is no such model:
    ``screen`` then names the problem)."""
    model = loaded.model(request.name)
    if model is None:
        return loaded.config.policy.guard_max_input_chars
    return guard_policy(model, loaded.config.policy).max_input_chars


def screen(loaded: LoadedEnvironment, name: str, text: str) -> tuple[ModelEndpoint, Verdict]:
    """The manifest of ``name`` and the guard's verdict on ``text``, before any connection."""
    if not text.strip():
        raise ConfigError("no input to send", hint="pass --input TEXT, or pipe the text on stdin")
    model = loaded.model(name)
    if model is None:
        known = ", ".join(m.name for m in loaded.models)
        raise UnknownModel(
            f"no model '{name}' in environment '{loaded.config.name}'",
            hint=f"known models: {known}",
        )
    return model, scan(text, guard_policy(model, loaded.config.policy))


def invoke_live(
    client: GatewayClient,
    loaded: LoadedEnvironment,
    model: ModelEndpoint,
    text: str,
    *,
    verdict: Verdict | None = None,
    find: Callable[[str], Mapping[str, Any] | None] | None = None,
) -> Invocation:
    """Find the live endpoint of ``model`` (with ``find``, default a list call); call it only
    when it is ACTIVE. ``verdict`` is ``screen``'s, so the input is scanned once."""
    env = loaded.config.name
    live = (find or client.find_model_by_name)(model.name)
    if live is None:
        raise NotActive(
            f"'{model.name}' is not live in '{env}'",
            hint=f"apply first: reconcile --env {env} "
            "(with --sandbox if that is where you applied)",
        )
    if live.get("status") == "FAILED":
        raise NotActive(
            f"'{model.name}' is FAILED: {live.get('errorReason') or 'no reason given'}",
            hint=f"fix the manifest, then apply: reconcile --env {env}",
        )
    if live.get("status") != "ACTIVE":
        raise NotActive(
            f"'{model.name}' is {live.get('status')}, not ACTIVE",
            hint="wait for provisioning to finish, then retry",
        )
    return invoke_guarded(
        client, model, str(live["id"]), text, policy=loaded.config.policy, verdict=verdict
    )
