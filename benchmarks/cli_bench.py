"""What users wait for: the real ``reconcile`` CLI, as a subprocess, on repositories of any size.

Usage: python benchmarks/cli_bench.py [--runs 5] [--sizes 1000,5000]

Rows: ``reconcile --help``; ``reconcile validate`` of the shipped repository; ``validate`` and
a dry run (``--env dev --dry-run``) of N in-sync models. Each row runs ``--runs`` times in a
fresh process and prints min/median/max CPU time (user + system of the child: the machine may
be shared, so wall time is printed but not judged) and the peak memory.

The dry run talks to a separate ``reconcile sandbox`` server process, the environment pointed
at it with ``apiBaseUrl``/``loginBaseUrl``, as users run against the remote Gateway: with
``--sandbox`` the emulator would run inside the measured process and its copy of every model
would count in the CLI's CPU and memory. The server's state file is written directly (the
models ACTIVE, bodies exactly as the reconciler sends them), so the dry run must exit 0; any
other exit code is a failure too. Exits 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bigrepo import ENV, REPO, make_repo
from machine import describe as describe_machine
from servers import process

import reconciler
from reconciler.engine.plan.prepare import desired_models
from reconciler.manifests import load_environment
from reconciler.sandbox.bodies import parse_model_write
from reconciler.sandbox.lifecycle import Record
from reconciler.sandbox.persistence import save_state

RECONCILE = shutil.which("reconcile") or "reconcile"
TIME = "/usr/bin/time"  # GNU time: the child's own rusage
# What the dev manifests reference; the client is the sandbox server's default one.
ENVIRON = {
    "GENESYS_DEV_CLIENT_ID": "sandbox",
    "GENESYS_DEV_CLIENT_SECRET": "sandbox-secret",
    **{
        f"DEV_{provider}_API_KEY": f"bench-{provider.lower()}-key"
        for provider in ("OPENAI", "ANTHROPIC", "AZURE_OPENAI", "BEDROCK")
    },
}


@dataclass(frozen=True)
class Target:
    label: str
    args: tuple[str, ...]
    cwd: Path
    cpu: float  # seconds, the median must be under this
    memory_mb: float = 100.0
    environ: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    cpu: float
    wall: float
    rss_mb: float


def run_once(target: Target) -> Sample:
    """One fresh process; its CPU time and peak memory as ``/usr/bin/time`` reports them (a
    child forked from this process would inherit this process's peak in its own)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.monotonic()
        done = subprocess.run(
            [TIME, "-f", "%U %S %M", "-o", report.name, RECONCILE, *target.args],
            cwd=target.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, **target.environ},
        )
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"{target.label}: exit {done.returncode}\n{done.stderr[-2000:]}")
        user, system, peak_kb = report.read().split()[-3:]
    return Sample(float(user) + float(system), wall, int(peak_kb) / 1024)


def in_sync_state(root: Path, state: Path) -> None:
    """A sandbox state file with every model of ``root`` ACTIVE and in sync."""
    loaded = load_environment(root, ENV)
    created = time.time() - 3600
    records = []
    for seq, desired in enumerate(desired_models(loaded, ENVIRON, sandbox=False), start=1):
        write = parse_model_write(dict(desired.body), is_update=False)
        record = Record.settled(
            id=str(uuid.uuid4()),
            fields=write.fields,
            seq=seq,
            at=created,
            failure_context=str(uuid.uuid4()),
        )
        records.append(record.to_json())
    save_state(state, records)


@contextmanager
def sandbox_server(state: Path) -> Iterator[str]:
    """A ``reconcile sandbox`` process serving ``state``; yields its base URL. The rate limit
    is lifted: the dry run's CPU is measured, not the platform's pacing."""
    with process("sandbox", "--port", "0", "--state", str(state), "--rate-limit", "100000") as url:
        yield url


def point_at(root: Path, url: str) -> None:
    """Point the environment at the sandbox server, as a user would (CONTRACT: region sandbox)."""
    env_file = root / "environments" / ENV / "environment.yaml"
    text = env_file.read_text(encoding="utf-8")
    text = text.replace(
        "  region: us-east-1\n",
        f"  region: sandbox\n  apiBaseUrl: {url}\n  loginBaseUrl: {url}\n",
        1,
    )
    env_file.write_text(text, encoding="utf-8")


def targets(work: Path, sizes: list[int], servers: ExitStack) -> list[Target]:
    out = [
        Target("reconcile --help", ("--help",), REPO, 0.15),
        Target("validate (shipped repo)", ("validate",), REPO, 0.4),
    ]
    budgets = {1000: (1.0, 1.5), 5000: (5.0, 6.0)}
    for n in sizes:
        root = make_repo(work / f"repo-{n}", n)
        state = work / f"sandbox-{n}.json"
        in_sync_state(root, state)
        point_at(root, servers.enter_context(sandbox_server(state)))
        validate, plan = budgets.get(n, (n / 1000, 1.5 * n / 1000))
        out.append(Target(f"validate {n:,} models", ("validate",), root, validate))
        dry_run = ("--env", ENV, "--dry-run")
        out.append(Target(f"dry run {n:,} in sync", dry_run, root, plan, environ=ENVIRON))
    return out


def compile_bytecode() -> None:
    """Compile the package's bytecode, as pip does when it installs a wheel.

    An editable install has none until a run writes it, and a run writes none when
    ``PYTHONDONTWRITEBYTECODE`` is set (as on some CI machines): every process would then
    parse the whole package again, 0.2-0.3 s that no installed user pays. This writes
    ``__pycache__`` into the source tree of an editable install, as a first run would.
    """
    compileall.compile_dir(Path(reconciler.__file__).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,5000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    missed = 0
    compile_bytecode()
    print(describe_machine())
    print(f"{'row':28} {'cpu min/median/max s':>22} {'target':>8} {'wall med':>9} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="reconcile-bench-") as tmp, ExitStack() as servers:
        for target in targets(Path(tmp), sizes, servers):
            run_once(target)  # warm the page cache
            samples = [run_once(target) for _ in range(args.runs)]
            cpu = sorted(s.cpu for s in samples)
            median = statistics.median(cpu)
            peak = max(s.rss_mb for s in samples)
            ok = median < target.cpu and peak < target.memory_mb
            missed += not ok
            wall = statistics.median(s.wall for s in samples)
            print(
                f"{target.label:28} {cpu[0]:6.2f} /{median:6.2f} /{cpu[-1]:6.2f}  "
                f"{'< ' + format(target.cpu, 'g'):>8} {wall:8.2f}s "
                f"{peak:7.0f}  {'ok' if ok else 'MISSED'}"
            )
    print(describe_machine(), "(after)")
    print("all targets met" if not missed else f"{missed} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
