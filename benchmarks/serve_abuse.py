"""``reconcile serve`` under abuse: it stays up, answers its health check, and leaks nothing.

Usage: python benchmarks/serve_abuse.py [--half-open 1100] [--slow 100] [--flood 100]

A loopback ``reconcile serve --sandbox`` on a temporary copy of the shipped config repository,
in a process of its own limited to 1,024 file descriptors (the limit 1,100 half-open
connections used to exhaust), with every variable the manifests reference set to a canary
holding quotes, a backslash, non-ASCII and URL-special characters. Then, while a prober asks
``/healthz`` every 100 ms:

1. ``--half-open`` connections that send nothing (more than ``--max-connections``);
2. ``--slow`` slowloris clients (a header byte every 2 s) and half as many slow bodies (a body
   byte every 2 s after complete headers), plus every malformed body on every body route;
3. a failed-login flood of ``--flood`` bad tokens (canaries among them).

Bounded in count and time (about a minute). Exits 1 on any 5xx other than the
connection-limit 503, any ``/healthz`` answer slower than 1 s (or none), any canary byte in an
answer or in the service's stderr, or a service that is not up at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from reconciler.structs.redaction import forms

REPO = Path(__file__).resolve().parents[1]
FILE_LIMIT = 1024
HEADER_TIMEOUT, BODY_TIMEOUT = 10.0, 30.0
HEALTH_LIMIT_S = 1.0
SANDBOX_TOKEN = "sandbox-token"
CANARY = 'cv-"q\\b"-\u00fc\u20ac-&?=/%+#;<x>-'
SERVE = (sys.executable, "-m", "reconciler", "serve", "--sandbox", "--port", "0")
MALFORMED = [
    b'{"env": "dev", "model": {"name": "ab\\ud800c"}}',
    b'{"env": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"env": ' + b"[" * 65 + b"]" * 65 + b"}",
    b'{"env": "dev", "n": 9007199254740993}',
    b'{"env": "dev", "n": ' + b"9" * 5000 + b"}",
    b'{"env": "dev", "n": 1e400}',
    b'{"env": "dev", "n": NaN}',
    b'{"env": "dev", "n": -Infinity}',
    b'{"env": "d\xc3\x28v"}',
    b'{"env": "\xed\xa0\x80"}',
    b'{"env": "dev",',
]
BODY_ROUTES = ("/api/validate", "/api/configure-model", "/api/invoke-protected")


class Tally:
    """Every answer the attack saw, by kind and status, and every problem found."""

    def __init__(self, canaries: list[str]) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.problems: list[str] = []
        self.forms = {f for c in canaries for f in forms(c)}

    def saw(self, kind: str, raw: bytes) -> None:
        status = raw[9:12].decode("ascii", "replace") if raw.startswith(b"HTTP/1.") else "none"
        text = raw.decode("utf-8", "replace")
        with self.lock:
            self.statuses[f"{kind} {status}"] += 1
            if status.startswith("5") and not _is_busy(raw):
                self.problems.append(f"{kind}: {status} {text[:200]!r}")
            if any(f in text for f in self.forms):
                self.problems.append(f"{kind}: a canary in the answer ({status})")


def _is_busy(raw: bytes) -> bool:
    """The connection-limit 503 of ``serve.protocol``: no body, connection closed."""
    head = raw.split(b"\r\n\r\n", 1)[0].lower()
    return raw.startswith(b"HTTP/1.1 503 ") and b"content-length: 0" in head


def build_repo(root: Path) -> dict[str, str]:
    """A git copy of the shipped environments; every referenced variable set to a canary."""
    shutil.copytree(REPO / "environments", root / "environments")
    names = sorted(
        {v for p in root.rglob("*.yaml") for v in re.findall(r"\$\{(\w+)\}", p.read_text())}
    )
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "config"]):
        subprocess.run(
            ["git", "-c", "user.name=bench", "-c", "user.email=b@example.invalid", *command],
            cwd=root,
            check=True,
        )
    return {name: f"{CANARY}{name.lower()}" for name in names}


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, FILE_LIMIT))


@contextmanager
def service(root: Path, environ: dict[str, str], stderr: Path) -> Iterator[tuple[str, int]]:
    """``reconcile serve --sandbox`` in a process limited to ``FILE_LIMIT`` descriptors."""
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reconciler",
                "serve",
                "--sandbox",
                "--port",
                "0",
                "--root",
                str(root),
            ],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, **environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_limit_files,  # noqa: PLW1509 - no threads yet in this process
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            if not url.startswith("http"):
                raise SystemExit("reconcile serve did not start: " + stderr.read_text()[-500:])
            host, port = url.removeprefix("http://").rsplit(":", 1)
            yield host, int(port)
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def connect(address: tuple[str, int], timeout: float = 60.0) -> socket.socket:
    sock = socket.create_connection(address, timeout=timeout)
    return sock


def read_all(sock: socket.socket) -> bytes:
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return data


def request(address: tuple[str, int], raw: bytes) -> bytes:
    with connect(address, timeout=30) as sock:
        sock.sendall(raw)
        return read_all(sock)


def http(
    method: str, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: bench", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


class Prober(threading.Thread):
    """Asks ``/healthz`` every 100 ms; keeps the slowest answer and any failure. The
    connection-limit 503 is an answer (the contract's, when a flood fills every slot before
    the probe's connection could wait for one); no answer or any other status is a failure."""

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(daemon=True)
        self.address, self.stop = address, threading.Event()
        self.times: list[float] = []
        self.failures: list[str] = []
        self.busy = 0
        self.slow: list[str] = []  # when the slow answers came, for the report
        self.began = time.monotonic()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                raw = request(self.address, http("GET", "/healthz"))
            except OSError as exc:
                raw = f"error {exc}".encode()
            took = time.monotonic() - started
            self.times.append(took)
            if took > HEALTH_LIMIT_S / 2:
                self.slow.append(f"{took:.2f} s at {started - self.began:.1f} s")
            if _is_busy(raw):
                self.busy += 1
            elif not raw.startswith(b"HTTP/1.1 200 "):
                self.failures.append(raw[:60].decode("utf-8", "replace"))
            self.stop.wait(0.1)


def wait_until_warm(address: tuple[str, int], timeout: float = 120.0) -> None:
    """The attack starts once the service is as it runs: the guard compiles its one-pass
    matcher in the first seconds (a core's worth of work that slows every answer until
    then), reported by ``/metrics``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if b"reconcile_serve_guard_one_pass_ready 1.0" in request(address, http("GET", "/metrics")):
            print(f"service warm {time.monotonic() - started:.1f} s after start")
            return
        time.sleep(0.2)
    raise SystemExit("the service did not get warm")


def half_open(address: tuple[str, int], count: int, tally: Tally) -> None:
    """``count`` connections that send nothing, held until the service closes them."""
    started = time.monotonic()
    with ExitStack() as stack:
        socks = []
        for _ in range(count):
            try:
                socks.append(stack.enter_context(connect(address, timeout=HEADER_TIMEOUT + 5)))
            except OSError as exc:
                tally.saw("half-open", f"connect failed: {exc}".encode())
        print(f"  {len(socks)} half-open connections open in {time.monotonic() - started:.1f} s")
        threads = [
            threading.Thread(target=lambda s=s: tally.saw("half-open", read_all(s))) for s in socks
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"  all closed by the service after {time.monotonic() - started:.1f} s")


def slowloris(address: tuple[str, int], tally: Tally) -> None:
    with connect(address) as sock:
        try:
            for byte in http("GET", "/api/environments"):
                sock.sendall(bytes([byte]))
                time.sleep(2.0)
        except OSError:
            pass
        tally.saw("slowloris", read_all(sock))


def slow_body(address: tuple[str, int], tally: Tally) -> None:
    head = http("POST", "/api/validate", headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
    head = head.replace(b"Content-Length: 0", b"Content-Length: 1000")
    with connect(address) as sock:
        sock.sendall(head)
        try:
            for _ in range(1000):
                sock.sendall(b" ")
                time.sleep(2.0)
        except OSError:
            pass
        tally.saw("slow body", read_all(sock))


def malformed(address: tuple[str, int], tally: Tally, environ: dict[str, str]) -> None:
    auth = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    for route in BODY_ROUTES:
        for body in MALFORMED:
            tally.saw("malformed", request(address, http("POST", route, headers=auth, body=body)))
    leaky = {"env": "dev", "model": {"name": "leaky", "description": next(iter(environ.values()))}}
    body = json.dumps(leaky).encode()
    raw = request(address, http("POST", "/api/configure-model", headers=auth, body=body))
    tally.saw("secret-literal", raw)


def login_flood(address: tuple[str, int], count: int, tally: Tally, canaries: list[str]) -> None:
    for index in range(count):
        token = canaries[index % len(canaries)].encode("ascii", "replace").decode()
        headers = {"Authorization": f"Bearer {token}", "X-Request-Id": token}
        tally.saw("bad login", request(address, http("GET", "/api/environments", headers=headers)))
    right = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    tally.saw("right token", request(address, http("GET", "/api/environments", headers=right)))


def run_threads(*targets: tuple[object, tuple[object, ...]]) -> None:
    threads = [threading.Thread(target=t, args=a) for t, a in targets]  # type: ignore[arg-type]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half-open", type=int, default=1100)
    parser.add_argument("--slow", type=int, default=100)
    parser.add_argument("--flood", type=int, default=100)
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # this side holds every connection
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="serve-abuse-") as temp:
        root, stderr = Path(temp) / "config", Path(temp) / "serve.stderr"
        environ = build_repo(root)
        canaries = list(environ.values())
        tally = Tally(canaries)
        with service(root, environ, stderr) as address:
            wait_until_warm(address)
            prober = Prober(address)
            prober.start()
            print(f"1. {args.half_open} half-open connections (file limit {FILE_LIMIT})")
            half_open(address, args.half_open, tally)
            print(
                f"2. {args.slow} slowloris clients, {args.slow // 2} slow bodies, malformed bodies"
            )
            phase = time.monotonic()
            run_threads(
                *[(slowloris, (address, tally)) for _ in range(args.slow)],
                *[(slow_body, (address, tally)) for _ in range(args.slow // 2)],
                (malformed, (address, tally, environ)),
            )
            print(f"  done in {time.monotonic() - phase:.1f} s")
            print(f"3. a failed-login flood of {args.flood}")
            login_flood(address, args.flood, tally, canaries)
            prober.stop.set()
            prober.join()
            up = request(address, http("GET", "/healthz")).startswith(b"HTTP/1.1 200 ")
        log = stderr.read_bytes().decode("utf-8", "replace")
    return report(tally, prober, log, up=up, seconds=time.monotonic() - started)


def report(tally: Tally, prober: Prober, log: str, *, up: bool, seconds: float) -> int:
    for key, count in sorted(tally.statuses.items()):
        print(f"  {key:<24} {count:>6}")
    slowest = max(prober.times, default=float("inf"))
    print(
        f"/healthz: {len(prober.times)} probes, slowest {slowest * 1000:.0f} ms, "
        f"{prober.busy} connection-limit 503, {len(prober.failures)} failed"
    )
    if prober.slow:
        print(f"  answers over {HEALTH_LIMIT_S / 2:.1f} s: {', '.join(prober.slow[:10])}")
    lines = log.count("\n")
    leaks = [f for f in tally.forms if f in log]
    print(f"service stderr: {len(log.encode())} bytes, {lines} lines; canaries in it: {len(leaks)}")
    problems = list(tally.problems)
    if slowest > HEALTH_LIMIT_S or prober.failures:
        problems.append(f"/healthz slowest {slowest:.2f} s, failures {prober.failures[:3]}")
    if leaks:
        problems.append(f"{len(leaks)} canary form(s) in the service's stderr")
    if not up:
        problems.append("the service was not up at the end")
    print(f"finished in {seconds:.0f} s")
    for problem in problems[:20]:
        print("PROBLEM", problem)
    print("all checks passed" if not problems else f"{len(problems)} PROBLEMS")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
