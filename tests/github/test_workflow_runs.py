"""A scaffolded config repo's workflows, run step by step against the sandbox and a fake GitHub.

``reconcile init`` (from the wheel) writes the config repo into a temporary git repository
with a bare ``origin`` that every job clones afresh, as on GitHub. Its workflows call this
repository's reusable workflows, which use this repository's action, which runs the wheel's
``reconcile`` (its pip install step is recorded by a shim, not run). Each environment is a
sandbox server of its own on loopback (its "org"), named by ``apiBaseUrl``/``loginBaseUrl``
in its environment.yaml and accepting the clients the workflows are given, as a team tests git
write-back (a ``--sandbox`` run's records are never committed). ``GITHUB_*`` point at the fake
GitHub. Secrets are random per test, so a leak is detectable; provider keys exist only as
environment secrets, which only the apply jobs (running in their GitHub Environment) can see.
"""

from __future__ import annotations

import json
import os
import secrets as random_secrets
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.cli.main import COMMANDS
from reconciler.sandbox import SandboxServer
from reconciler.sandbox.settings import ClientSpec
from tests.fixtures_engine import default_client
from tests.fixtures_github import FAKE_TOKEN
from tests.github.actions_runner import TOOL_REPOSITORY, Runner, WorkflowRun, load
from tests.github.fake_github import FakeGitHub

TOOL = Path(__file__).resolve().parents[2]
# The action runs `reconcile plan --out` and `reconcile apply [--plan]` (CONTRACT section 4),
# which h4-plan's branch adds: until it is merged, the runs that plan or apply wait for it.
WAITS_FOR_PLAN_VERBS = pytest.mark.skipif(
    not {"plan", "apply"} <= {c.name for c in COMMANDS},
    reason="waits for the `reconcile plan`/`apply` verbs (h4-plan, issue 27)",
)
PR = 7
RUN_ID = "4242"
_TOOL = ("--tool-repo", TOOL_REPOSITORY, "--tool-commit", "c0ffee" + "0" * 34)
MODEL = "environments/{env}/models/example-classifier.yaml"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def _upper(env: str) -> str:
    return env.upper().replace("-", "_")


EMERGENCY = {"id": "emergency", "secret": "emergency-secret"}  # someone's own client


def _repository_secrets(envs: list[str]) -> dict[str, str]:
    """The read-only clients plans and drift checks get (their env's org accepts them)."""
    out = {"RECONCILE_APP_PRIVATE_KEY": ""}
    for env in envs:
        out[f"GENESYS_{_upper(env)}_READ_CLIENT_ID"] = f"reader-{random_secrets.token_hex(8)}"
        out[f"GENESYS_{_upper(env)}_READ_CLIENT_SECRET"] = f"rs-{random_secrets.token_hex(12)}"
    return out


def _environment_secrets(envs: list[str]) -> dict[str, dict[str, str]]:
    """The write client and the provider keys, in formats the sandbox accepts."""
    return {
        env: {
            "GENESYS_CLIENT_ID": f"writer-{random_secrets.token_hex(8)}",
            "GENESYS_CLIENT_SECRET": f"ws-{random_secrets.token_hex(12)}",
            "OPENAI_API_KEY": f"sk-test{random_secrets.token_hex(16)}",
        }
        for env in envs
    }


