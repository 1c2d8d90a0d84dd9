"""Fixtures for the git write-back tests: real repositories, a bare remote, audit entries.

Every repository gets its git identity in its own local config, never the global one, and
signing turned off so a developer's global settings cannot change what the tests see.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconciler.gitops.audit import AuditLog, payload_hash

CANARY = "sk-CANARY-" + uuid.uuid4().hex


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` the way a user would; fail the test on a non-zero exit."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False, timeout=30
    )
    assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def configure(repo: Path, name: str = "Test User", email: str = "test@example.invalid") -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", email)
    git(repo, "config", "commit.gpgsign", "false")


def init_repo(path: Path) -> Path:
    """A working repository on branch main with one commit of an environment's manifests."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "-b", "main")
    configure(path)
    write(path / "environments" / "staging" / "environment.yaml", "kind: Environment\n")
    write(path / "environments" / "staging" / "models" / "a.yaml", "kind: ModelEndpoint\n")
    git(path, "add", "environments")
    git(path, "commit", "--quiet", "-m", "manifests")
    return path


def publish(seed: Path, tmp: Path) -> Path:
    """Make ``seed`` (a folder of manifests) a repository on main with one commit, pushed to a
    new bare remote ``tmp/remote.git`` as origin (upstream set); returns the remote."""
    git(seed, "init", "--quiet", "-b", "main")
    configure(seed)
    git(seed, "add", ".")
    git(seed, "commit", "--quiet", "-m", "manifests")
    return bare_remote(seed, tmp)


def bare_remote(repo: Path, tmp: Path) -> Path:
    """A new bare repository ``tmp/remote.git``, added as origin of ``repo`` and given main."""
    bare = tmp / "remote.git"
    git(tmp, "init", "--quiet", "--bare", "-b", "main", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "--quiet", "-u", "origin", "main")
    return bare


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def clock_from(start: datetime) -> Callable[[], datetime]:
    """A clock that advances one second per reading, so no test sleeps."""
    state = {"now": start}

    def now() -> datetime:
        state["now"] += timedelta(seconds=1)
        return state["now"]

    return now


def append_entries(path: Path, count: int, *, env: str = "staging", prefix: str = "m") -> None:
    log = AuditLog(path)
    for index in range(count):
        log.append(
            environment=env,
            action="MODEL_UPDATED",
            model=f"{prefix}{index}",
            model_id=f"id-{prefix}{index}",
            payload_hash=payload_hash({"i": index}),
            actor="tester",
            git_commit=None,
            correlation_id="run-1",
            result="ACTIVE",
        )


@dataclass(frozen=True)
class Remote:
    """A bare remote and two clones of it, as two reconcilers on two machines would have."""

    bare: Path
    a: Path
    b: Path


@pytest.fixture
def gitops_repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "config")


@pytest.fixture
def gitops_remote(tmp_path: Path) -> Remote:
    bare = tmp_path / "remote.git"
    bare.mkdir()
    git(bare, "init", "--quiet", "--bare", "-b", "main")
    seed = init_repo(tmp_path / "seed")
    git(seed, "remote", "add", "origin", str(bare))
    git(seed, "push", "--quiet", "origin", "main")
    clones = []
    for name in ("a", "b"):
        subprocess.run(
            ["git", "clone", "--quiet", str(bare), str(tmp_path / name)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        configure(tmp_path / name, name=f"User {name}", email=f"{name}@example.invalid")
        clones.append(tmp_path / name)
    return Remote(bare=bare, a=clones[0], b=clones[1])


@pytest.fixture
def gitops_time() -> datetime:
    return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
