"""What a configure request may say about secrets: which variables it may name, and that it
holds no secret's value anywhere.

An editor who may name any variable of the service's environment can make an admin's apply
send ``${GITHUB_TOKEN}`` to the Gateway as a provider key, and see its fingerprint in a plan.
So a ``${VAR}`` reference is accepted only for the variables ``policy.serveSecrets`` allows
(globs), by default the ones the environment's models already reference in their
credentials, and never the environment's own Genesys OAuth client (400
``secret-ref-not-allowed``). And a payload that holds the value of any secret the service
knows, in any field, key or description, in any form redaction knows (raw, JSON-, YAML-,
URL- or HTML-escaped), is refused before
anything is staged or committed (400 ``secret-literal``); the answer names where, never what.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase
from typing import Any

from reconciler.manifests import find_refs, list_environments
from reconciler.manifests.checking import check_environment
from reconciler.serve.errors import ApiError
from reconciler.serve.service import Service
from reconciler.structs.problems import ValidationFailed
from reconciler.structs.redaction import MIN_LENGTH, forms


def check_secrets(service: Service, env: str, document: dict[str, Any]) -> None:
    """Refuse ``document`` if it names a variable it may not, or holds a known secret."""
    _refuse_literals(service, document)
    _refuse_references(service, env, document)


def _refuse_references(service: Service, env: str, document: dict[str, Any]) -> None:
    genesys, in_use, policy = _references(service, env)

    def allowed(name: str) -> bool:
        if name in genesys:
            return False
        if policy is None:
            return name in in_use
        return any(fnmatchcase(name, glob) for glob in policy)

    refused = [name for name in find_refs(document) if not allowed(name)]
    if refused:
        raise ApiError(
            400,
            "secret-ref-not-allowed",
            f"this service may not use the variable(s) {', '.join(refused)} in '{env}': "
            "reference one that policy.serveSecrets allows (by default, the variables this "
            "environment's models already use)",
        )


def _refuse_literals(service: Service, document: dict[str, Any]) -> None:
    known = {form for secret in known_secrets(service) for form in forms(secret)}
    for path, text in _strings(document, "model"):
        if any(form in text for form in known) or service.tokens.holds(text):
            raise ApiError(
                400,
                "secret-literal",
                f"{path} holds the value of a secret this service knows; nothing was "
                "written. Put keys in credentials as ${VAR} references, and secrets nowhere else",
            )


def known_secrets(service: Service) -> set[str]:
    """Values of the variables any environment's manifests reference (model keys and the
    Genesys OAuth clients), as the service's environment has them."""
    environ = service.settings.environ
    names: set[str] = set()
    for env in list_environments(service.settings.root):
        genesys, in_use, _policy = _references(service, env)
        names |= genesys | in_use
    return {environ[n] for n in names if len(environ.get(n, "")) >= MIN_LENGTH}


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in ``value`` (mapping keys too), with where it sits; a key is looked at
    before any path that names it is, so no path holds a secret."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path} (a key)", str(key)
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _references(service: Service, env: str) -> tuple[set[str], set[str], Sequence[str] | None]:
    """The variables of ``env``'s Genesys client and its models' credentials, and its
    ``policy.serveSecrets``, from the served work tree; read from the documents as written
    when the environment does not load (its problems are the request's answer then)."""
    try:
        loaded = service.connections.environment(env)
    except ValidationFailed:
        checked = check_environment(service.settings.root, env)
        document = checked.environment
        genesys = find_refs(document.get(("spec", "credentials"))) if document else []
        policy = document.get(("spec", "policy", "serveSecrets")) if document else None
        in_use = [v for doc in checked.models for v in find_refs(doc.get(("spec", "credentials")))]
        return set(genesys), set(in_use), policy if isinstance(policy, list) else None
    config = loaded.config
    in_use = [v for m in loaded.models for v in find_refs(m.spec.get("credentials") or {})]
    genesys = find_refs([config.client_id_ref, config.client_secret_ref])
    return set(genesys), set(in_use), config.policy.serve_secrets
