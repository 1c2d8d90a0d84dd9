"""What users wait for: the real ``reconcile`` CLI, as a subprocess, on repositories of any size.

Usage: python benchmarks/cli_bench.py [--runs 5] [--sizes 1000,5000]

Rows: ``reconcile --help``; ``reconcile validate`` of the shipped repository; ``validate`` and
a dry run (``--env dev --dry-run --sandbox``) of N in-sync models. Each row runs ``--runs``
times in a fresh process and prints min/median/max CPU time (user + system of the child: the
machine may be shared, so wall time is printed but not judged) and the peak memory. The
in-sync sandbox state is written directly (the models ACTIVE, bodies exactly as the
reconciler sends them), so the dry run must exit 0; any other exit code is a failure too.
Exits 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bigrepo import ENV, REPO, make_repo

from reconciler.engine.prepare import desired_models
from reconciler.manifests import load_environment
from reconciler.sandbox.bodies import parse_model_write
from reconciler.sandbox.embedded import STATE_DIR
from reconciler.sandbox.lifecycle import Record
from reconciler.sandbox.persistence import FORMAT_VERSION

RECONCILE = shutil.which("reconcile") or "reconcile"
TIME = "/usr/bin/time"  # GNU time: the child's own rusage


@dataclass(frozen=True)
class Target:
    label: str
    args: tuple[str, ...]
    cwd: Path
    cpu: float  # seconds, the median must be under this
    memory_mb: float = 100.0


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
        )
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"{target.label}: exit {done.returncode}\n{done.stderr[-2000:]}")
        user, system, peak_kb = report.read().split()[-3:]
    return Sample(float(user) + float(system), wall, int(peak_kb) / 1024)


def in_sync_sandbox(root: Path) -> None:
    """The embedded sandbox's state file with every model of ``root`` ACTIVE and in sync."""
    loaded = load_environment(root, ENV)
    created = time.time() - 3600
    records = []
    for seq, desired in enumerate(desired_models(loaded, {}, sandbox=True), start=1):
        write = parse_model_write(dict(desired.body), is_update=False)
        record = Record(
            id=str(uuid.uuid4()),
            fields=write.fields,
            version=1,
            created=created,
            modified=created,
            phase="PROVISIONING",
            settle_at=created,
            rejection=None,
            failure_context=str(uuid.uuid4()),
            seq=seq,
        )
        records.append(record.to_json())
    state = root / STATE_DIR / f"{ENV}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"formatVersion": FORMAT_VERSION, "models": records}))


def targets(work: Path, sizes: list[int]) -> list[Target]:
    out = [
        Target("reconcile --help", ("--help",), REPO, 0.15),
        Target("validate (shipped repo)", ("validate",), REPO, 0.4),
    ]
    budgets = {1000: (1.0, 1.5), 5000: (5.0, 6.0)}
    for n in sizes:
        root = make_repo(work / f"repo-{n}", n)
        in_sync_sandbox(root)
        validate, plan = budgets.get(n, (n / 1000, 1.5 * n / 1000))
        out.append(Target(f"validate {n:,} models", ("validate",), root, validate))
        dry_run = ("--env", ENV, "--dry-run", "--sandbox")
        out.append(Target(f"dry run {n:,} in sync", dry_run, root, plan))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,5000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    missed = 0
    print(f"{'row':28} {'cpu min/median/max s':>22} {'target':>8} {'wall med':>9} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="reconcile-bench-") as tmp:
        for target in targets(Path(tmp), sizes):
            run_once(target)  # warm the page cache and the bytecode
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
    print("all targets met" if not missed else f"{missed} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
