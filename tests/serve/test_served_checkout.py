"""The served checkout stays consistent: a direct apply commits all or nothing, follows the
remote with ``--push``, and never applies edits nobody committed (ignored files included) nor
the files of a branch a person switched the checkout to (hostile reviews H1, H2, M5; second
review H2, H3).

Real git repositories in temporary folders and the real service over loopback HTTP; a person
committing in the served checkout while a request is checked is a real ``git commit`` run at
the moment the request plans.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from reconciler.gitops.snapshot import read_snapshot
from reconciler.serve import configure as configure_module
from reconciler.serve.branches import open_served
from reconciler.serve.checkout import ServingMark
from reconciler.structs.errors import ConfigError
from tests.fixtures_engine import ConfigRepo, live_models, model_manifest
from tests.fixtures_gitops import bare_remote, configure, git
from tests.fixtures_serve import Api, commit_all, start_service
from tests.serve.test_apply_and_invoke import allow_apply, follow

MANIFEST = "environments/staging/models/ticket-triage.yaml"


def _apply_request(name: str = "ticket-triage", **extra: Any) -> dict[str, Any]:
    return {"env": "staging", "model": model_manifest(name), "apply": True, **extra}


def _operator_commits(repo: ConfigRepo, *, times: int | None = None, env: bool = True) -> Any:
    """A stand-in for ``plan_of`` that first makes a person's commit in the served checkout
    (``times`` times, every call when None), as a commit racing the request would: one that
    edits the environment's manifests (``env``), or an empty one."""
    real = configure_module.plan_of
    done = {"n": 0}

    def racing(connections: Any, loaded: Any) -> Any:
        if times is None or done["n"] < times:
            done["n"] += 1
            if env:
                tokens = {"temperature": 0.1, "maxTokens": 500 + done["n"], "topP": 1.0}
                repo.write_model("support-classifier", configuration=tokens)
                git(repo.root, "add", "-A")
            git(repo.root, "commit", "--quiet", "--allow-empty", "--no-verify", "-m", "operator")
        return real(connections, loaded)

    return racing


