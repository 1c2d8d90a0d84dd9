"""``SandboxServer``: the emulator on a loopback port, served from a daemon thread.

Used three ways: by ``reconcile sandbox`` in the foreground, embedded by ``--sandbox`` runs of
the other commands, and by tests on port 0 with a ``ManualClock``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

from reconciler.sandbox.app import GatewayApp
from reconciler.sandbox.clock import Clock, SystemClock
from reconciler.sandbox.handler import SandboxHTTPServer
from reconciler.sandbox.settings import SandboxSettings


class SandboxServer:
    """The Gateway API emulator; ``start`` returns the base URL for login and api paths."""

    def __init__(
        self,
        settings: SandboxSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = clock or SystemClock()
        self.app = GatewayApp(self.settings, clock=self.clock)
        self._address = (host, port)
        self._log = log
        self._httpd: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not started")
        host, port = self._httpd.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}"

    def start(self) -> str:
        """Bind and serve in a daemon thread; the base URL, e.g. ``http://127.0.0.1:54321``."""
        if self._httpd is None:
            self._httpd = SandboxHTTPServer(self._address, app=self.app, log=self._log)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.5},
                name="reconcile-sandbox",
                daemon=True,
            )
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving at once: the poll loop is woken by a connection instead of timing out."""
        if self._httpd is not None:
            stopper = threading.Thread(target=self._httpd.shutdown, daemon=True)
            stopper.start()
            while stopper.is_alive():
                self._poke()
                stopper.join(timeout=0.05)
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _poke(self) -> None:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        wildcard = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}  # noqa: S104
        with contextlib.suppress(OSError):
            socket.create_connection((wildcard.get(text, text), port), timeout=0.5).close()

    def wait(self) -> None:
        """Block until stopped (the foreground ``reconcile sandbox``)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.5)

    @property
    def stats(self) -> dict[str, int]:
        """Counts by kind ("token", "list", ...), plus "rate_limited" and "errors_injected"."""
        return self.app.stats.snapshot()

    def provision_delays(self) -> dict[str, float]:
        """Model name -> the provisioning delay drawn for its latest create or update."""
        return self.app.store.provision_delays()

    def expire_tokens(self) -> None:
        self.app.tokens.expire_all()

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
