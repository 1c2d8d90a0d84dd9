"""Chaos: kill -9 applies at random moments against a faulty sandbox, then recover.

Usage: python benchmarks/chaos.py [--rounds 30] [--models 8] [--seed 1] [--modes fresh,same,serve]
       [--keep]

One sandbox server (a ``reconcile sandbox`` process: 20% of requests answered 5xx before acting,
20% of writes performed and then answered 502, a tight rate limit, provisioning in 0.3-1.5 s)
and one bare git remote live for the whole run. Each round merges a manifest change (a PR),
then kills an apply with SIGKILL (its whole process group, as a CI runner kills a job) at a
random moment and recovers, in one of three modes taken in turn:

- ``fresh``: ``reconcile --env staging --yes --push`` from a fresh clone, killed; in some rounds
  a second applier races it from its own clone; reruns from fresh clones, as CI does;
- ``same``: the same, but the reruns happen in the killed run's own checkout, where its
  uncommitted records still are;
- ``serve``: ``reconcile serve --push`` on a clone, a direct apply of a changed model through
  ``POST /api/configure-model``, the service killed while the job runs; then the service is
  started again on the same checkout and a new direct apply is sent until its job succeeds.

Reruns go on until one exits 0 (a job SUCCEEDED). After each round's recovery, in the checkout
that recovered, it counts uncommitted leftovers (``state/`` differing from HEAD, or state
commits not on the remote) and ``reconcile drift`` findings (a model changed or created outside
git). At the end, from a last fresh clone, it counts:

- duplicates on the server (two live endpoints with one name);
- live changes with no committed audit entry: endpoints whose live version the committed log
  does not account for (what a next run would have to recover), plus live endpoints that no
  committed entry names at all;
- false drift: endpoints ``reconcile drift`` reports drifted right after a successful apply;
- the exit status of ``reconcile audit verify --history``;
- secret bytes: occurrences of the provider key or the OAuth secret in every git object of the
  remote, every clone's files and every byte the runs printed.

and exits 1 unless every figure is zero.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from reconciler.engine.record.accounting import unaccounted_changes
from reconciler.gateway import ClientSettings, GatewayClient

ENV = "staging"
CLIENT_ID = "chaos"
RUN_TIMEOUT = 240.0
TOKEN = "chaos-admin-token-0123456789"


@dataclass
class World:
    """The sandbox, the remote, the secrets, and everything the runs printed."""

    base: Path
    url: str
    key: str
    secret: str
    rng: random.Random
    output: list[bytes] = field(default_factory=list)
    clones: int = 0
    runs: Counter[str] = field(default_factory=Counter)

    @property
    def remote(self) -> Path:
        return self.base / "remote.git"

    def environ(self) -> dict[str, str]:
        return {
            **os.environ,
            "STAGING_OPENAI_API_KEY": self.key,
            "GENESYS_CLIENT_ID": CLIENT_ID,
            "GENESYS_CLIENT_SECRET": self.secret,
            "RECONCILE_LOCK_TTL": "3",
            "GITHUB_ACTOR": "chaos-runner",
        }

    def clone(self) -> Path:
        self.clones += 1
        target = self.base / f"clone-{self.clones:03d}"
        git(self.base, "clone", "--quiet", str(self.remote), str(target))
        return target

    def start(self, root: Path, *args: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "reconciler", *args, "--root", str(root)]
        return subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.environ(),
            start_new_session=True,
        )

    def finish(self, proc: subprocess.Popen[bytes]) -> int:
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
        self.output += [out, err]
        return proc.returncode

    def run(self, root: Path, *args: str) -> tuple[int, str]:
        proc = self.start(root, *args)
        code = self.finish(proc)
        return code, self.output[-2].decode("utf-8", "replace") + self.output[-1].decode(
            "utf-8", "replace"
        )

    def kill(self, proc: subprocess.Popen[bytes]) -> bool:
        """SIGKILL the run's process group (git children included); True when it was running."""
        running = proc.poll() is None
        if running:
            os.killpg(proc.pid, signal.SIGKILL)
        return running


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def start_sandbox(base: Path, secret: str, seed: int) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "reconciler", "sandbox", "--port", "0",
        "--client", f"{CLIENT_ID}:{secret}",
        "--error-rate", "0.2", "--lost-reply-rate", "0.2",
        "--rate-limit", "240", "--provision-seconds", "0.3:1.5", "--seed", str(seed),
        "--state", str(base / "sandbox.json"),
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def environment_doc(url: str) -> dict[str, Any]:
    return {
        "apiVersion": "reconciler/v1",
        "kind": "Environment",
        "metadata": {"name": ENV},
        "spec": {
            "region": "sandbox",
            "credentials": {
                "clientId": "${GENESYS_CLIENT_ID}",
                "clientSecret": "${GENESYS_CLIENT_SECRET}",
            },
            # Faster than the server allows: the client meets real 429s.
            "policy": {
                "prune": False,
                "maxParallel": 4,
                "requestsPerMinute": 480,
                "provisionTimeoutSeconds": 60,
                "serveApply": True,
            },
            "apiBaseUrl": url,
            "loginBaseUrl": url,
        },
    }


