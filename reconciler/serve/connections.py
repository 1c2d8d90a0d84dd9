"""What the service keeps open between requests: loaded environments and Gateway clients.

Loading an environment parses and checks every manifest, and opening a client fetches an
OAuth token; doing either per invocation would cost more than the call it guards. So a loaded
environment is kept until any of its files changes (size or mtime; invocations, the hot path, look
at most once every ``INVOKE_RECHECK_SECONDS``, since a walk of a hundred manifests per call
would cost more than the guard itself), and one client per environment configuration is kept
while that configuration is in use: a changed ``environment.yaml`` gets a new one, and the
oldest of an environment's clients past ``CLIENTS_PER_ENV`` is closed (a service whose
environment file was edited weekly for a year kept fifty open, each with its connections and
token). With ``--sandbox`` the embedded emulator of every environment is started once and
shared by everything in the process, apply jobs included.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from reconciler.engine.apply.connect import open_client
from reconciler.gateway import GatewayClient
from reconciler.manifests import list_environments, load_environment
from reconciler.sandbox.embedded import embedded_sandbox
from reconciler.serve.settings import ServeSettings
from reconciler.structs.manifests import EnvironmentConfig, LoadedEnvironment

Fingerprint = tuple[tuple[str, int, int], ...]
LIVE_SECONDS = 2.0
STALE_SECONDS = 10.0
INVOKE_RECHECK_SECONDS = 0.5
# Two versions of one environment can be in use at once: the served checkout's, and with
# --push the remote's newer one that a proposal is planned against.
CLIENTS_PER_ENV = 2


class LiveIndex:
    """ACTIVE endpoints by name for a moment: invocations skip a list call per request.

    Only ACTIVE records are kept. A record is fresh for ``LIVE_SECONDS``; after that a
    background thread looks it up again while every caller keeps using it (up to
    ``STALE_SECONDS``), so a hundred concurrent calls never all list the organisation at once
    and no caller waits for a lookup it did not need. The Gateway refuses to invoke an
    endpoint that is not ACTIVE (409) or gone (404), and the caller ``forget``s it then, so a
    stale entry costs one refused call, never a wrong answer.
    """

    def __init__(self, client: GatewayClient, *, monotonic: Callable[[], float]) -> None:
        self._client, self._monotonic = client, monotonic
        self._records: dict[str, tuple[float, Mapping[str, Any]]] = {}
        self._refreshing = threading.Lock()

    def find(self, name: str) -> Mapping[str, Any] | None:
        kept = self._records.get(name)
        age = self._monotonic() - kept[0] if kept else None
        if kept is not None and age is not None and age < LIVE_SECONDS:
            return kept[1]
        if kept is not None and age is not None and age < STALE_SECONDS:
            if self._refreshing.acquire(blocking=False):
                threading.Thread(target=self._refresh, args=(name,), daemon=True).start()
            return kept[1]
        return self._lookup(name)

    def _refresh(self, name: str) -> None:
        try:
            self._lookup(name)
        except Exception:  # a failed refresh leaves the record to age out
            self.forget(name)
        finally:
            self._refreshing.release()

    def forget(self, name: str) -> None:
        self._records.pop(name, None)

    def _lookup(self, name: str) -> Mapping[str, Any] | None:
        record = self._client.find_model_by_name(name)
        if record is not None and record.get("status") == "ACTIVE":
            self._records[name] = (self._monotonic(), record)
        else:
            self.forget(name)
        return record


class Connections:
    """Environment and client caches for one served root; ``close`` releases everything."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self._stack = ExitStack()
        self._lock = threading.Lock()
        self._loaded: dict[str, tuple[Fingerprint, LoadedEnvironment]] = {}
        self._checked: dict[str, float] = {}
        # config -> its client and what closes it; the most recently used last
        self._clients: dict[EnvironmentConfig, tuple[GatewayClient, ExitStack]] = {}
        self._live: dict[EnvironmentConfig, LiveIndex] = {}

    def start(self) -> None:
        if self.settings.sandbox:
            for env in list_environments(self.settings.root):
                self._stack.enter_context(
                    embedded_sandbox(
                        self.settings.root,
                        organisation=env,
                        provision_seconds=self.settings.provision_seconds,
                    )
                )

    def close(self) -> None:
        with self._lock:
            for _client, stack in self._clients.values():
                stack.close()
            self._clients.clear()
            self._live.clear()
            self._stack.close()

    def environment(self, env: str, *, max_age: float = 0.0) -> LoadedEnvironment:
        """The validated environment as the served work tree has it, its files looked at no
        longer than ``max_age`` seconds ago."""
        cached = self._loaded.get(env)
        now = time.monotonic()
        if cached is not None and now - self._checked.get(env, -max_age) < max_age:
            return cached[1]
        self._checked[env] = now
        mark = _fingerprint(self.settings.root / "environments" / env)
        if cached is not None and cached[0] == mark:
            return cached[1]
        loaded = load_environment(self.settings.root, env)
        self._loaded[env] = (mark, loaded)
        return loaded

    def client(self, config: EnvironmentConfig) -> GatewayClient:
        """The long-lived client of ``config`` (opened on first use)."""
        with self._lock:
            return self._client(config)

    def _client(self, config: EnvironmentConfig) -> GatewayClient:
        kept = self._clients.pop(config, None)
        if kept is None:
            stack = ExitStack()
            sandbox_root = self.settings.root if self.settings.sandbox else None
            client = stack.enter_context(
                open_client(config, environ=self.settings.environ, sandbox_root=sandbox_root)
            )
            kept = (client, stack)
        self._clients[config] = kept  # (again) the most recently used
        self._retire(config.name)
        return kept[0]

    def _retire(self, env: str) -> None:
        """Close the least recently used clients of ``env`` past ``CLIENTS_PER_ENV``. A
        request still using one finishes its call (a pooled connection in use is closed when
        it is given back), and a later one on it would open a connection of its own."""
        mine = [config for config in self._clients if config.name == env]
        for config in mine[: max(0, len(mine) - CLIENTS_PER_ENV)]:
            _client, stack = self._clients.pop(config)
            self._live.pop(config, None)
            stack.close()

    def live(self, config: EnvironmentConfig) -> LiveIndex:
        """The ACTIVE-endpoint index of ``config``'s client."""
        with self._lock:
            client = self._client(config)
            return self._live.setdefault(config, LiveIndex(client, monotonic=time.monotonic))


def _fingerprint(folder: Path) -> Fingerprint:
    if not folder.is_dir():
        return ()
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            out.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(out)
