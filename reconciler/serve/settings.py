"""What ``reconcile serve`` was told, parsed once, plus the checks made before binding."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.structs.errors import ConfigError
from reconciler.structs.paths import records_root

LOGIN_FAILURES_PER_MINUTE = 20  # CONTRACT section 7, Operation

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ServeSettings:
    """The service's configuration; tests build it directly, the CLI from its options."""

    root: Path
    host: str = "127.0.0.1"
    port: int = 8080
    sandbox: bool = False
    push: bool = False
    remote: str = DEFAULT_REMOTE  # where --push pushes branches and records, holds leases
    sync_envs: tuple[str, ...] = ()  # --sync: environments whose agent runs in the service
    sync_interval: float = 30.0
    tokens: Path | None = None
    behind_proxy: bool = False
    requests_per_minute: int = 600
    login_failures_per_minute: int = LOGIN_FAILURES_PER_MINUTE  # per client address
    invoke_threads: int = 16  # invocations in flight at once (each holds a thread)
    max_body_bytes: int = MAX_BODY_BYTES
    provision_seconds: tuple[float, float] = (1.0, 3.0)
    lock_timeout: float = 300.0  # how long a direct apply waits for the environment's lock
    header_timeout: float = 10.0  # a request's headers must arrive within this
    body_timeout: float = 30.0  # and its body within this of the headers
    max_connections: int = 256  # open connections; past it a new one is answered 503
    trusted_user_header: str | None = None  # with behind_proxy: the header naming the person
    stop_grace: float = 20.0  # on SIGTERM, running jobs finish within this or are checkpointed
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)

    @property
    def records(self) -> Path:
        """Where the service's snapshots and audit logs lie: ``state/`` of the served
        checkout, or with ``--sandbox`` the emulator's (``structs.paths.records_root``)."""
        return records_root(self.root, sandbox=self.sandbox)

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def check(self) -> None:
        """Refuse an exposed service without authentication and a TLS-terminating proxy."""
        if not (self.root / "environments").is_dir():
            raise ConfigError(
                f"{self.root} has no environments/ folder",
                hint="pass --root with the config repository (see 'reconcile init')",
            )
        if not self.loopback and not (self.tokens and self.behind_proxy):
            raise ConfigError(
                f"refusing to serve on {self.host} (not loopback) without --tokens and "
                "--behind-proxy",
                hint="off loopback, tokens cross the network: put a TLS-terminating reverse "
                "proxy in front, then pass --tokens FILE --behind-proxy",
            )
        if self.trusted_user_header is not None and not self.behind_proxy:
            raise ConfigError(
                "--trusted-user-header needs --behind-proxy: without a proxy that sets it, "
                "any client could name anyone",
                hint="pass --behind-proxy, with a proxy that strips the header from requests "
                "and sets it to the person it authenticated",
            )
        if self.tokens is None and not self.sandbox:
            raise ConfigError(
                "no tokens: every route but /healthz, /metrics, /openapi.json and the page "
                "needs one",
                hint="pass --tokens FILE (lines 'NAME ROLE SHA256-HEX'), or --sandbox to use "
                "the built-in admin token 'sandbox-token'",
            )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
