"""``reconcile serve`` run the way an operator runs it for months, compressed into minutes.

Usage: python benchmarks/serve_soak.py [--minutes 20] [--requests N] [--concurrency 4]
       [--models 50] [--apply-every 250] [--edit-every 0] [--branches 0]
       [--provision-seconds 0:0]

As ``serve_bench.py``: two ``reconcile sandbox`` processes (the Gateway of ``dev`` and of
``try``, their provisioning delay from ``--provision-seconds``), a config repository built with
``bigrepo`` (``dev`` with ``--models`` models, ``try`` with the four shipped ones and
``policy.serveApply: true``), and ``reconcile serve`` with a token file, each a process of its
own on loopback. ``--branches N`` first gives the repository N proposal branches made as the
service makes them (a commit of one manifest each, a loose ref each), so a run starts where a
team is after months of proposals.

The load is a fixed mix, sent by ``--concurrency`` clients back to back for ``--minutes`` (or
``--requests``): configure-model proposals in ``dev`` (a branch and a commit each),
invocations in ``try``, the job list and single jobs, the overview of ``dev``'s models, the
environment list, the page, ``/metrics``, the audit history and the cost history of ``try``,
validations, malformed or unauthorised requests (and unknown paths), every
``--apply-every`` requests a direct apply in ``try`` (a job, records committed), and with
``--edit-every N`` a new ``requestsPerMinute`` in ``dev``'s environment.yaml every N requests
(in the work tree, as a budget or policy edit reaches a served checkout).

Every ``--sample-seconds`` it samples the service process (resident memory, open file
descriptors, threads), the repository (refs, loose refs, loose objects, size of ``.git``),
the job records the service keeps, its temporary folders, lock files, the audit log, the
bytes the service wrote to stderr (its log) and the series ``/metrics`` exposes.

Targets, over windows of the run's time: the first tenth is warm-up; the second tenth is the
baseline; the last tenth is the end. Memory (median) grows under 10% from baseline to end;
descriptors and threads (medians) stay flat (at most 4 and 2 more); each route's p95 at the
end is within 1.5 x its baseline p95 (or 10 ms more: a few ms on a shared 2-core machine is
scheduling, not growth); and no answer is a 5xx. Exits 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import describe
from serve_bench import TOKEN, VIEWER, apply, build_repo, git, new_model, percentile
from servers import process, started

HEADERS = {"Authorization": f"Bearer {TOKEN}"}
MEMORY_GROWTH = 0.10
FDS_SLACK, THREADS_SLACK = 4, 2
P95_RATIO, P95_FLOOR_MS = 1.5, 10.0
COST_HISTORY = "/api/environments/try/cost/history"
MIN_SAMPLES = 20  # answers a route needs in both windows to be compared
Send = Callable[[requests.Session, str], requests.Response]


@dataclass
class Sample:
    """What the service holds at one moment."""

    t: float
    rss_mib: float
    fds: int
    threads: int
    refs: int
    loose_refs: int
    loose_objects: int
    git_mib: float
    job_files: int
    temp_dirs: int
    lock_files: int
    audit_kib: float
    log_kib: float
    series: int
    answered: int


@dataclass(frozen=True)
class Served:
    url: str
    pid: int
    root: Path
    temp: Path  # the service's TMPDIR
    log: Path  # its stderr


def _status(pid: int) -> tuple[float, int]:
    fields_ = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields_[key] = value.split()
    return int(fields_["VmRSS"][0]) / 1024, int(fields_["Threads"][0])


def _files_under(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def _bytes_under(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def sample(served: Served, started_at: float, answered: int) -> Sample:
    rss, threads = _status(served.pid)
    dot_git = served.root / ".git"
    objects = dict(
        line.split(": ") for line in git(served.root, "count-objects", "-v").splitlines()
    )
    metrics = requests.get(f"{served.url}/metrics", headers=HEADERS, timeout=60).text
    audit = served.root / "state" / "try" / "audit.jsonl"
    return Sample(
        t=time.monotonic() - started_at,
        rss_mib=rss,
        fds=len(os.listdir(f"/proc/{served.pid}/fd")),
        threads=threads,
        refs=len(git(served.root, "for-each-ref", "--format=x").split()),
        loose_refs=_files_under(dot_git / "refs"),
        loose_objects=int(objects["count"]),
        git_mib=_bytes_under(dot_git) / 2**20,
        job_files=len(list((served.root / ".reconciler" / "jobs").glob("*.json"))),
        temp_dirs=len(os.listdir(served.temp)),
        lock_files=_files_under(dot_git / "reconcile"),
        audit_kib=audit.stat().st_size / 1024 if audit.exists() else 0.0,
        log_kib=served.log.stat().st_size / 1024,
        series=sum(1 for line in metrics.splitlines() if line and not line.startswith("#")),
        answered=answered,
    )


def _get(path: str, headers: dict[str, str] | None = None) -> Send:
    given = HEADERS if headers is None else headers
    return lambda s, u: s.get(u + path, headers=given, timeout=120)


def _post(path: str, headers: dict[str, str] | None = None, **body: Any) -> Send:
    given = HEADERS if headers is None else headers
    return lambda s, u: s.post(u + path, headers=given, timeout=120, **body)


def malformed() -> list[Send]:
    """Requests a hostile or broken client sends: each must be a 4xx, never a 5xx."""
    plain = {**HEADERS, "Content-Type": "text/plain"}
    as_json = {**HEADERS, "Content-Type": "application/json"}
    viewer = {"Authorization": f"Bearer {VIEWER}"}
    key = "sk-proj-" + "a1b2c3d4" * 6
    literal = new_model("soak-literal", credentials={"apiKey": key})
    return [
        _post("/api/configure-model", as_json, data='{"env": "dev",'),
        _get("/api/environments", {}),
        _get("/api/environments", {"Authorization": "Bearer wrong"}),
        _post("/api/invoke-protected", plain, data="env=try"),
        _post("/api/configure-model", viewer, json={"env": "dev", "model": new_model("soak-v")}),
        _post("/api/configure-model", json={"env": "dev", "model": literal}),
        _post("/api/configure-model", json={"env": "dev", "model": {"name": "x", "provider": 3}}),
        _post("/api/validate", as_json, data=b"\xff\xfe"),
        _post("/api/invoke-protected", as_json, data=b"[" * 200_000),
        lambda s, u: s.get(f"{u}/api/{os.urandom(6).hex()}/{os.urandom(4).hex()}", timeout=60),
        lambda s, u: s.get(f"{u}/api/jobs/{os.urandom(16).hex()}", headers=HEADERS, timeout=60),
        _get(f"/api/environments/{os.urandom(3).hex()}/models"),
    ]


class Edited:
    """What an edit of a file answers in the table of answers: it is not a request."""

    status_code = 200


class Mix:
    """The request of each slot: a cycle of 50 kinds, an apply every ``apply_every``, an
    edit of ``dev``'s environment.yaml every ``edit_every`` (a budget or policy changed, as
    teams do every week or so: the service sees a new configuration of the environment)."""

    def __init__(self, apply_every: int, *, edit_every: int = 0, root: Path | None = None) -> None:
        self.apply_every = apply_every
        self.edit_every, self.root = edit_every, root
        self.edits = itertools.count(1)
        self.bad = malformed()
        self.proposals = itertools.count()
        self.jobs: list[str] = []
        self._lock = threading.Lock()
        invoke = {"env": "try", "model": "support-classifier", "input": "Where is my order?"}
        valid = {"env": "try", "model": new_model("soak-valid")}
        cycle: list[tuple[str, Send | None]] = [
            *[("POST /api/invoke-protected", _post("/api/invoke-protected", json=invoke))] * 16,
            *[("GET /api/jobs", _get("/api/jobs"))] * 5,
            ("GET /api/jobs/{id}", None),
            *[("GET /api/environments/{env}/models", _get("/api/environments/dev/models"))] * 4,
            *[("GET /api/environments", _get("/api/environments"))] * 2,
            *[("GET /", _get("/", {}))] * 2,
            *[("GET /metrics", _get("/metrics"))] * 2,
            *[("GET /api/environments/{env}/history", _get("/api/environments/try/history"))] * 2,
            ("GET /api/environments/{env}/cost/history", _get(COST_HISTORY)),
            *[("POST /api/configure-model", None)] * 5,
            *[("POST /api/validate", _post("/api/validate", json=valid))] * 2,
            *[("malformed", None)] * 8,
        ]
        assert len(cycle) == 50
        self.cycle = cycle

    def at(self, i: int) -> tuple[str, Send]:
        if self.apply_every and i % self.apply_every == self.apply_every - 1:
            return "apply", self._apply
        if self.edit_every and i % self.edit_every == self.edit_every - 1:
            return "edit", self._edit
        label, send = self.cycle[i % len(self.cycle)]
        if label == "malformed":
            return label, self.bad[(i // len(self.cycle)) % len(self.bad)]
        if label == "POST /api/configure-model":
            return label, self._propose
        if label == "GET /api/jobs/{id}":
            with self._lock:
                known = self.jobs[-1] if self.jobs else "0" * 32
            return label, _get(f"/api/jobs/{known}")
        assert send is not None
        return label, send

    def _propose(self, session: requests.Session, url: str) -> requests.Response:
        name = f"soak-{next(self.proposals):06d}"
        body = {"env": "dev", "model": new_model(name)}
        return session.post(f"{url}/api/configure-model", json=body, headers=HEADERS, timeout=120)

    def _edit(self, _session: requests.Session, _url: str) -> Any:
        """A new ``requestsPerMinute`` in ``dev``'s environment.yaml, in the work tree."""
        assert self.root is not None
        path = self.root / "environments" / "dev" / "environment.yaml"
        text = re.sub(
            r"requestsPerMinute: \d+",
            f"requestsPerMinute: {100000 + next(self.edits)}",
            path.read_text(),
        )
        path.write_text(text)
        return Edited()

    def _apply(self, session: requests.Session, url: str) -> requests.Response:
        """A direct apply in ``try``: the model as the form edits it, a new temperature."""
        seen = session.get(
            f"{url}/api/environments/try/models/support-classifier", headers=HEADERS, timeout=120
        ).json()
        manifest = seen["manifest"]
        config = manifest["spec"]["configuration"]
        config["temperature"] = round(0.05 + (config.get("temperature", 0) + 0.05) % 0.9, 2)
        body = {"env": "try", "model": manifest, "apply": True, "baseCommit": seen["commit"]}
        answer = session.post(f"{url}/api/configure-model", json=body, headers=HEADERS, timeout=120)
        if answer.status_code == 202:
            with self._lock:
                self.jobs.append(answer.json()["job"]["id"])
        return answer


