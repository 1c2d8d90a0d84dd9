"""Resolve the ``${VAR}`` references a command needs, all at once.

Every missing variable is named in one error (the environment's OAuth client and the models'
keys together), so a user fixes their CI secrets in one go. An empty variable counts as unset:
GitHub Actions turns a secret that does not exist into an empty string, and an empty key must
never be sent. In ``--sandbox`` mode the OAuth client is the sandbox's own, and an unset provider
key gets a deterministic stand-in in the format the sandbox accepts for that provider, so the
quick start runs on a fresh clone with no secrets; the stand-in never leaves this process except
as a fingerprint. Every value resolved here is handed to ``structs.redaction``, the point every
printer and writer goes through, so it is blanked wherever it might still turn up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from reconciler.manifests import find_refs, resolve_refs
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import LoadedEnvironment, ModelEndpoint
from reconciler.structs.redaction import remember

_STAND_IN_FORMATS = {
    "openai": "sk-sandbox-{digest}",
    "anthropic": "sk-ant-sandbox-{digest}",
    "azure": "{digest}",
    "bedrock": "ABSK{digest}",
}
_HINT = "export them (in CI: map them from secrets), or use --sandbox to try without them"


def sandbox_stand_in(provider: str, variable: str) -> str:
    """A fake key the sandbox accepts for ``provider``, stable for a variable name."""
    digest = hashlib.sha256(f"sandbox:{variable}".encode()).hexdigest()[:32]
    return _STAND_IN_FORMATS.get(provider, "sk-sandbox-{digest}").format(digest=digest)


def present(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables that are set to something."""
    return {k: v for k, v in environ.items() if v}


def require_references(
    loaded: LoadedEnvironment, environ: Mapping[str, str], *, sandbox: bool, models: bool = True
) -> None:
    """Raise one ConfigError naming every variable the command needs and cannot find."""
    if sandbox:
        return
    env = present(environ)
    users: dict[str, set[str]] = {}
    config = loaded.config
    for ref in (config.client_id_ref, config.client_secret_ref):
        _note_missing(find_refs(ref), env, users, where=config.source or "environment.yaml")
    for model in loaded.models if models else ():
        refs = find_refs(model.spec.get("credentials") or {})
        _note_missing(refs, env, users, where=model.source or model.name)
    if users:
        listing = ", ".join(
            f"{v} (used by {', '.join(sorted(f))})" for v, f in sorted(users.items())
        )
        raise ConfigError(f"unset or empty environment variable(s): {listing}", hint=_HINT)


def _note_missing(
    refs: Iterable[str], env: Mapping[str, str], users: dict[str, set[str]], *, where: str
) -> None:
    for var in refs:
        if var not in env:
            users.setdefault(var, set()).add(where)


def resolve_model_credentials(
    models: list[ModelEndpoint],
    environ: Mapping[str, str],
    *,
    sandbox: bool,
    unset: dict[str, list[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Resolved ``spec.credentials`` per model name (stand-ins for unset keys in sandbox mode).

    With ``unset`` (plans and drift checks, which never send a key), a variable that is not set
    resolves to "" and is noted there per model instead of failing, in sandbox mode too (a
    stand-in would differ from the key applied): those need only the OAuth client, so a
    pull-request job never has to hold provider keys."""
    resolved: dict[str, dict[str, Any]] = {}
    for model in models:
        credentials = dict(model.spec.get("credentials") or {})
        env = present(environ)
        for var in find_refs(credentials):
            if var not in env and unset is not None:  # never invent a key to compare
                unset.setdefault(model.name, []).append(var)
                env[var] = ""
            elif var not in env and sandbox:
                env[var] = sandbox_stand_in(model.provider, var)
        resolved[model.name] = _resolve(credentials, env)
    return resolved


def resolve_one(reference: str, environ: Mapping[str, str], *, what: str) -> str:
    """Resolve a single ``${VAR}`` reference such as an OAuth client id."""
    env = present(environ)
    unset = [n for n in find_refs(reference) if n not in env]
    if unset:
        raise ConfigError(
            f"unset or empty environment variable(s) for {what}: {', '.join(unset)}", hint=_HINT
        )
    return str(_resolve(reference, env))


def _resolve(value: Any, env: Mapping[str, str]) -> Any:
    for var in find_refs(value):
        if var in env:
            remember(env[var])
    return resolve_refs(value, env)
