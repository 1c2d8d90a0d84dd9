"""`reconcile plan` and `reconcile apply`: cause, saved plans, targets, as a user runs them.

The live side is a sandbox server over real HTTP; a change "outside git" is made through its
API, as someone with the Genesys console or a script would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo, default_client, live_models
from tests.report.harness import Ran, reconcile

SERVER_FIELDS = ("id", "status", "version", "errorReason", "errors", "dateCreated")
SERVER_FIELDS += ("dateModified", "selfUri")


def change_outside_git(server: Any, name: str, temperature: float) -> None:
    """A live edit through the Gateway API, as the console would make it."""
    with default_client(server) as client:
        model = client.find_model_by_name(name)
        assert model is not None
        body = {k: v for k, v in model.items() if k not in SERVER_FIELDS}
        body["configuration"] = {**body["configuration"], "temperature": temperature}
        client.update_model(str(model["id"]), {**body, "version": model["version"]})


def temperatures(server: Any) -> dict[str, float]:
    return {m["name"]: m["configuration"]["temperature"] for m in live_models(server)}


def audit_lines(repo: ConfigRepo) -> list[str]:
    return (repo.root / "state" / ENV / "audit.jsonl").read_text().splitlines()


@pytest.fixture
def applied(
    sandbox_factory: Callable[..., Any], make_config_repo: Callable[[str], ConfigRepo]
) -> tuple[Any, ConfigRepo]:
    """Two models applied and recorded: the last snapshot matches live and git."""
    server = sandbox_factory(clock=SystemClock(), provision_seconds=(0.01, 0.02))
    repo = make_config_repo(server.base_url)
    repo.write_model("alpha-model")
    repo.write_model("beta-model")
    done = reconcile(repo, "apply", "--env", ENV, "--yes")
    assert done.code == ExitCode.OK, done.err
    return server, repo


def both_kinds(server: Any, repo: ConfigRepo) -> None:
    """alpha changed outside git (0.1 -> 0.7 live); beta changed in git (maxTokens)."""
    change_outside_git(server, "alpha-model", 0.7)
    repo.write_model("beta-model", configuration={"temperature": 0.1, "maxTokens": 900})


def test_the_plan_tells_changes_outside_git_from_changes_in_git(applied: Any) -> None:
    server, repo = applied
    both_kinds(server, repo)
    doc = json.loads(reconcile(repo, "plan", "--env", ENV, "--format", "json").out)
    causes = {i["name"]: i["cause"] for i in doc["update"]}
    assert causes == {"alpha-model": "drift", "beta-model": "git"}
    drift = json.loads(reconcile(repo, "drift", "--env", ENV, "--format", "json").out)
    assert [i["name"] for i in drift["drifted"]] == ["alpha-model"]  # the same comparison
    assert [i["name"] for i in drift["pending"]] == ["beta-model"]
    assert {i["name"]: i["cause"] for i in drift["update"]} == causes  # and its plan lists
    alpha = next(i for i in doc["update"] if i["name"] == "alpha-model")
    assert [(c["path"], c["old"], c["new"]) for c in alpha["liveChanges"]] == [
        ("configuration.temperature", 0.1, 0.7)
    ]
    text = reconcile(repo, "plan", "--env", ENV)
    assert text.code == ExitCode.CHANGES_PENDING
    outside, _, from_git = text.out.partition("Changes from git:")
    assert "Changed outside git" in outside and "alpha-model" in outside
    assert "configuration.temperature: 0.7 → 0.1" in outside and "beta-model" not in outside
    assert "beta-model" in from_git and "alpha-model" not in from_git
    markdown = reconcile(repo, "plan", "--env", ENV, "--format", "markdown").out
    assert markdown.startswith("> [!WARNING]") and "`alpha-model`" in markdown.splitlines()[1]
    above, _, below = markdown.partition("#### Changes from git")
    assert (
        "| `alpha-model` | update | drift | `configuration.temperature` | `0.7` | `0.1` |" in above
    )
    assert "`beta-model`" in below and "`alpha-model`" not in below.split("<details>")[0]


def test_a_change_in_git_and_outside_it_on_one_model_is_both(applied: Any) -> None:
    server, repo = applied
    change_outside_git(server, "alpha-model", 0.7)
    repo.write_model("alpha-model", configuration={"temperature": 0.1, "maxTokens": 900})
    doc = json.loads(reconcile(repo, "plan", "--env", ENV, "--format", "json").out)
    assert [(i["name"], i["cause"]) for i in doc["update"]] == [("alpha-model", "both")]
    text = reconcile(repo, "plan", "--env", ENV).out
    assert "(also changed outside git, see above)" in text.partition("Changes from git:")[2]


def test_a_model_deleted_outside_git_is_created_again_with_cause_drift(applied: Any) -> None:
    server, repo = applied
    with default_client(server) as client:
        model = client.find_model_by_name("alpha-model")
        assert model is not None
        client.delete_model(str(model["id"]))
    doc = json.loads(reconcile(repo, "plan", "--env", ENV, "--format", "json").out)
    assert [(i["name"], i["cause"]) for i in doc["create"]] == [("alpha-model", "drift")]
    text = reconcile(repo, "plan", "--env", ENV).out
    assert "alpha-model (create, cause: drift) - deleted outside git; the apply creates it" in text


def test_a_plan_in_sync_has_no_outside_git_section(applied: Any) -> None:
    _server, repo = applied
    done = reconcile(repo, "plan", "--env", ENV, "--format", "markdown")
    assert done.code == ExitCode.OK and "[!WARNING]" not in done.out
    assert "Changed outside git" not in reconcile(repo, "plan", "--env", ENV).out


def save(repo: ConfigRepo, path: Path, *extra: str) -> Ran:
    return reconcile(repo, "plan", "--env", ENV, "--out", str(path), *extra)


def test_a_saved_plan_is_refused_after_a_live_change_and_nothing_changes(
    applied: Any, tmp_path: Path
) -> None:
    server, repo = applied
    repo.write_model("beta-model", configuration={"temperature": 0.3, "maxTokens": 500})
    saved = tmp_path / "plan.json"
    assert save(repo, saved).code == ExitCode.CHANGES_PENDING
    doc = json.loads(saved.read_text())
    assert len(doc["planDigest"]) == 64 and "gitCommit" in doc
    comment = save(repo, tmp_path / "again.json", "--format", "markdown").out
    assert comment.rstrip().endswith(f"<sub>saved plan: planDigest `{doc['planDigest']}`</sub>")
    change_outside_git(server, "alpha-model", 0.9)
    before, log = temperatures(server), audit_lines(repo)
    stale = reconcile(repo, "apply", "--env", ENV, "--plan", str(saved), "--yes")
    assert stale.code == ExitCode.BLOCKED
    assert "stale" in stale.err and "alpha-model: now update" in stale.err
    assert temperatures(server) == before == {"alpha-model": 0.9, "beta-model": 0.1}
    assert audit_lines(repo) == log
    as_json = reconcile(
        repo, "apply", "--env", ENV, "--plan", str(saved), "--yes", "--format", "json"
    )
    failure = json.loads(as_json.out)
    assert as_json.code == ExitCode.BLOCKED and failure["error"]["code"] == "stale-plan"
    assert failure["error"]["exitCode"] == 4 and failure["differences"][0].startswith("alpha-model")
    assert temperatures(server) == before and audit_lines(repo) == log


def test_a_saved_plan_applied_unchanged_applies(applied: Any, tmp_path: Path) -> None:
    server, repo = applied
    repo.write_model("beta-model", configuration={"temperature": 0.3, "maxTokens": 500})
    saved = tmp_path / "plan.json"
    assert save(repo, saved).code == ExitCode.CHANGES_PENDING
    done = reconcile(repo, "apply", "--env", ENV, "--plan", str(saved), "--yes")
    assert done.code == ExitCode.OK, done.err
    assert temperatures(server) == {"alpha-model": 0.1, "beta-model": 0.3}
    assert reconcile(repo, "plan", "--env", ENV).code == ExitCode.OK


def test_a_target_limits_the_plan_and_the_apply(applied: Any) -> None:
    server, repo = applied
    both_kinds(server, repo)
    doc = json.loads(
        reconcile(repo, "plan", "--env", ENV, "--target", "beta-model", "--format", "json").out
    )
    assert [i["name"] for i in doc["update"]] == ["beta-model"] and doc["noop"] == []
    done = reconcile(repo, "apply", "--env", ENV, "--target", "beta-model", "--yes")
    assert done.code == ExitCode.OK, done.err
    assert temperatures(server)["alpha-model"] == 0.7  # the change outside git is left alone
    left = json.loads(reconcile(repo, "plan", "--env", ENV, "--format", "json").out)
    assert [i["name"] for i in left["update"]] == ["alpha-model"]


def test_an_unknown_target_names_the_known_models(applied: Any) -> None:
    _server, repo = applied
    done = reconcile(repo, "plan", "--env", ENV, "--target", "gamma-model")
    assert done.code == ExitCode.INVALID
    assert "gamma-model" in done.err and "alpha-model, beta-model" in done.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a saved plan"),
        ('{"formatVersion": 1, "environment": "staging"}', "planDigest"),
        ('{"formatVersion": 1, "environment": "prod", "planDigest": "' + "0" * 64 + '"}', "'prod'"),
    ],
)
def test_a_malformed_or_foreign_saved_plan_is_exit_1(
    applied: Any, tmp_path: Path, content: str, message: str
) -> None:
    _server, repo = applied
    path = tmp_path / "plan.json"
    path.write_text(content)
    done = reconcile(repo, "apply", "--env", ENV, "--plan", str(path), "--yes", "--format", "json")
    assert done.code == ExitCode.INVALID and message in done.err
    assert json.loads(done.out)["error"]["exitCode"] == 1


def test_an_edited_saved_plan_is_refused(applied: Any, tmp_path: Path) -> None:
    _server, repo = applied
    repo.write_model("beta-model", configuration={"temperature": 0.3, "maxTokens": 500})
    path = tmp_path / "plan.json"
    save(repo, path)
    path.write_text(path.read_text().replace("0.3", "0.4"))
    done = reconcile(repo, "apply", "--env", ENV, "--plan", str(path), "--yes")
    assert done.code == ExitCode.INVALID and "was edited" in done.err


def test_a_saved_plan_whose_changes_hold_a_secret_applies_unchanged(
    applied: Any, tmp_path: Path
) -> None:
    """The file holds the redacted changes, so the digest is of the redacted changes too: a
    description that repeats a secret was refused as "edited" although nobody touched it."""
    _server, repo = applied
    secret = repo.environ["GENESYS_CLIENT_SECRET"]
    repo.write_model("beta-model", description=f"rotated with {secret} last week")
    saved = tmp_path / "plan.json"
    assert save(repo, saved).code == ExitCode.CHANGES_PENDING
    assert secret not in saved.read_text()
    done = reconcile(repo, "apply", "--env", ENV, "--plan", str(saved), "--yes")
    assert done.code == ExitCode.OK, done.err
    assert reconcile(repo, "plan", "--env", ENV).code == ExitCode.OK


def test_a_saved_plan_whose_targets_are_not_a_list_of_names_is_exit_1(
    applied: Any, tmp_path: Path
) -> None:
    """A string was iterated letter by letter: "--target -, a, d, e, h, l, m, o, p: no model"."""
    _server, repo = applied
    repo.write_model("beta-model", configuration={"temperature": 0.3, "maxTokens": 500})
    path = tmp_path / "plan.json"
    save(repo, path, "--target", "beta-model")
    doc = json.loads(path.read_text())
    path.write_text(json.dumps(doc | {"targets": "beta-model"}))
    done = reconcile(repo, "apply", "--env", ENV, "--plan", str(path), "--yes")
    assert done.code == ExitCode.INVALID and "field 'targets'" in done.err, done.err


def test_a_plan_that_cannot_be_saved_is_exit_1_naming_the_file(
    applied: Any, tmp_path: Path
) -> None:
    """``--out`` under a regular file (or in /proc) was an "unexpected error" and a crash log."""
    _server, repo = applied
    repo.write_model("beta-model", configuration={"temperature": 0.3, "maxTokens": 500})
    (tmp_path / "afile").write_text("")
    out = tmp_path / "afile" / "plan.json"
    done = save(repo, out, "--format", "json")
    assert done.code == ExitCode.INVALID, done.err
    failure = json.loads(done.out)["error"]
    assert failure["code"] == "invalid" and str(out) in failure["message"]
    assert "unexpected" not in done.err


def test_a_model_repeating_a_secret_is_in_sync_after_its_apply(applied: Any) -> None:
    """The snapshot holds ``[redacted]`` where live holds the secret; compared as they were,
    the model was "changed outside git" forever (drift exit 2, and a plan cause of drift)."""
    _server, repo = applied
    secret = repo.environ["GENESYS_CLIENT_SECRET"]
    repo.write_model(
        "beta-model",
        description=f"rotated with {secret} last week",
        responseSchema={"type": "object", "properties": {secret: {"type": "string"}}},
    )
    assert reconcile(repo, "apply", "--env", ENV, "--yes").code == ExitCode.OK
    drift = reconcile(repo, "drift", "--env", ENV, "--format", "json")
    assert drift.code == ExitCode.OK, drift.out
    assert json.loads(drift.out)["drifted"] == []
    repo.write_model("alpha-model", configuration={"temperature": 0.1, "maxTokens": 900})
    repo.write_model(
        "beta-model",
        description=f"rotated with {secret} last week",
        responseSchema={"type": "object", "properties": {secret: {"type": "string"}}},
        configuration={"temperature": 0.2, "maxTokens": 500},
    )
    doc = json.loads(reconcile(repo, "plan", "--env", ENV, "--format", "json").out)
    assert {i["name"]: i["cause"] for i in doc["update"]} == {
        "alpha-model": "git",
        "beta-model": "git",
    }


@pytest.mark.parametrize("inside", ["state/staging/snapshot.json", "environments/staging/p.json"])
def test_a_plan_is_never_saved_over_state_or_manifests(applied: Any, inside: str) -> None:
    """``plan`` changes nothing: ``--out state/<env>/snapshot.json`` replaced the snapshot
    with the plan, and every later run stopped at "not a valid snapshot"."""
    _server, repo = applied
    target = repo.root / inside
    before = target.read_bytes() if target.exists() else None
    done = reconcile(repo, "plan", "--env", ENV, "--out", str(target))
    assert done.code == ExitCode.INVALID and "--out" in done.err, done.err
    assert (target.read_bytes() if target.exists() else None) == before
    assert reconcile(repo, "plan", "--env", ENV).code == ExitCode.OK