@dataclass
class Answers:
    """(seconds since start, route, status, ms) of every answer, in arrival order."""

    rows: list[tuple[float, str, int, float]]
    lock: threading.Lock

    def add(self, row: tuple[float, str, int, float]) -> None:
        with self.lock:
            self.rows.append(row)


def drive(
    url: str,
    mix: Mix,
    answers: Answers,
    *,
    until: float,
    total: int,
    workers: int,
    stop: threading.Event,
) -> None:
    """``workers`` clients sending the mix back to back until the time or count is reached
    (or ``stop`` is set)."""
    slots = itertools.count()
    began = time.monotonic()

    def client() -> None:
        session = requests.Session()
        while time.monotonic() < until and not stop.is_set():
            i = next(slots)
            if total and i >= total:
                return
            label, send = mix.at(i)
            t0 = time.perf_counter()
            try:
                status = send(session, url).status_code
            except requests.RequestException:
                status = 599  # no answer at all: counted with the 5xx
            ms = (time.perf_counter() - t0) * 1000
            answers.add((time.monotonic() - began, label, status, ms))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def seed_branches(root: Path, count: int) -> None:
    """``count`` proposal branches as the service leaves them: one commit of one new manifest
    on the served branch's tip each, under ``refs/heads/reconcile/dev/``, loose refs."""
    if not count:
        return
    started_at = time.monotonic()
    tip = git(root, "rev-parse", "HEAD").strip()
    template = next((root / "environments" / "dev" / "models").glob("*.yaml")).read_text()
    stream = ["feature done"]
    for i in range(count):
        name = f"seeded-{i:05d}"
        text = template.replace("name: ", f"name: {name}\n# was: ", 1)
        data = text.encode()
        stream += [
            f"commit refs/heads/reconcile/dev/{name}-{hashlib.sha1(data).hexdigest()[:8]}",
            "committer bench <b@example.invalid> 1765000000 +0000",
            "data 9",
            "proposal",
            f"from {tip}",
            f"M 100644 inline environments/dev/models/{name}.yaml",
            f"data {len(data)}",
            text,
        ]
    stream.append("done")
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet", "--done"],
        input="\n".join(stream) + "\n",
        text=True,
        check=True,
    )
    # fast-import writes one pack; the service writes loose objects, one request at a time.
    # unpack-objects skips objects the repository has, so the pack leaves the folder first.
    packs = list((root / ".git" / "objects" / "pack").glob("pack-*.pack"))
    newest = max(packs, key=lambda p: p.stat().st_mtime)
    data = newest.read_bytes()
    for suffix in (".pack", ".idx", ".rev"):
        newest.with_suffix(suffix).unlink(missing_ok=True)
    subprocess.run(["git", "-C", str(root), "unpack-objects", "-q"], input=data, check=True)
    git(root, "fsck", "--connectivity-only", "--no-dangling")
    took = time.monotonic() - started_at
    print(f"seeded {count} proposal branches (loose refs and objects) in {took:.0f} s")


