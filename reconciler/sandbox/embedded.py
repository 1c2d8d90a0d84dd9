"""The sandbox embedded in a command run with ``--sandbox``: state kept in the config root.

One process may hold several users of the same state file at once (``reconcile serve`` keeps
a server per environment for its whole life while its views, invocations and apply jobs each
open the sandbox again). Two servers on one state file would overwrite each other's models,
so while a server for a state file runs, every other user in the process shares it; the last
one out stops it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reconciler.sandbox.server import SandboxServer
from reconciler.sandbox.settings import ClientSpec, SandboxSettings
from reconciler.structs.paths import SANDBOX_DIR, private_path

DEFAULT_CLIENT_ID = "sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - a published default, like the CLI's
STATE_DIR = Path(".reconciler") / "sandbox"

_lock = threading.Lock()
_running: dict[Path, tuple[SandboxServer, int]] = {}


@contextmanager
def embedded_sandbox(
    root: Path,
    *,
    organisation: str = "default",
    provision_seconds: tuple[float, float] = (1.0, 3.0),
    lost_reply_rate: float = 0.0,
) -> Iterator[SandboxServer]:
    """A started server on a free loopback port, its models in ``root/.reconciler/sandbox/``.

    Each ``organisation`` (the CLI passes the environment name) has its own state file, as dev,
    staging and prod each have their own Genesys Cloud organisation in real life. A server
    already running for that file in this process is shared (with its own delays and faults).
    """
    state_file = private_path(root, SANDBOX_DIR, f"{organisation}.json").resolve()
    server = _acquire(state_file, provision_seconds, lost_reply_rate)
    try:
        yield server
    finally:
        _release(state_file)


def _acquire(
    state_file: Path, provision_seconds: tuple[float, float], lost_reply_rate: float
) -> SandboxServer:
    with _lock:
        if state_file in _running:
            server, users = _running[state_file]
            _running[state_file] = (server, users + 1)
            return server
        settings = SandboxSettings(
            clients=(ClientSpec(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),),
            provision_seconds=provision_seconds,
            state_file=state_file,
            lost_reply_rate=lost_reply_rate,
        )
        server = SandboxServer(settings)
        server.start()
        _running[state_file] = (server, 1)
        return server


def _release(state_file: Path) -> None:
    with _lock:
        server, users = _running[state_file]
        if users > 1:
            _running[state_file] = (server, users - 1)
            return
        del _running[state_file]
    server.stop()