class ConfigRepo:
    """The scaffolded repository, its origin, a runner for its workflows, and each
    environment's org (a sandbox server)."""

    def __init__(
        self, root: Path, runner: Runner, envs: list[str], orgs: dict[str, SandboxServer]
    ) -> None:
        self.root, self.runner, self.envs, self.orgs = root, runner, envs, orgs
        self.origin = runner.origin

    def run(self, name: str) -> WorkflowRun:
        return self.runner.run(load(self.root / ".github" / "workflows" / name))

    def commit(self, message: str, *, edits: dict[str, tuple[str, str]]) -> str:
        for rel, (old, new) in edits.items():
            path = self.root / rel
            assert old in path.read_text(), f"{old!r} not in {rel}"
            path.write_text(path.read_text().replace(old, new, 1))
        _git(self.root, "commit", "-q", "-am", message)
        return _git(self.root, "rev-parse", "HEAD")

    def open_pr(self, edits: dict[str, tuple[str, str]]) -> None:
        pull = self.runner.contexts["github"]["event"]["pull_request"]
        pull["base"]["sha"] = _git(self.root, "rev-parse", "HEAD")
        pull["head"]["sha"] = self.commit("a pull request", edits=edits)
        _git(self.root, "push", "-q", "origin", "HEAD:refs/heads/pr")
        self.runner.ref = "pr"

    def merge_pr(self, fake_github: FakeGitHub) -> str:
        """Merge the pull request with a merge commit of its own and push main, as GitHub does:
        the commit applied is not the head that was planned, but GitHub knows its pull request."""
        head = self.runner.contexts["github"]["event"]["pull_request"]["head"]["sha"]
        _git(self.root, "commit", "-q", "--allow-empty", "-m", f"Merge pull request #{PR}")
        merged = _git(self.root, "rev-parse", "HEAD")
        fake_github.commit_pulls[merged] = [{"number": PR, "head": {"sha": head}}]
        self.runner.ref = "main"
        self.push_main()
        return merged

    def change_live_outside_git(self, env: str, edits: dict[str, tuple[str, str]]) -> None:
        """Someone's emergency change: applied to the org from a scratch clone, never pushed."""
        scratch = self.root.parent / f"scratch-{env}"
        _git(self.root.parent, "clone", "-q", str(self.origin), str(scratch))
        for rel, (old, new) in edits.items():
            path = scratch / rel
            path.write_text(path.read_text().replace(old, new, 1))
        upper = _upper(env)
        extra = {
            f"GENESYS_{upper}_CLIENT_ID": EMERGENCY["id"],
            f"GENESYS_{upper}_CLIENT_SECRET": EMERGENCY["secret"],
            f"{upper}_OPENAI_API_KEY": "sk-test" + "0" * 32,
        }
        done = subprocess.run(
            ["reconcile", "--env", env, "--yes"],
            cwd=scratch,
            env=self.runner.base_env | extra,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        shutil.rmtree(scratch)

    def live(self, env: str) -> list[dict[str, Any]]:
        """What ``env``'s org holds now."""
        with default_client(self.orgs[env]) as client:
            return list(client.list_models())

    def push_main(self, *, trigger: str | None = None) -> None:
        """Push main; the apply run is triggered by ``trigger`` (default: the new tip)."""
        _git(self.root, "push", "-q", "origin", "HEAD:refs/heads/main")
        self.runner.contexts["github"]["sha"] = trigger or _git(self.root, "rev-parse", "HEAD")

    def remote(self, *args: str) -> str:
        return _git(self.origin, *args)

    def snapshot(self, env: str) -> dict[str, Any]:
        return json.loads(self.remote("show", f"main:state/{env}/snapshot.json"))

    def secrets(self) -> dict[str, str]:
        values = dict(self.runner.contexts["secrets"])
        for env, extra in self.runner.environment_secrets.items():
            values |= {f"{env}:{k}": v for k, v in extra.items()}
        return {k: v for k, v in values.items() if v}


@pytest.fixture
def scaffold(
    tmp_path: Path,
    wheel_bin: Path,
    fake_github: FakeGitHub,
    github_env: dict[str, str],
    sandbox_factory: Callable[..., SandboxServer],
) -> Callable[[str], ConfigRepo]:
    def make(envs: str) -> ConfigRepo:
        names = envs.split(",")
        root, origin = tmp_path / "config", tmp_path / "origin.git"
        subprocess.run(
            [str(wheel_bin / "reconcile"), "init", str(root), "--envs", envs, *_TOOL],
            check=True,
            capture_output=True,
            timeout=60,
        )
        runner = _runner(tmp_path, wheel_bin, fake_github, github_env, names)
        orgs = {env: _org(sandbox_factory, runner, env) for env in names}
        for env, org in orgs.items():
            _point_at(root / "environments" / env / "environment.yaml", org.base_url)
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
        _git(root, "init", "-q", "-b", "main")
        (
            _git(root, "config", "user.name", "Test"),
            _git(root, "config", "user.email", "t@example.com"),
        )
        _git(root, "add", "."), _git(root, "commit", "-q", "-m", "reconcile init")
        _git(root, "remote", "add", "origin", str(origin))
        _git(root, "push", "-q", "origin", "main")
        return ConfigRepo(root, runner, names, orgs)

    return make


def _org(start: Callable[..., SandboxServer], runner: Runner, env: str) -> SandboxServer:
    """``env``'s org: a sandbox server accepting its read client, its write client, someone's
    emergency client and the default one (the test's own reads), provisioning at once."""
    read = runner.contexts["secrets"]
    write = runner.environment_secrets[env]
    upper = _upper(env)
    clients = (
        ClientSpec(
            read[f"GENESYS_{upper}_READ_CLIENT_ID"], read[f"GENESYS_{upper}_READ_CLIENT_SECRET"]
        ),
        ClientSpec(write["GENESYS_CLIENT_ID"], write["GENESYS_CLIENT_SECRET"]),
        ClientSpec(EMERGENCY["id"], EMERGENCY["secret"]),
        ClientSpec("sandbox", "sandbox-secret"),
    )
    return start(clients=clients, provision_seconds=(0.0, 0.05))


def _point_at(path: Path, base_url: str) -> None:
    """The scaffolded environment.yaml with its hosts overridden by the org's URL."""
    doc = yaml.safe_load(path.read_text())
    doc["spec"] |= {"apiBaseUrl": base_url, "loginBaseUrl": base_url}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _runner(
    tmp_path: Path,
    wheel_bin: Path,
    fake_github: FakeGitHub,
    github_env: dict[str, str],
    envs: list[str],
) -> Runner:
    shims, temp, home = tmp_path / "shims", tmp_path / "runner-temp", tmp_path / "home"
    for folder in (shims, temp, home):
        folder.mkdir()
    python = shims / "python"  # record what the action installs; the wheel is installed already
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -m ] && [ "$2" = pip ]; then\n'
        f'  echo "$@" >> {tmp_path}/pip.log; env >> {tmp_path}/pip.env; exit 0\n'
        "fi\n"
        f'exec {wheel_bin}/python "$@"\n'
    )
    python.chmod(0o755)
    base = {
        "PATH": os.pathsep.join([str(shims), str(wheel_bin), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(temp),
        "LANG": "C.UTF-8",
        # The embedded sandbox provisions at once: the workflows are under test, not delays.
        "RECONCILE_SANDBOX_PROVISION_SECONDS": "0:0.05",
    } | {k: v for k, v in github_env.items() if k != "GITHUB_TOKEN"}  # mapped by each step
    github: dict[str, Any] = {
        "repository": fake_github.repo,
        "ref": "refs/heads/main",
        "sha": "",
        "token": FAKE_TOKEN,
        "server_url": "https://github.com",
        "run_id": RUN_ID,
        "event": {
            "pull_request": {
                "number": PR,
                "base": {"sha": ""},
                "head": {"repo": {"full_name": fake_github.repo}, "sha": ""},
            },
            # Absent from a pull_request event (null on GitHub); the expressions here are strict.
            "merge_group": {"base_sha": "", "head_sha": ""},
        },
    }
    return Runner(
        origin=tmp_path / "origin.git",
        temp=temp,
        tool=TOOL,
        base_env=base,
        contexts={
            "secrets": _repository_secrets(envs),
            "vars": {"RECONCILE_APP_CLIENT_ID": ""},
            "github": github,
        },
        orgs=tmp_path / "orgs",  # for a job run with --sandbox (none of the workflows)
        environment_secrets=_environment_secrets(envs),
        upload=lambda name, path: fake_github.add_artifact(name, {path.name: path.read_bytes()}),
    )


def _describe(result: WorkflowRun) -> str:
    return "\n".join(
        f"--- {s.job}: {s.name} (exit {s.returncode})\n{s.stdout}{s.stderr}" for s in result.steps
    )


def _assert_no_secret_leaks(repo: ConfigRepo, *texts: str) -> None:
    for name, value in repo.secrets().items():
        for text in texts:
            assert value not in text, f"secret {name} leaked"


def _hash_pinned_then_no_deps(pair: tuple[str, str]) -> bool:
    """The action's two installs: the lock with hashes required, then the tool alone."""
    lock, tool = pair
    return lock.endswith("--require-hashes -r " + str(Path(lock.split(" -r ")[-1]))) and (
        lock.endswith("/.reconcile-tool/requirements.lock")
        and "--no-deps" in tool
        and tool.endswith("/.reconcile-tool")
    )


def test_the_install_step_sees_no_secret_and_the_drift_step_runs_after_it(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev")
    result = repo.run("drift.yml")
    assert result.failed_jobs == [], _describe(result)
    installs = (repo.root.parent / "pip.log").read_text().splitlines()
    assert len(installs) == 2 and _hash_pinned_then_no_deps((installs[0], installs[1])), installs
    seen_by_pip = (repo.root.parent / "pip.env").read_text()
    secrets = repo.secrets()
    assert secrets and all(value not in seen_by_pip for value in secrets.values())
    assert "GENESYS_DEV_CLIENT_ID" not in seen_by_pip
    _assert_no_secret_leaks(repo, result.output)


@WAITS_FOR_PLAN_VERBS
def test_plan_reports_for_every_environment_and_comments_only_where_the_pr_changes_one(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    repo = scaffold("dev,staging,prod")
    repo.open_pr({MODEL.format(env="dev"): ("temperature: 0.1", "temperature: 0.3")})
    first = repo.run("plan.yml")
    assert first.failed_jobs == [], _describe(first)

    [comment] = fake_github.comments_on(PR)
    assert comment["body"].startswith("<!-- reconcile:plan:dev -->")
    assert "`example-classifier`" in comment["body"]
    summary = Path(github_env["GITHUB_STEP_SUMMARY"]).read_text()
    for env in ("staging", "prod"):
        assert f"Nothing to plan: this pull request does not change environments/{env}/" in summary
    installs = (repo.root.parent / "pip.log").read_text().splitlines()
    pairs = zip(installs[::2], installs[1::2], strict=True)
    assert installs and all(_hash_pinned_then_no_deps(pair) for pair in pairs)
    assert "reconcile, version" in first.output  # the wheel's reconcile ran
    _assert_no_secret_leaks(repo, first.output, summary, comment["body"])


@WAITS_FOR_PLAN_VERBS
def test_a_plan_blocked_by_policy_fails_its_check_but_still_comments(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev,prod")
    repo.open_pr({"environments/prod/environment.yaml": ("monthlyUsd: 500", "monthlyUsd: 0.01")})
    result = repo.run("plan.yml")
    assert result.failed_jobs == ["prod/plan", "prod"], _describe(result)
    assert "reconcile plan for 'prod' failed with exit 4" in result.output
    [comment] = fake_github.comments_on(PR)
    assert comment["body"].startswith("<!-- reconcile:plan:prod -->")
    assert "budget" in comment["body"].lower()
    assert fake_github.artifacts == []  # a plan blocked by policy is not saved for the merge


@WAITS_FOR_PLAN_VERBS
def test_each_environment_applies_the_commit_the_one_before_it_applied_not_the_tip(
    scaffold: Callable[[str], ConfigRepo],
) -> None:
    repo = scaffold("staging,prod")
    applied = repo.commit(
        "staging and prod at 0.2",
        edits={
            MODEL.format(env=env): ("temperature: 0.1", "temperature: 0.2") for env in repo.envs
        },
    )
    # prod's reviewer approves later: by then main holds a commit staging never applied
    repo.commit(
        "prod at 0.9", edits={MODEL.format(env="prod"): ("temperature: 0.2", "temperature: 0.9")}
    )
    repo.push_main(trigger=applied)
    result = repo.run("apply.yml")
    assert result.failed_jobs == [], _describe(result)
    assert result.outputs["staging"] == {"applied-commit": applied}

    for env in repo.envs:
        snapshot = repo.snapshot(env)
        assert snapshot["gitCommit"] == applied
        [model] = snapshot["models"]
        assert model["configuration"]["temperature"] == 0.2
    log = repo.remote("log", "--format=%s", "main").splitlines()
    assert [line.split(":")[0] for line in log[:2]] == ["reconcile(prod)", "reconcile(staging)"]
    assert all("[skip ci]" in line for line in log[:2])
    _assert_no_secret_leaks(
        repo, result.output, repo.remote("show", "main:state/prod/snapshot.json")
    )


@WAITS_FOR_PLAN_VERBS
def test_drift_opens_an_issue_apply_on_merge_pushes_state_and_drift_then_closes_it(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev")
    before = repo.run("drift.yml")  # nothing applied yet: the endpoint is missing
    assert before.failed_jobs == [], _describe(before)
    [issue] = fake_github.issues.values()
    assert issue["state"] == "open" and issue["body"].startswith("<!-- reconcile:drift:dev -->")

    repo.push_main()
    applied = repo.run("apply.yml")
    assert applied.failed_jobs == [], _describe(applied)
    assert repo.snapshot("dev")["serial"] == 1
    assert "state/dev/audit.jsonl" in repo.remote("ls-tree", "-r", "--name-only", "main")

    after = repo.run("drift.yml")  # with the read-only client only: keys are not compared
    assert after.failed_jobs == [], _describe(after)
    assert issue["state"] == "closed"
    assert "git history of state/ checked" in after.output
    _assert_no_secret_leaks(repo, before.output, applied.output, after.output, issue["body"])


@WAITS_FOR_PLAN_VERBS
def test_drift_fails_when_the_committed_audit_history_was_rewritten(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev")
    repo.push_main()
    assert repo.run("apply.yml").failed_jobs == []
    _git(repo.root, "pull", "-q", "--rebase", "origin", "main")
    log = repo.root / "state" / "dev" / "audit.jsonl"
    log.write_text("\n".join(log.read_text().splitlines()[1:]) + "\n")  # drop the first entry
    _git(repo.root, "commit", "-q", "-am", "tidy the audit log")
    repo.push_main()
    result = repo.run("drift.yml")
    assert result.failed_jobs == ["dev/drift", "dev"], _describe(result)
    assert result.steps[-1].name == "Check the audit log and the git history of the state"
    assert result.steps[-1].returncode == 1


def test_apply_from_a_branch_other_than_main_is_refused(
    scaffold: Callable[[str], ConfigRepo],
) -> None:
    repo = scaffold("dev")
    repo.push_main()
    repo.runner.contexts["github"]["ref"] = "refs/heads/feature"  # workflow_dispatch on a branch
    result = repo.run("apply.yml")
    assert result.failed_jobs == ["dev/apply", "dev"]
    assert "apply runs only on main, not on 'refs/heads/feature'" in result.output
    assert [s.name for s in result.steps] == ["Refuse refs other than main"]
    assert repo.live("dev") == []  # the org was never changed


@WAITS_FOR_PLAN_VERBS
def test_a_refused_push_sends_the_state_to_a_pull_request_instead_of_losing_it(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev,prod")
    hook = repo.origin / "hooks" / "pre-receive"  # a ruleset the job token cannot pass
    hook.write_text(
        "#!/bin/sh\nwhile read old new ref; do\n"
        '  [ "$ref" = refs/heads/main ] && { echo "protected branch"; exit 1; }\ndone\nexit 0\n'
    )
    hook.chmod(0o755)
    repo.runner.contexts["github"]["sha"] = _git(repo.root, "rev-parse", "HEAD")
    result = repo.run("apply.yml")
    assert result.failed_jobs == ["dev/apply", "dev", "prod"], _describe(result)
    branch = f"reconcile/state-dev-{RUN_ID}"
    assert "could not be pushed to main; it waits in a pull request" in result.output
    [pull] = fake_github.pulls.values()
    assert pull["head"] == {"ref": branch} and pull["base"] == {"ref": "main"}
    kept = json.loads(repo.remote("show", f"{branch}:state/dev/snapshot.json"))
    assert kept["serial"] == 1 and kept["models"][0]["name"] == "example-classifier"


@WAITS_FOR_PLAN_VERBS
def test_the_action_alone_exposes_the_exit_code_and_both_reports(
    scaffold: Callable[[str], ConfigRepo],
) -> None:
    repo = scaffold("dev")
    checkout = {"persist-credentials": "false", "repository": "acme/tool", "path": "t"}
    workflow = {
        "jobs": {
            "check": {
                "outputs": {
                    k: f"${{{{ steps.r.outputs.{k} }}}}" for k in ("exit-code", "markdown", "json")
                },
                "steps": [
                    {"uses": "actions/checkout@0123", "with": checkout},
                    {
                        "uses": "./t",
                        "id": "r",
                        "with": {"command": "plan", "env": "dev", "args": "--sandbox"},
                    },
                ],
            }
        }
    }
    result = repo.runner.run(workflow)
    assert result.failed_jobs == [], _describe(result)
    out = result.outputs["check"]
    assert out["exit-code"] == "2"
    assert Path(out["markdown"]).read_text().startswith("### ")
    assert json.loads(Path(out["json"]).read_text())["formatVersion"] == 1


def _live_temperature(repo: ConfigRepo, env: str) -> float:
    """The temperature of the one model the org holds."""
    [model] = repo.live(env)
    return float(model["configuration"]["temperature"])


def _org_text(repo: ConfigRepo, env: str) -> str:
    return json.dumps(repo.live(env), sort_keys=True)


def _plan_then_merge(repo: ConfigRepo, *, live_first: bool) -> WorkflowRun:
    """A pull request setting the example model to 0.3, and its plan (an update of the live
    model at 0.1 with ``live_first``, else its creation)."""
    if live_first:
        repo.push_main()
        first = repo.run("apply.yml")  # no saved plan for this commit: a fresh plan
        assert first.failed_jobs == [], _describe(first)
        _git(repo.root, "pull", "-q", "--rebase", "origin", "main")
    repo.open_pr({MODEL.format(env="dev"): ("temperature: 0.1", "temperature: 0.3")})
    planned = repo.run("plan.yml")
    assert planned.failed_jobs == [], _describe(planned)
    return planned


@WAITS_FOR_PLAN_VERBS
def test_the_plan_reviewed_in_the_pull_request_is_the_plan_applied_on_merge(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev")
    _plan_then_merge(repo, live_first=True)
    head = repo.runner.contexts["github"]["event"]["pull_request"]["head"]["sha"]
    [artifact] = [a for a in fake_github.artifacts if a["name"].endswith(head)]
    assert artifact["name"] == f"reconcile-plan-dev-{head}"
    [comment] = fake_github.comments_on(PR)
    assert "Saved plan `" in comment["body"] and f"reconcile-plan-dev-{head}" in comment["body"]

    repo.merge_pr(fake_github)
    applied = repo.run("apply.yml")
    assert applied.failed_jobs == [], _describe(applied)
    assert f"the plan of 'dev' reviewed at {head[:12]}" in applied.output
    assert _live_temperature(repo, "dev") == 0.3
    _assert_no_secret_leaks(repo, applied.output)


@WAITS_FOR_PLAN_VERBS
def test_a_plan_gone_stale_after_review_is_refused_and_the_pull_request_told_how_to_re_plan(
    scaffold: Callable[[str], ConfigRepo], fake_github: FakeGitHub
) -> None:
    repo = scaffold("dev")
    _plan_then_merge(repo, live_first=False)
    # someone creates the model by hand at 0.5: the reviewed "create" is now an update
    repo.change_live_outside_git(
        "dev", {MODEL.format(env="dev"): ("temperature: 0.1", "temperature: 0.5")}
    )
    before = _org_text(repo, "dev")

    repo.merge_pr(fake_github)
    refused = repo.run("apply.yml")
    assert refused.failed_jobs == ["dev/apply", "dev"], _describe(refused)
    assert "reconcile apply of 'dev' failed with exit 4" in refused.output
    assert _org_text(repo, "dev") == before  # nothing was changed
    assert _live_temperature(repo, "dev") == 0.5
    [comment] = fake_github.comments_on(PR)
    assert "stale-plan" in comment["body"] and "open a pull request" in comment["body"]
