"""``GET /readyz``: whether the service can do its work now, beside ``/healthz`` (alive).

Three things, each named in the answer: git is readable in the served root (every view reads
the manifests' commit, every edit writes a branch), the lock directory is writable (an apply
takes the environment's lock there), and each environment's Gateway, or the sandbox serving
it, accepts a TCP connection within two seconds. A connection is enough: authenticating on
every probe would spend the client's token budget, and /readyz needs no token. Problems name
the environment, never a host or a credential, because anyone may ask.
"""

from __future__ import annotations

import socket
import tempfile
from typing import Any
from urllib.parse import urlsplit

from reconciler.gitops.filelock import lock_path
from reconciler.gitops.repo import head_commit
from reconciler.manifests import list_environments
from reconciler.serve.connections import Connections
from reconciler.structs.errors import ReconcileError

CONNECT_TIMEOUT = 2.0


def readiness(connections: Connections) -> tuple[bool, dict[str, Any]]:
    """(ready, the answer's body)."""
    root = connections.settings.root
    envs = list_environments(root)
    checks: dict[str, Any] = {
        "git": "ok" if head_commit(root) else "cannot read HEAD in the served root",
        "lockDirectory": _writable(connections, envs),
        "gateway": {env: _reachable(connections, env) for env in envs},
    }
    ready = checks["git"] == "ok" and checks["lockDirectory"] == "ok"
    ready = ready and all(v == "ok" for v in checks["gateway"].values())
    return ready, {"status": "ready" if ready else "not-ready", "checks": checks}


def _writable(connections: Connections, envs: list[str]) -> str:
    if not envs:
        return "ok"
    folder = lock_path(connections.settings.root, envs[0]).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"the lock directory is not writable ({exc.strerror})"
    return "ok"


def _reachable(connections: Connections, env: str) -> str:
    try:
        config = connections.environment(env, max_age=5.0).config
        url = urlsplit(connections.client(config).settings.api_base_url)
    except ReconcileError:
        return "the environment's manifests are invalid: see /api/validate"
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=CONNECT_TIMEOUT):
            return "ok"
    except OSError as exc:
        return f"cannot connect to the Gateway ({exc.strerror or 'timed out'})"
