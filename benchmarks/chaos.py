"""Chaos: kill -9 applies at random moments against a faulty sandbox, rerun from fresh clones.

Usage: python benchmarks/chaos.py [--rounds 30] [--models 8] [--seed 1] [--keep]

One sandbox server (a ``reconcile sandbox`` process: 20% of requests answered 5xx before acting,
20% of writes performed and then answered 502, a tight rate limit) and one bare git remote live
for the whole run. Each round merges a manifest change (a PR), starts ``reconcile --env
staging --yes --push`` from a fresh clone, and kills it with SIGKILL at a random moment; in
some rounds a second applier starts at the same time from its own clone. Then it reruns from a
fresh clone, as CI does, until a run exits 0. At the end, from a last fresh clone, it counts:

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

import yaml

from reconciler.engine.accounting import unaccounted_changes
from reconciler.gateway import ClientSettings, GatewayClient

ENV = "staging"
CLIENT_ID = "chaos"
RUN_TIMEOUT = 240.0


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
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.environ()
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


def chaos_round(world: World, round_no: int) -> str:
    """Kill an apply; maybe race a second one; rerun until one exits 0."""
    apply = ("--env", ENV, "--yes", "--push", "--lock-timeout", "120")
    victim = world.start(world.clone(), *apply)
    rival = world.start(world.clone(), *apply) if world.rng.random() < 0.3 else None
    time.sleep(world.rng.uniform(0.05, 4.0))
    killed = victim.poll() is None
    if killed:
        victim.send_signal(signal.SIGKILL)
    world.finish(victim)
    world.runs["killed" if killed else "finished before the kill"] += 1
    if rival is not None:
        world.runs[f"rival exit {world.finish(rival)}"] += 1
    for attempt in range(1, 7):
        code, text = world.run(world.clone(), *apply)
        world.runs[f"rerun exit {code}"] += 1
        if code == 0:
            return (
                f"round {round_no:2d}: {'killed' if killed else 'done'}"
                + (", raced" if rival else "")
                + f", rerun ok after {attempt}"
            )
    raise SystemExit(f"round {round_no}: no rerun succeeded; last output:\n{text}")


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
    code, text = world.run(root, "drift", "--env", ENV, "--format", "json")
    if code not in (0, 2):
        raise SystemExit(f"drift failed ({code}):\n{text}")
    report = json.loads(text[text.index("{") :])
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
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="reconcile-chaos-"))
    key, secret = f"sk-chaos-{uuid.uuid4().hex}", f"chaos-secret-{uuid.uuid4().hex}"
    sandbox, url = start_sandbox(base, secret, args.seed)
    started = time.monotonic()
    try:
        world = World(base=base, url=url, key=key, secret=secret, rng=random.Random(args.seed))
        dev = seed_remote(world, args.models)
        for round_no in range(1, args.rounds + 1):
            merge_change(world, dev, round_no)
            print(chaos_round(world, round_no), flush=True)
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
    print(f"duplicates on the server: {duplicates}")
    print(f"live changes with no committed audit entry: {missing}")
    print(f"false drift after the last apply: {drifted}")
    first = text.strip().splitlines()[0] if text.strip() else ""
    print(f"audit verify --history: exit {verify}: {first}")
    print(f"secret bytes found: {leaked}")
    if entries is not None:
        print(f"kept in {base} ({entries} committed audit entries)")
    failed = duplicates or missing or drifted or verify or leaked
    print("CHAOS: FAIL" if failed else "CHAOS: all zero")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