def test_a_commit_racing_every_attempt_is_409_locked_and_leaves_nothing_staged(
    api: Api, served_repo: ConfigRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    monkeypatch.setattr(configure_module, "plan_of", _operator_commits(served_repo))
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "locked"
    assert "moved" in error["message"] and "nothing was changed" in error["message"]
    assert "cannot lock ref" not in error["message"]
    assert git(root, "status", "--porcelain") == ""  # nothing staged, nothing written
    assert not (root / MANIFEST).exists()
    assert "ticket-triage" not in git(root, "log", "--format=%s")
    assert api.service.jobs.recent() == []
    # the person's next commit takes only what they meant
    git(root, "commit", "--quiet", "--allow-empty", "-m", "operator again")
    assert git(root, "show", "--name-only", "--format=", "HEAD").strip() == ""


@pytest.mark.parametrize("env", [True, False], ids=["checked-again", "same-environment"])
def test_a_commit_racing_is_taken_in_turn_on_top_of_it(
    api: Api, served_repo: ConfigRepo, monkeypatch: pytest.MonkeyPatch, env: bool
) -> None:
    """Once with an edit of the environment: the request is checked again from the new
    commit. On every attempt without one (a person's commit elsewhere): nothing the request
    was checked against changed, so it is committed on top."""
    allow_apply(served_repo)
    root = served_repo.root
    racing = _operator_commits(served_repo, times=1 if env else None, env=env)
    monkeypatch.setattr(configure_module, "plan_of", racing)
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 202, answer.text
    follow(api, answer.json()["job"]["links"]["self"])
    subjects = git(root, "log", "--format=%s", "-3").splitlines()
    assert "ticket-triage" in subjects[1] and subjects[2] == "operator"
    assert git(root, "status", "--porcelain") == ""
    # the operator's 501 is what the plan answered with (checked again), or nothing changed
    changes = answer.json()["plan"]["create"]
    tokens = {c["name"]: c["changes"][0]["new"]["maxTokens"] for c in changes}
    assert tokens["support-classifier"] == (501 if env else 500)


def test_two_services_on_one_root_take_turns_and_the_second_warns(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    caplog.set_level(logging.WARNING, logger="reconciler.serve")
    with (
        start_service(served_repo, sandbox_clock, tmp_path) as one,
        start_service(served_repo, sandbox_clock, tmp_path) as two,
    ):
        warned = [
            r.getMessage() for r in caplog.records if "another reconcile serve" in r.getMessage()
        ]
        assert len(warned) == 1 and str(root) in warned[0]
        answers: dict[str, Any] = {}

        def send(running: Any, name: str) -> None:
            answers[name] = Api(running.url, running.service)(
                "POST", "/api/configure-model", json=_apply_request(name)
            )

        threads = [
            threading.Thread(target=send, args=(one, "from-one")),
            threading.Thread(target=send, args=(two, "from-two")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for name, running in (("from-one", one), ("from-two", two)):
            answer = answers[name]
            assert answer.status_code in (202, 409), answer.text
            if answer.status_code == 202:
                follow(Api(running.url, running.service), answer.json()["job"]["links"]["self"])
            else:
                assert answer.json()["error"]["code"] == "locked"
    assert git(root, "status", "--porcelain") == ""
    committed = set(git(root, "ls-files", "environments/staging/models").split())
    accepted = {n for n, a in answers.items() if a.status_code == 202}
    assert accepted and {Path(p).stem for p in committed} == {"support-classifier", *accepted}


def test_uncommitted_manifest_edits_are_refused_not_applied(
    api: Api, served_repo: ConfigRepo
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    served_repo.write_model(
        "support-classifier", configuration={"temperature": 0.1, "maxTokens": 999, "topP": 1.0}
    )
    head = git(root, "rev-parse", "HEAD")
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    message = answer.json()["error"]["message"]
    assert "environments/staging/models/support-classifier.yaml" in message
    assert "git stash" in message or "commit" in message
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain").split() == [
        "M",
        "environments/staging/models/support-classifier.yaml",
    ]
    assert api.service.jobs.recent() == []


@pytest.mark.parametrize("rule", [".git/info/exclude", ".gitignore"])
def test_an_ignored_manifest_is_uncommitted_too(
    api: Api, served_repo: ConfigRepo, sandbox: Any, rule: str
) -> None:
    """``git status`` does not list an ignored file, yet the job loads every manifest of the
    folder: the apply put a manifest nobody committed live, recorded as the clean commit."""
    allow_apply(served_repo)
    root = served_repo.root
    sneaky = "environments/staging/models/sneaky-model.yaml"
    (root / sneaky).write_text(yaml.safe_dump(model_manifest("sneaky-model"), sort_keys=False))
    with (root / rule).open("a") as out:
        out.write(f"{sneaky}\n")
    head = git(root, "rev-parse", "HEAD")
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "conflict" and sneaky in error["message"]
    assert git(root, "rev-parse", "HEAD") == head
    assert (root / sneaky).is_file()  # kept, for its author to commit or remove
    assert live_models(sandbox) == [] and api.service.jobs.recent() == []


def _person_switches(root: Path) -> None:
    git(root, "switch", "--quiet", "-c", "person-wip")
    git(root, "commit", "--quiet", "--allow-empty", "-m", "wip elsewhere")


def _nothing_moved(root: Path, main: str) -> None:
    assert git(root, "rev-parse", "main") == main
    assert git(root, "symbolic-ref", "HEAD").strip() == "refs/heads/person-wip"
    assert git(root, "status", "--porcelain") == ""  # nothing staged on the person's branch
    assert not (root / MANIFEST).exists()


def test_a_checkout_switched_to_another_branch_is_409_and_left_alone(
    api: Api, served_repo: ConfigRepo
) -> None:
    """A direct apply moved ``main`` and switched the index and work tree of the branch
    checked out (the person's), staging the manifest there."""
    allow_apply(served_repo)
    root = served_repo.root
    main = git(root, "rev-parse", "main")
    _person_switches(root)
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "conflict"
    assert "'person-wip'" in error["message"] and "git switch main" in error["message"]
    _nothing_moved(root, main)
    assert api.service.jobs.recent() == []


def test_a_switch_while_the_request_is_checked_is_409_and_left_alone(
    api: Api, served_repo: ConfigRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check made where the index is switched, under its lock, not only at the start."""
    allow_apply(served_repo)
    root = served_repo.root
    main = git(root, "rev-parse", "main")
    real = configure_module.plan_of

    def switching(connections: Any, loaded: Any) -> Any:
        _person_switches(root)
        return real(connections, loaded)

    monkeypatch.setattr(configure_module, "plan_of", switching)
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    assert "not on the served branch 'main'" in answer.json()["error"]["message"]
    _nothing_moved(root, main)


def test_a_switch_while_the_job_waits_fails_the_job_before_anything_is_applied(
    api: Api, served_repo: ConfigRepo, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job applies the files of the checkout: those of the person's branch by then."""
    allow_apply(served_repo)
    root = served_repo.root
    start_job = api.service.start_job

    def switched_meanwhile(*args: Any, **kwargs: Any) -> Any:
        git(root, "switch", "--quiet", "-c", "person-wip")
        return start_job(*args, **kwargs)

    monkeypatch.setattr(api.service, "start_job", switched_meanwhile)
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 202, answer.text
    job = follow(api, answer.json()["job"]["links"]["self"])
    assert job["status"] == "FAILED", job
    assert "'person-wip'" in job["result"]["error"]["message"]
    assert live_models(sandbox) == []


@pytest.fixture
def teammate(served_repo: ConfigRepo, tmp_path: Path) -> Path:
    """The served repository published to a bare origin, and a teammate's clone of it."""
    remote = bare_remote(served_repo.root, tmp_path)
    clone = tmp_path / "mate"
    git(tmp_path, "clone", "--quiet", str(remote), str(clone))
    configure(clone, name="Mate", email="mate@example.invalid")
    return clone


def _warmer(clone: Path) -> str:
    path = clone / "environments" / "staging" / "models" / "support-classifier.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["spec"]["configuration"]["temperature"] = 0.7
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    sha = commit_all(clone, "mate: warmer")
    git(clone, "push", "--quiet", "origin", "main")
    return sha


def test_with_push_an_apply_first_follows_the_remote(
    served_repo: ConfigRepo, teammate: Path, sandbox: Any, sandbox_clock: Any, tmp_path: Path
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    git(root, "push", "--quiet", "origin", "main")
    git(teammate, "pull", "--quiet")
    mate = _warmer(teammate)
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        answer = api("POST", "/api/configure-model", json=_apply_request())
        assert answer.status_code == 202, answer.text
        body = answer.json()
        job = follow(api, body["job"]["links"]["self"])
        assert job["status"] == "SUCCEEDED", job
    # the apply's commit sits on the teammate's, whose warmer model is what went live
    assert git(root, "rev-parse", f"{body['commit']}^").strip() == mate
    live = {m["name"]: m for m in live_models(sandbox)}
    assert live["support-classifier"]["configuration"]["temperature"] == 0.7
    snapshot = read_snapshot(root, "staging")
    assert snapshot is not None and snapshot.git_commit == body["commit"]
    git(root, "fetch", "--quiet", "origin")
    assert git(root, "branch", "-r", "--contains", body["commit"]).strip() == "origin/main"


def test_with_push_a_diverged_served_branch_is_409_and_says_what_to_do(
    served_repo: ConfigRepo, teammate: Path, sandbox_clock: Any, tmp_path: Path
) -> None:
    allow_apply(served_repo)  # a local commit origin lacks
    root = served_repo.root
    git(teammate, "commit", "--quiet", "--allow-empty", "-m", "mate: elsewhere")
    git(teammate, "push", "--quiet", "origin", "main")
    head = git(root, "rev-parse", "HEAD")
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    message = answer.json()["error"]["message"]
    assert "diverged" in message and "origin/main" in message
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == ""


def test_a_second_sandbox_service_on_one_checkout_is_refused(served_repo: ConfigRepo) -> None:
    served = open_served(served_repo.root)
    first = ServingMark(served)
    first.take(sandbox=True)
    try:
        with pytest.raises(ConfigError, match=r"another reconcile serve --sandbox \(pid \d+\)"):
            ServingMark(served).take(sandbox=True)
        ServingMark(served).take(sandbox=False)  # a service on the Gateway only warns
    finally:
        first.release()
    again = ServingMark(served)
    again.take(sandbox=True)  # the first one stopped: the mark is free
    again.release()


def test_a_service_that_finds_the_mark_held_warns_once(
    served_repo: ConfigRepo, caplog: pytest.LogCaptureFixture
) -> None:
    served = open_served(served_repo.root)
    first = ServingMark(served)
    first.take(sandbox=False)
    caplog.set_level(logging.WARNING, logger="reconciler.serve")
    second = ServingMark(served)
    try:
        second.take(sandbox=False)  # the CLI, before announcing its URL
        second.take(sandbox=False)  # then Service.start
    finally:
        first.release()
    warned = [r for r in caplog.records if "another reconcile serve" in r.getMessage()]
    assert len(warned) == 1
    # the other service stopped in between: the next take holds the mark, so a --sandbox
    # service started later is refused rather than sharing the emulator's state file
    second.take(sandbox=True)
    try:
        with pytest.raises(ConfigError, match="another reconcile serve --sandbox"):
            ServingMark(served).take(sandbox=True)
    finally:
        second.release()


def test_an_edit_made_while_the_job_waits_fails_the_job_before_anything_is_applied(
    api: Api, served_repo: ConfigRepo, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    allow_apply(served_repo)
    start_job = api.service.start_job

    def edited_meanwhile(*args: Any, **kwargs: Any) -> Any:
        edited = {"temperature": 0.1, "maxTokens": 999, "topP": 1.0}
        served_repo.write_model("support-classifier", configuration=edited)
        return start_job(*args, **kwargs)

    monkeypatch.setattr(api.service, "start_job", edited_meanwhile)
    answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 202, answer.text
    job = follow(api, answer.json()["job"]["links"]["self"])
    assert job["status"] == "FAILED", job
    message = job["result"]["error"]["message"]
    assert "environments/staging/models/support-classifier.yaml" in message
    assert live_models(sandbox) == []


def test_a_sandbox_service_with_push_says_that_an_apply_is_not_pushed(
    served_repo: ConfigRepo, tmp_path: Path
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    remote = bare_remote(root, tmp_path)
    real_time = SimpleNamespace(advance=time.sleep, now=time.monotonic)  # the emulator's clock
    with start_service(
        served_repo, real_time, tmp_path, sandbox=True, push=True, provision_seconds=(0.0, 0.05)
    ) as running:
        api = Api(running.url, running.service)
        answer = api("POST", "/api/configure-model", json=_apply_request())
        assert answer.status_code == 202, answer.text
        body = answer.json()
        assert body["pushed"] is False and "--sandbox" in body["pushError"]
        job = follow(api, body["job"]["links"]["self"], timeout=30)
        assert job["status"] == "SUCCEEDED", job
    assert git(remote, "rev-parse", "main").strip() != body["commit"]
    assert git(root, "rev-parse", "main").strip() == body["commit"]


def test_with_push_a_proposal_starts_from_the_remote_and_leaves_the_checkout(
    served_repo: ConfigRepo, teammate: Path, sandbox_clock: Any, tmp_path: Path
) -> None:
    root = served_repo.root
    mate = _warmer(teammate)
    head = git(root, "rev-parse", "HEAD")
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        request = {"env": "staging", "model": model_manifest("ticket-triage")}
        answer = api("POST", "/api/configure-model", role="editor", json=request)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["pushed"] is True
    assert git(root, "rev-parse", f"{body['commit']}^").strip() == mate
    # the plan holds the teammate's warmer model, not a revert of it
    assert [i["name"] for i in body["plan"]["create"]] == ["support-classifier", "ticket-triage"]
    warm = body["plan"]["create"][0]["changes"][0]["new"]
    assert warm["temperature"] == 0.7
    assert git(root, "rev-parse", "HEAD") == head and git(root, "status", "--porcelain") == ""


def test_with_push_a_remote_without_the_branch_yet_is_not_a_failure(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(tmp_path / "empty.git"))
    git(root, "remote", "add", "origin", str(tmp_path / "empty.git"))
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        answer = api("POST", "/api/configure-model", json=_apply_request())
        assert answer.status_code == 202, answer.text
        job = follow(api, answer.json()["job"]["links"]["self"])
        assert job["status"] == "SUCCEEDED", job
    assert git(root, "rev-parse", "origin/main") == git(root, "rev-parse", "main")


def test_with_push_a_local_edit_in_the_way_of_the_fast_forward_is_409_and_kept(
    served_repo: ConfigRepo, teammate: Path, sandbox_clock: Any, tmp_path: Path
) -> None:
    allow_apply(served_repo)
    root = served_repo.root
    (root / "NOTES.md").write_text("ours\n")
    commit_all(root, "notes")
    git(root, "push", "--quiet", "origin", "main")
    git(teammate, "pull", "--quiet")
    (teammate / "NOTES.md").write_text("theirs\n")
    commit_all(teammate, "mate: notes")
    git(teammate, "push", "--quiet", "origin", "main")
    (root / "NOTES.md").write_text("ours, not committed\n")
    head = git(root, "rev-parse", "HEAD")
    with start_service(served_repo, sandbox_clock, tmp_path, push=True) as running:
        api = Api(running.url, running.service)
        answer = api("POST", "/api/configure-model", json=_apply_request())
    assert answer.status_code == 409, answer.text
    assert "NOTES.md" in answer.json()["error"]["message"]
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain").split() == ["M", "NOTES.md"]
    assert (root / "NOTES.md").read_text() == "ours, not committed\n"
