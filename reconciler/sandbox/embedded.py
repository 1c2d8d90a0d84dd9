"""The sandbox embedded in a command run with ``--sandbox``: state kept in the config root."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reconciler.sandbox.server import SandboxServer
from reconciler.sandbox.settings import ClientSpec, SandboxSettings

DEFAULT_CLIENT_ID = "sandbox"
DEFAULT_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - a published default, like the CLI's
STATE_DIR = Path(".reconciler") / "sandbox"


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
    staging and prod each have their own Genesys Cloud organisation in real life.
    """
    settings = SandboxSettings(
        clients=(ClientSpec(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),),
        provision_seconds=provision_seconds,
        state_file=root / STATE_DIR / f"{organisation}.json",
        lost_reply_rate=lost_reply_rate,
    )
    with SandboxServer(settings) as server:
        yield server
