"""Running the service: bind, say where, serve with uvicorn until stopped.

The socket is bound here, before uvicorn starts, so ``--port 0`` works and the first line of
stdout can be the real base URL (scripts and tests read it, as with ``reconcile sandbox``).
``Running`` serves from a thread for tests and the benchmark; ``serve`` in the foreground.
Each connection is uvicorn's httptools protocol with deadlines and a ceiling
(``serve.protocol``), and the process's file limit is checked to hold that ceiling first.
"""

from __future__ import annotations

import asyncio
import resource
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import IO

import anyio.to_thread
import uvicorn

from reconciler.serve.app import build_app
from reconciler.serve.logs import AccessLog, throttle_noisy_loggers
from reconciler.serve.protocol import ConnectionLimits, guarded_protocol
from reconciler.serve.service import Service
from reconciler.structs.errors import ConfigError

WORKER_THREADS = 128  # the engine is synchronous: one worker thread per request in flight
# Python hands the GIL between threads every 5 ms by default; a request that needs a fraction
# of a millisecond of work could wait several of those slices behind others' longer work.
SWITCH_SECONDS = 0.0005
GRACE_SECONDS = 10  # on Ctrl-C or SIGTERM, requests in flight get this long to finish
KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this
# Descriptors the process needs besides its connections: git, the sandbox, the Gateway
# clients, the worker threads' files, the access log.
SPARE_FILES = 256


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: uvicorn writes a response's head and body separately,
    # and with Nagle on, the body waits for the client's delayed ACK (40 ms per keep-alive call).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            hint="pick another --port (0 picks a free one)",
        ) from exc
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Running:
    """A service served from a background thread; ``url`` once started."""

    def __init__(self, service: Service, *, log_stream: IO[str] | None = None) -> None:
        self.service = service
        settings = service.settings
        check_file_limit(settings.max_connections)
        self.sock = bind(settings.host, settings.port)
        self.url = base_url(self.sock)
        self.access_log = AccessLog(log_stream)
        limits = ConnectionLimits(
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            max_connections=settings.max_connections,
        )
        refused = service.metrics.refused_connections
        config = uvicorn.Config(
            build_app(service, self.access_log),
            http=guarded_protocol(limits, on_refused=lambda why: refused.labels(reason=why).inc()),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            timeout_graceful_shutdown=GRACE_SECONDS,
        )
        throttle_noisy_loggers()
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    def run(self) -> None:
        """Serve in this thread until ``stop`` (or a signal, in the main thread)."""
        self.service.start()
        self.access_log.start()
        try:
            asyncio.run(self._serve())
        finally:
            self.service.close()
            self.sock.close()
            self.access_log.stop()

    async def _serve(self) -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        sys.setswitchinterval(SWITCH_SECONDS)
        await self.server.serve(sockets=[self.sock])

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Running:
        self._thread = threading.Thread(target=self.run, name="reconcile-serve", daemon=True)
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            self._thread.join(timeout=0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def check_file_limit(max_connections: int) -> None:
    """Raise the soft file limit as far as needed (and allowed) for ``max_connections``
    connections and the process's other files; refuse to start when even the hard limit is
    too low, rather than run out of descriptors under load."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max_connections + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            raise ConfigError(
                f"--max-connections {max_connections} needs about {need} file descriptors; "
                f"this process may open {hard}",
                hint=f"lower --max-connections to {max(1, hard - SPARE_FILES)} or less, or "
                "raise the limit (ulimit -n, LimitNOFILE= in a systemd unit)",
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def serve(service: Service, *, announce: Callable[[str], None]) -> None:
    """Serve in the foreground; ``announce`` gets the base URL first.

    uvicorn catches SIGTERM to stop taking requests, then raises it again with the handler
    it found; with Python's default handler the process would die right there, before
    ``Service.close`` lets jobs finish or checkpoint and agents finish their round. The
    handler it finds here asks the server to stop (a SIGTERM during start-up, before
    uvicorn's own handler, stops it before it serves), so SIGTERM ends in a clean exit 0."""
    running = Running(service)
    announce(running.url)

    def stop_requested(_signum: int, _frame: FrameType | None) -> None:
        running.server.should_exit = True

    previous = signal.signal(signal.SIGTERM, stop_requested)
    try:
        running.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