def build(temp: Path, args: argparse.Namespace, urls: dict[str, str]) -> dict[str, str]:
    root = temp / "config"
    environ = build_repo(root, args.models, urls)
    policy = root / "environments" / "try" / "environment.yaml"
    policy.write_text(policy.read_text().replace("serveApply: false", "serveApply: true"))
    git(root, "commit", "-qam", "try: direct applies allowed")
    apply(root, "dev", environ)
    apply(root, "try", environ)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "state")
    seed_branches(root, args.branches)
    return environ


def window(rows: list[Any], key: Callable[[Any], float], start: float, end: float) -> list[Any]:
    return [r for r in rows if start <= key(r) < end]


def report_samples(samples: list[Sample]) -> None:
    names = [f.name for f in fields(Sample)]
    print("samples (one line a tenth of the run):")
    print("  " + " ".join(f"{n:>13}" for n in names))
    shown = samples[:: max(1, len(samples) // 10)] + samples[-1:]
    for s in shown:
        values = [getattr(s, n) for n in names]
        print("  " + " ".join(f"{v:13.1f}" if isinstance(v, float) else f"{v:13d}" for v in values))


def check_resources(samples: list[Sample], span: float) -> bool:
    base = window(samples, lambda s: s.t, span * 0.1, span * 0.2)
    end = window(samples, lambda s: s.t, span * 0.9, span * 1.01)
    if not base or not end:
        print("too few samples to compare: run longer or sample more often")
        return False
    ok = True
    rss0, rss1 = (statistics.median(s.rss_mib for s in w) for w in (base, end))
    growth = rss1 / rss0 - 1
    good = growth < MEMORY_GROWTH
    ok &= good
    print(
        f"memory (median RSS): {rss0:.1f} MiB after warm-up -> {rss1:.1f} MiB at the end "
        f"({growth:+.1%}; target < {MEMORY_GROWTH:.0%}) -> {'ok' if good else 'MISSED'}"
    )
    for name, slack in (("fds", FDS_SLACK), ("threads", THREADS_SLACK)):
        a, b = (statistics.median(getattr(s, name) for s in w) for w in (base, end))
        good = b <= a + slack
        ok &= good
        print(
            f"{name} (median): {a:.0f} after warm-up -> {b:.0f} at the end (target: at most "
            f"{slack} more) -> {'ok' if good else 'MISSED'}"
        )
    first, last = base[0], end[-1]
    print(
        f"grew over the run (not targets; what a months-long run accumulates): refs "
        f"{first.refs} -> {last.refs}, loose objects {first.loose_objects} -> "
        f"{last.loose_objects}, .git {first.git_mib:.1f} -> {last.git_mib:.1f} MiB, job records "
        f"{first.job_files} -> {last.job_files}, temporary folders {first.temp_dirs} -> "
        f"{last.temp_dirs}, lock files {first.lock_files} -> {last.lock_files}, audit log "
        f"{first.audit_kib:.0f} -> {last.audit_kib:.0f} KiB, metrics series {first.series} -> "
        f"{last.series}, log {last.log_kib * 1024 / max(1, last.answered):.0f} bytes a request"
    )
    return ok


def check_latency(rows: list[tuple[float, str, int, float]], span: float) -> bool:
    ok = True
    print(
        "route p95 (ms), after warm-up -> at the end (target: within "
        f"{P95_RATIO}x or +{P95_FLOOR_MS:.0f} ms):"
    )
    for route in sorted({r[1] for r in rows}):
        mine = [r for r in rows if r[1] == route]
        base = [r[3] for r in window(mine, lambda r: r[0], span * 0.1, span * 0.2)]
        end = [r[3] for r in window(mine, lambda r: r[0], span * 0.9, span * 1.01)]
        if len(base) < MIN_SAMPLES or len(end) < MIN_SAMPLES:
            print(f"  {route}: {len(base)} and {len(end)} answers, too few to compare")
            continue
        a, b = percentile(base, 0.95), percentile(end, 0.95)
        good = b <= max(a * P95_RATIO, a + P95_FLOOR_MS)
        ok &= good
        print(
            f"  {route}: {a:.1f} -> {b:.1f} ({b / a:.2f}x; {len(base)} and {len(end)} answers)"
            f" -> {'ok' if good else 'MISSED'}"
        )
    return ok


def soak(args: argparse.Namespace) -> bool:
    sandbox = ("sandbox", "--port", "0", "--provision-seconds", args.provision_seconds)
    sandbox += ("--rate-limit", "100000000")
    with (
        tempfile.TemporaryDirectory(prefix="serve-soak-") as name,
        process(*sandbox) as dev_url,
        process(*sandbox) as try_url,
    ):
        temp = Path(name)
        environ = build(temp, args, {"dev": dev_url, "try": try_url})
        service_temp = temp / "tmp"
        service_temp.mkdir()
        serve = ("serve", "--root", str(temp / "config"), "--port", "0")
        serve += ("--tokens", str(temp / "tokens.txt"), "--rate-limit", "100000000")
        serve += ("--login-failures", "100000000")
        with (
            (temp / "serve.log").open("wb") as log,
            started(*serve, env=environ | {"TMPDIR": str(service_temp)}, stderr=log) as (url, p),
        ):
            served = Served(url, p.pid, temp / "config", service_temp, temp / "serve.log")
            ok = run(served, args, alive=lambda: p.poll() is None)
            if p.poll() is not None:
                tail = served.log.read_bytes()[-2000:].decode(errors="replace")
                print(f"the service EXITED with code {p.returncode}; its log ends:\n{tail}")
                ok = False
            return ok


def run(served: Served, args: argparse.Namespace, *, alive: Callable[[], bool]) -> bool:
    from serve_bench import wait_for_guard

    wait_for_guard(served.url)
    answers = Answers([], threading.Lock())
    samples: list[Sample] = []
    began = time.monotonic()
    until = began + args.minutes * 60
    mix = Mix(args.apply_every, edit_every=args.edit_every, root=served.root)
    stop = threading.Event()
    load = threading.Thread(
        target=drive,
        args=(served.url, mix, answers),
        kwargs={
            "until": until,
            "total": args.requests,
            "workers": args.concurrency,
            "stop": stop,
        },
    )
    load.start()
    next_line = began
    while load.is_alive():
        if not alive():
            stop.set()
            load.join()
            return False
        try:
            samples.append(sample(served, began, len(answers.rows)))
        except (OSError, requests.RequestException):
            continue  # the service is gone: said at the next turn
        if time.monotonic() >= next_line:
            next_line += 60
            _progress(samples[-1], answers)
        load.join(timeout=args.sample_seconds)
    samples.append(sample(served, began, len(answers.rows)))
    span = samples[-1].t
    rows = answers.rows
    codes = Counter(r[2] for r in rows)
    by_route: dict[str, Counter[int]] = defaultdict(Counter)
    for r in rows:
        by_route[r[1]][r[2]] += 1
    print(
        f"{len(rows)} answers in {span / 60:.1f} min ({len(rows) / span:.1f} a second) at "
        f"{args.concurrency} concurrent; {next(mix.proposals)} proposals, {len(mix.jobs)} jobs"
    )
    for route, counted in sorted(by_route.items()):
        print(f"  {route}: {dict(sorted(counted.items()))}")
    report_samples(samples)
    errors = sum(n for c, n in codes.items() if c >= 500)
    print(f"5xx or no answer: {errors} -> {'ok' if not errors else 'MISSED'}")
    resources = check_resources(samples, span)
    latency = check_latency(rows, span)
    return not errors and resources and latency


def _progress(s: Sample, answers: Answers) -> None:
    print(
        f"  {s.t / 60:5.1f} min: {s.answered} answers, RSS {s.rss_mib:.1f} MiB, {s.fds} fds, "
        f"{s.threads} threads, {s.refs} refs, {s.loose_objects} loose objects, "
        f".git {s.git_mib:.1f} MiB, {s.job_files} job files, {s.series} series",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--requests", type=int, default=0, help="stop after N (0: no limit)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--models", type=int, default=50, help="in dev, where proposals go")
    parser.add_argument("--apply-every", type=int, default=250, help="0: no applies")
    parser.add_argument("--branches", type=int, default=0, help="proposal branches to start with")
    parser.add_argument(
        "--edit-every", type=int, default=0, help="edit dev's environment.yaml every N (0: never)"
    )
    parser.add_argument("--provision-seconds", default="0:0", help="the sandboxes' MIN:MAX")
    parser.add_argument("--sample-seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(describe())
    ok = soak(args)
    print("all targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
