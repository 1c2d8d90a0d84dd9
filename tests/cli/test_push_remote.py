"""``--remote NAME`` on the commands that push: a fork's checkout, where ``origin`` is the
fork and ``upstream`` the shared config repository, records and leases go to ``upstream``.

Real repositories: a bare ``shared.git`` (the team's, added as ``upstream``) and a bare
``fork.git`` (the person's, added as ``origin`` and tracked by ``main``, as a fork's clone
is), with the environment on a sandbox server reached by URL, as a team's CI runs it.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.gitops.holder import Holder
from reconciler.gitops.lease import Lease, lease_ref
from reconciler.sandbox import SandboxServer
from reconciler.structs.errors import ExitCode
from tests.cli.test_gitops_cli import edit_live
from tests.fixtures_engine import ENV, ConfigRepo, live_models
from tests.fixtures_gitops import git, publish
from tests.report.harness import reconcile

AUDIT = f"state/{ENV}/audit.jsonl"


@dataclass(frozen=True)
class Fork:
    repo: ConfigRepo
    server: SandboxServer
    upstream: Path  # the shared config repository
    origin: Path  # the fork

    def tip(self, bare: Path) -> str:
        return git(bare, "rev-parse", "main").strip()

    def actions(self, bare: Path) -> list[str]:
        """The audit actions on ``bare``'s main (none when it holds no audit log)."""
        if AUDIT not in git(bare, "ls-tree", "-r", "--name-only", "main"):
            return []
        text = git(bare, "show", f"main:{AUDIT}")
        return [json.loads(line)["action"] for line in text.splitlines() if line.strip()]

    def leases(self, bare: Path) -> str:
        return git(bare, "for-each-ref", "--format=%(objectname)", lease_ref(ENV)).strip()


@pytest.fixture
def fork(
    make_config_repo: Callable[[str], ConfigRepo],
    sandbox_factory: Callable[..., SandboxServer],
    tmp_path: Path,
) -> Fork:
    server = sandbox_factory(provision_seconds=(0.0, 0.05))
    repo = make_config_repo(server.base_url)
    repo.write_model("alpha-model")
    shared = publish(repo.root, tmp_path).rename(tmp_path / "shared.git")
    root = repo.root
    git(root, "remote", "remove", "origin")
    git(root, "remote", "add", "upstream", str(shared))
    mine = tmp_path / "fork.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(shared), str(mine)], check=True)
    git(root, "remote", "add", "origin", str(mine))
    git(root, "fetch", "--quiet", "--all")
    git(root, "branch", "--quiet", "--set-upstream-to", "origin/main")
    return Fork(repo=repo, server=server, upstream=shared, origin=mine)


def a_live_lease(root: Path, remote: str) -> Lease:
    lease = Lease(root, ENV, ttl=600, remote=remote)
    lease.acquire(Holder.for_run(actor="other", run="other", environ={}), timeout=0)
    return lease


def test_push_remote_upstream_records_on_upstream_and_never_writes_the_fork(fork: Fork) -> None:
    """The main job as CI types it; a live lease on the fork does not hold it up, because
    the lease it takes is upstream's (and given back there)."""
    fork_tip = fork.tip(fork.origin)
    theirs = a_live_lease(fork.repo.root, "origin")
    try:
        ran = reconcile(fork.repo, "--env", ENV, "--push", "--remote", "upstream", "--yes")
        assert ran.code == ExitCode.OK, ran.err + ran.out
        assert fork.leases(fork.origin)  # left as it was, not taken over or broken
    finally:
        theirs.release()
    assert "MODEL_CREATED" in fork.actions(fork.upstream)
    assert git(fork.repo.root, "rev-parse", "HEAD").strip() == fork.tip(fork.upstream)
    assert fork.tip(fork.origin) == fork_tip and fork.actions(fork.origin) == []
    assert fork.leases(fork.upstream) == ""  # given back
    assert [m["name"] for m in live_models(fork.server)] == ["alpha-model"]