def model_doc(name: str, temperature: float) -> dict[str, Any]:
    return {
        "apiVersion": "reconciler/v1",
        "kind": "ModelEndpoint",
        "metadata": {"name": name, "labels": {"team": "chaos"}},
        "spec": {
            "provider": "openai",
            "modelId": "gpt-4o-mini",
            "credentials": {"apiKey": "${STAGING_OPENAI_API_KEY}"},
            "configuration": {"temperature": temperature, "maxTokens": 256},
            "promptTemplate": "Classify the ticket: <ticket>{input}</ticket>",
            "usage": {"requestsPerDay": 100, "avgPromptTokens": 100, "avgCompletionTokens": 10},
        },
    }


def seed_remote(world: World, models: int) -> Path:
    """The bare remote and the 'developer' clone that merges manifest changes into it."""
    git(world.base, "init", "--quiet", "--bare", "-b", "main", str(world.remote))
    dev = world.base / "developer"
    git(world.base, "init", "--quiet", "-b", "main", str(dev))
    for key, value in (("user.name", "Dev"), ("user.email", "dev@example.invalid")):
        git(dev, "config", key, value)
    write(dev / "environments" / ENV / "environment.yaml", environment_doc(world.url))
    for index in range(models):
        write_model(dev, f"model-{index:02d}", 0.1)
    (dev / ".gitignore").write_text(".reconciler/\n")
    git(dev, "add", ".")
    git(dev, "commit", "--quiet", "-m", "manifests")
    git(dev, "remote", "add", "origin", str(world.remote))
    git(dev, "push", "--quiet", "origin", "main")
    return dev


def write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def write_model(dev: Path, name: str, temperature: float) -> None:
    write(dev / "environments" / ENV / "models" / f"{name}.yaml", model_doc(name, temperature))


