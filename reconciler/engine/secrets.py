"""Resolve the ``${VAR}`` references a command needs, all at once.

Every missing variable is named in one error, so a user fixes their CI secrets in one go. In
``--sandbox`` mode an unset provider key gets a deterministic stand-in in the format the
sandbox accepts for that provider, so the quick start runs on a fresh clone with no secrets;
the stand-in never leaves this process except as a fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from reconciler.manifests import find_refs, resolve_refs
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import ModelEndpoint

_STAND_IN_FORMATS = {
    "openai": "sk-sandbox-{digest}",
    "anthropic": "sk-ant-sandbox-{digest}",
    "azure": "{digest}",
    "bedrock": "ABSK{digest}",
}


def sandbox_stand_in(provider: str, variable: str) -> str:
    """A fake key the sandbox accepts for ``provider``, stable for a variable name."""
    digest = hashlib.sha256(f"sandbox:{variable}".encode()).hexdigest()[:32]
    return _STAND_IN_FORMATS.get(provider, "sk-sandbox-{digest}").format(digest=digest)


def resolve_model_credentials(
    models: list[ModelEndpoint], environ: Mapping[str, str], *, sandbox: bool
) -> dict[str, dict[str, Any]]:
    """Resolved ``spec.credentials`` per model name; ConfigError lists every missing variable."""
    missing: dict[str, list[str]] = {}
    resolved: dict[str, dict[str, Any]] = {}
    for model in models:
        credentials = dict(model.spec.get("credentials") or {})
        env = dict(environ)
        for var in find_refs(credentials):
            if var not in env and sandbox:
                env[var] = sandbox_stand_in(model.provider, var)
            elif var not in env:
                missing.setdefault(var, []).append(model.source or model.name)
        if not missing:
            resolved[model.name] = resolve_refs(credentials, env)
    if missing:
        listing = ", ".join(
            f"{var} (used by {', '.join(sorted(set(files)))})"
            for var, files in sorted(missing.items())
        )
        raise ConfigError(
            f"unset environment variable(s): {listing}",
            hint="export them (in CI: map them from secrets), or use --sandbox",
        )
    return resolved


def resolve_one(reference: str, environ: Mapping[str, str], *, what: str) -> str:
    """Resolve a single ``${VAR}`` reference such as an OAuth client id."""
    names = find_refs(reference)
    unset = [n for n in names if n not in environ]
    if unset:
        raise ConfigError(
            f"unset environment variable(s) for {what}: {', '.join(unset)}",
            hint="export them (in CI: map them from secrets), or use --sandbox",
        )
    return str(resolve_refs(reference, environ))