def test_the_lease_is_held_on_the_remote_named(fork: Fork) -> None:
    """A run holding upstream's lease keeps an ``apply --remote upstream`` waiting, then out
    with exit 5 and nothing applied."""
    before = fork.tip(fork.upstream)
    theirs = a_live_lease(fork.repo.root, "upstream")
    try:
        ran = reconcile(
            fork.repo,
            "apply",
            "--env",
            ENV,
            "--push",
            "--remote",
            "upstream",
            "--yes",
            "--lock-timeout",
            "0.3",
        )
    finally:
        theirs.release()
    assert ran.code == ExitCode.UNREACHABLE, ran.err + ran.out
    assert "run other by other@" in ran.err
    assert f"'reconcile unlock --env {ENV} --push --remote upstream'" in ran.err
    assert live_models(fork.server) == []
    assert fork.tip(fork.upstream) == before


@pytest.mark.parametrize(
    "command",
    [
        ("--env", ENV, "--yes"),
        ("apply", "--env", ENV, "--yes"),
        ("drift", "--env", ENV),
        ("unlock", "--env", ENV, "--force"),
    ],
)
def test_a_remote_that_is_not_configured_is_refused_before_anything_changes(
    fork: Fork, command: tuple[str, ...]
) -> None:
    head = git(fork.repo.root, "rev-parse", "HEAD")
    ran = reconcile(fork.repo, *command, "--push", "--remote", "shared")
    assert ran.code == ExitCode.INVALID, ran.err + ran.out
    assert "--push needs a git remote named 'shared'" in ran.err
    assert "git remote add shared URL" in ran.err
    assert "pass --remote with the one records belong on (origin, upstream)" in ran.err
    assert live_models(fork.server) == []
    assert not (fork.repo.root / "state").exists()
    assert git(fork.repo.root, "rev-parse", "HEAD") == head
    assert fork.leases(fork.upstream) == fork.leases(fork.origin) == ""


@pytest.mark.parametrize("name", ["", "--receive-pack=touch x", "my remote", "origin\n::error::x"])
def test_a_remote_name_git_would_misread_is_a_usage_error(fork: Fork, name: str) -> None:
    ran = reconcile(fork.repo, "--env", ENV, "--push", "--remote", name, "--yes")
    assert ran.code != ExitCode.OK and "is not a git remote's name" in ran.err
    assert not any(line.startswith("::") for line in ran.err.splitlines())
    assert live_models(fork.server) == []


def test_drift_push_remote_records_the_finding_on_upstream(fork: Fork) -> None:
    applied = reconcile(fork.repo, "--env", ENV, "--push", "--remote", "upstream", "--yes")
    assert applied.code == ExitCode.OK, applied.err
    edit_live(fork.server, "alpha-model", temperature=0.9)
    fork_tip = fork.tip(fork.origin)
    ran = reconcile(fork.repo, "drift", "--env", ENV, "--push", "--remote", "upstream")
    assert ran.code == ExitCode.CHANGES_PENDING, ran.err + ran.out
    assert fork.actions(fork.upstream)[-1] == "DRIFT_DETECTED"
    assert fork.tip(fork.origin) == fork_tip


def test_unlock_push_remote_breaks_upstreams_lease_and_records_it_there(fork: Fork) -> None:
    killed = a_live_lease(fork.repo.root, "upstream")
    killed._stop.set()  # kill -9: the lease is neither renewed nor given back
    fork_tip = fork.tip(fork.origin)
    ran = reconcile(fork.repo, "unlock", "--env", ENV, "--push", "--force", "--remote", "upstream")
    assert ran.code == ExitCode.OK, ran.err + ran.out
    assert fork.leases(fork.upstream) == ""
    assert fork.actions(fork.upstream) == ["LOCK_BROKEN"]
    assert fork.tip(fork.origin) == fork_tip


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("plan", "--env", ENV, "--remote", "upstream"), "No such option '--remote'"),
        (("--remote", "upstream", "plan", "--env", ENV), "--remote does nothing for 'plan'"),
    ],
)
def test_remote_on_a_command_that_never_pushes_is_a_usage_error(
    fork: Fork, args: tuple[str, ...], said: str
) -> None:
    ran = reconcile(fork.repo, *args)
    assert ran.code != ExitCode.OK and said in ran.err