def merge_change(world: World, dev: Path, round_no: int) -> None:
    """A merged pull request: new temperatures for some models, now and then a new model."""
    git(dev, "pull", "--quiet", "--rebase", "origin", "main")
    folder = dev / "environments" / ENV / "models"
    names = sorted(p.stem for p in folder.glob("*.yaml"))
    for name in world.rng.sample(names, k=max(1, len(names) // 2)):
        write_model(dev, name, round(world.rng.uniform(0.0, 1.0), 2))
    if world.rng.random() < 0.3:
        write_model(dev, f"added-{round_no:02d}", 0.5)
    git(dev, "add", ".")
    git(dev, "commit", "--quiet", "-m", f"round {round_no}")
    git(dev, "push", "--quiet", "origin", "main")


APPLY = ("--env", ENV, "--yes", "--push", "--lock-timeout", "120")


def cli_round(world: World, round_no: int, *, same: bool) -> tuple[str, Path]:
    """Kill an apply; maybe race a second one; rerun (in its checkout or fresh) until one
    exits 0. Returns the line to print and the checkout that recovered."""
    checkout = world.clone()
    victim = world.start(checkout, *APPLY)
    race = not same and world.rng.random() < 0.3
    rival = world.start(world.clone(), *APPLY) if race else None
    time.sleep(world.rng.uniform(0.05, 4.0))
    killed = world.kill(victim)
    world.finish(victim)
    world.runs["killed" if killed else "finished before the kill"] += 1
    if rival is not None:
        world.runs[f"rival exit {world.finish(rival)}"] += 1
    for attempt in range(1, 7):
        root = checkout if same else world.clone()
        code, text = world.run(root, *APPLY)
        world.runs[f"{'same' if same else 'fresh'} rerun exit {code}"] += 1
        if code == 0:
            line = (
                f"round {round_no:2d} ({'same' if same else 'fresh'}): "
                f"{'killed' if killed else 'done'}"
                + (", raced" if rival else "")
                + f", rerun ok after {attempt}"
            )
            return line, root
    raise SystemExit(f"round {round_no}: no rerun succeeded; last output:\n{text}")


def serve_round(world: World, round_no: int) -> tuple[str, Path]:
    """Kill ``reconcile serve`` during a direct-apply job, restart it on the same checkout,
    and send direct applies until a job succeeds."""
    checkout = world.clone()
    name = world.rng.choice(
        sorted(p.stem for p in (checkout / "environments" / ENV / "models").glob("*.yaml"))
    )
    temperature = round(world.rng.uniform(0.0, 1.0), 2)
    with Service(world, checkout) as service:
        service.configure(name, temperature)
        time.sleep(world.rng.uniform(0.05, 3.0))
        killed = world.kill(service.proc)
    world.runs["serve killed" if killed else "serve job done before the kill"] += 1
    for attempt in range(1, 7):
        with Service(world, checkout) as service:
            status = service.follow(service.configure(name, temperature))
        world.runs[f"serve rerun job {status}"] += 1
        if status == "SUCCEEDED":
            verdict = "killed" if killed else "done"
            return f"round {round_no:2d} (serve): {verdict}, rerun job ok after {attempt}", checkout
    raise SystemExit(f"round {round_no}: no serve job succeeded")


class Service:
    """A ``reconcile serve --push`` process on one checkout, with an admin token."""

    def __init__(self, world: World, root: Path) -> None:
        self.world, self.root = world, root
        tokens = world.base / "tokens.txt"
        digest = hashlib.sha256(TOKEN.encode()).hexdigest()
        tokens.write_text(f"chaos-admin admin {digest}\n", encoding="utf-8")
        self.proc = world.start(root, "serve", "--port", "0", "--push", "--tokens", str(tokens))
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().decode().strip()
        self._wait(self._healthy, "the service to answer")

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.world.finish(self.proc)

    def configure(self, name: str, temperature: float) -> str:
        body = {
            "env": ENV,
            "model": model_doc(name, temperature),
            "apply": True,
            "replaceExisting": True,
        }
        for _ in range(10):
            answer = self._call("POST", "/api/configure-model", json=body)
            if answer is not None and answer.status_code == 202:
                return str(answer.json()["job"]["links"]["self"])
            time.sleep(0.2)  # the faulty sandbox answered 5xx to the plan; ask again
        raise SystemExit(f"configure-model never answered 202: {answer.text if answer else ''}")

    def follow(self, link: str) -> str:
        status = ""

        def done() -> bool:
            nonlocal status
            answer = self._call("GET", link)
            status = answer.json()["status"] if answer is not None else ""
            return status in ("SUCCEEDED", "FAILED")

        self._wait(done, f"job {link}", timeout=RUN_TIMEOUT)
        return status

    def _healthy(self) -> bool:
        answer = self._call("GET", "/healthz")
        return answer is not None and answer.status_code == 200

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        try:
            return requests.request(method, self.url + path, headers=headers, timeout=60, **kwargs)
        except requests.RequestException:  # not listening yet, or killed
            return None

    def _wait(self, done: Any, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"serve: gave up waiting for {what}")
            time.sleep(0.02)


def leftovers(root: Path) -> int:
    """1 when the checkout that recovered still has state/ differing from HEAD, or state
    commits the remote does not have."""
    dirty = git(root, "status", "--porcelain", "--", "state").strip()
    git(root, "fetch", "--quiet", "origin", "main")
    ahead = int(git(root, "rev-list", "--count", "FETCH_HEAD..HEAD", "--", "state").strip())
    if dirty or ahead:
        print(f"  leftovers in {root.name}: {dirty or ''} {ahead} unpushed state commit(s)")
    return 1 if dirty or ahead else 0


def live_models(world: World) -> list[dict[str, Any]]:
    settings = ClientSettings(
        api_base_url=world.url,
        login_base_url=world.url,
        client_id=CLIENT_ID,
        client_secret=world.secret,
        requests_per_minute=120,
    )
    with GatewayClient(settings) as client:
        return list(client.list_models())


def unrecorded(world: World, root: Path, live: list[dict[str, Any]]) -> int:
    """Live changes the committed log does not account for, and live ids it never names."""
    missing = unaccounted_changes(root, ENV, live)
    log = (root / "state" / ENV / "audit.jsonl").read_text(encoding="utf-8")
    named = {json.loads(line)["modelId"] for line in log.splitlines()}
    nameless = [m for m in live if m.get("id") not in named]
    for change in missing:
        print(f"  unaccounted: {change.name} {change.found} v{change.version}")
    for model in nameless:
        print(f"  no entry names {model.get('name')} ({model.get('id')})")
    return len(missing) + len(nameless)


def false_drift(world: World, root: Path) -> int:
    """Models ``reconcile drift`` reports changed or created outside git."""
    code, text = world.run(root, "drift", "--env", ENV, "--format", "json")
    if code not in (0, 2):
        raise SystemExit(f"drift failed ({code}):\n{text}")
    report = json.loads(text[text.index("{") :])
    for item in report.get("drifted", []):
        print(f"  drift in {root.name}: {item.get('name')} {item.get('note') or ''}")
    return len(report.get("drifted", []))


def secret_bytes(world: World) -> int:
    """Occurrences of either secret in every git object, clone file and printed byte."""
    needles = [world.key.encode(), world.secret.encode()]
    objects = subprocess.run(
        ["git", "-C", str(world.remote), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    blobs = [objects, *world.output]
    for path in world.base.glob("clone-*/**/*"):
        if path.is_file() and ".git" not in path.parts and ".reconciler" not in path.parts:
            blobs.append(path.read_bytes())
    return sum(blob.count(needle) for blob in blobs for needle in needles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--models", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default="fresh,same,serve", help="Rerun modes, in turn.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"fresh", "same", "serve"}:
        parser.error("--modes takes fresh, same and serve, comma-separated")
    left = drift_after = 0
    base = Path(tempfile.mkdtemp(prefix="reconcile-chaos-"))
    key, secret = f"sk-chaos-{uuid.uuid4().hex}", f"chaos-secret-{uuid.uuid4().hex}"
    sandbox, url = start_sandbox(base, secret, args.seed)
    started = time.monotonic()
    try:
        world = World(base=base, url=url, key=key, secret=secret, rng=random.Random(args.seed))
        dev = seed_remote(world, args.models)
        for round_no in range(1, args.rounds + 1):
            merge_change(world, dev, round_no)
            mode = modes[(round_no - 1) % len(modes)]
            if mode == "serve":
                line, recovered = serve_round(world, round_no)
            else:
                line, recovered = cli_round(world, round_no, same=mode == "same")
            print(line, flush=True)
            left += leftovers(recovered)
            drift_after += false_drift(world, recovered)
        final = world.clone()
        live = live_models(world)
        names = Counter(str(m.get("name")) for m in live)
        duplicates = sum(n - 1 for n in names.values() if n > 1)
        missing = unrecorded(world, final, live)
        drifted = false_drift(world, final)
        verify, text = world.run(final, "audit", "verify", "--history", "--env", ENV)
        leaked = secret_bytes(world)
    finally:
        sandbox.send_signal(signal.SIGTERM)
        sandbox.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    entries = (
        len((final / "state" / ENV / "audit.jsonl").read_text().splitlines()) if args.keep else None
    )
    print(
        f"rounds: {args.rounds}, models live: {len(live)}, runs: {dict(sorted(world.runs.items()))}"
    )
    print(f"wall: {time.monotonic() - started:.1f} s")
    print(f"modes: {', '.join(modes)}")
    print(f"duplicates on the server: {duplicates}")
    print(f"live changes with no committed audit entry (lost records): {missing}")
    print(f"uncommitted leftovers after recovery: {left}")
    print(f"drift (changed or created outside git) after each recovery: {drift_after}")
    print(f"false drift after the last apply: {drifted}")
    first = text.strip().splitlines()[0] if text.strip() else ""
    print(f"audit verify --history: exit {verify}: {first}")
    print(f"secret bytes found: {leaked}")
    if entries is not None:
        print(f"kept in {base} ({entries} committed audit entries)")
    failed = duplicates or missing or left or drift_after or drifted or verify or leaked
    print("CHAOS: FAIL" if failed else "CHAOS: all zero")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
