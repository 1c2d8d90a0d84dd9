"""The overview routes over real HTTP: who am I, models at a glance, one model, history, cost
over git history, jobs kept across restarts, and the guards on configure-model (baseCommit,
existing names, the budget)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reconciler.serve.configure import pull_request_body
from reconciler.serve.service import Service
from reconciler.serve.settings import ServeSettings
from reconciler.structs.errors import ConfigError
from reconciler.structs.plan import Plan
from tests.fixtures_engine import ConfigRepo, default_client, model_manifest
from tests.fixtures_gitops import git
from tests.fixtures_serve import Api, commit_all, start_service, token_file
from tests.serve.test_apply_and_invoke import allow_apply, apply, follow


def test_me_names_the_caller_and_role(api: Api) -> None:
    assert api("GET", "/api/me", role="viewer").json() == {"name": "viewer-user", "role": "viewer"}
    assert api("GET", "/api/me", role="admin").json()["role"] == "admin"
    assert api("GET", "/api/me", role=None).status_code == 401


def test_models_show_git_live_cost_and_last_change(
    api: Api, served_repo: ConfigRepo, sandbox: Any
) -> None:
    head = git(served_repo.root, "rev-parse", "HEAD").strip()
    first = api("GET", "/api/environments/staging/models", role="viewer").json()
    # a new model starts from the key reference this environment's models already use
    assert first["keyRefs"] == {"openai": "${OPENAI_API_KEY}"}
    [row] = first["models"]
    assert row["name"] == "support-classifier" and row["inGit"] is True
    assert row["live"] is None and float(row["costUsd"]) > 0
    assert row["lastChange"]["commit"] == head and row["lastChange"]["actor"]
    allow_apply(served_repo)
    follow(api, apply(api, "ticket-triage")["job"]["links"]["self"])
    with default_client(sandbox) as client:  # someone's endpoint made by hand
        spec = model_manifest("hand-made")["spec"]
        spec.pop("usage")
        client.create_model({**spec, "name": "hand-made", "credentials": {"apiKey": "sk-x"}})
    body = api("GET", "/api/environments/staging/models", role="viewer").json()
    live = {r["name"]: r["live"]["state"] for r in body["models"]}
    assert live == {"support-classifier": "ACTIVE", "ticket-triage": "ACTIVE"}
    assert all(r["live"]["version"] is not None for r in body["models"])
    assert [u["name"] for u in body["unmanaged"]] == ["hand-made"]


def test_model_view_gives_the_manifest_and_its_commit(api: Api, served_repo: ConfigRepo) -> None:
    found = api("GET", "/api/environments/staging/models/support-classifier", role="viewer")
    body = found.json()
    assert body["file"] == "environments/staging/models/support-classifier.yaml"
    assert body["manifest"]["spec"]["modelId"] == "gpt-4o-mini"
    assert body["commit"] == git(served_repo.root, "rev-parse", "HEAD").strip()
    assert body["live"] is None
    newline = api("GET", "/api/environments/staging/models/support-classifier%0A")
    assert newline.status_code == 404
    missing = api("GET", "/api/environments/staging/models/nope-nope", role="viewer")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


def _edit(api: Api, **extra: Any) -> Any:
    manifest = model_manifest("support-classifier")
    manifest["spec"]["promptTemplate"] = "Sort the ticket.\n<ticket>{input}</ticket>"
    return api(
        "POST",
        "/api/configure-model",
        role="editor",
        json={"env": "staging", "model": manifest, **extra},
    )


def test_an_edit_names_its_base_and_a_stale_base_is_409(api: Api, served_repo: ConfigRepo) -> None:
    base = api("GET", "/api/environments/staging/models/support-classifier").json()["commit"]
    exists = _edit(api)
    assert exists.status_code == 409 and exists.json()["error"]["code"] == "exists"
    edited = _edit(api, baseCommit=base)
    assert edited.status_code == 201, edited.text
    changes = {c["path"]: c for c in edited.json()["changes"]}
    assert "promptTemplate" in changes or edited.json()["action"] == "create"
    assert _edit(api, replaceExisting=True).status_code == 201
    # someone changes the model on main: the old base is now stale
    served_repo.write_model("support-classifier", configuration={"temperature": 0.5})
    commit_all(served_repo.root, "warmer")
    stale = _edit(api, baseCommit=base)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    unknown = _edit(api, baseCommit="0" * 40)
    assert unknown.status_code == 409 and unknown.json()["error"]["code"] == "conflict"
    assert _edit(api, baseCommit="").status_code == 400  # not a commit id at all
    assert _edit(api, baseCommit=base + "\n").status_code == 400


def test_changes_are_the_plans_for_this_model(api: Api, served_repo: ConfigRepo) -> None:
    allow_apply(served_repo)
    follow(api, apply(api, "support-classifier")["job"]["links"]["self"])
    base = api("GET", "/api/environments/staging/models/support-classifier").json()["commit"]
    body = _edit(api, baseCommit=base, dryRun=True).json()
    assert body["action"] == "update"
    [change] = body["changes"]
    assert change["path"] == "promptTemplate" and change["new"].startswith("Sort the ticket.")


def _over_budget(served_repo: ConfigRepo) -> dict[str, Any]:
    served_repo.write_environment(budget={"monthlyUsd": 50})
    commit_all(served_repo.root, "a small budget")
    usage = {"requestsPerDay": 100000, "avgPromptTokens": 4000, "avgCompletionTokens": 500}
    return {"env": "staging", "model": model_manifest("big-spender", usage=usage)}


def test_over_budget_is_422_unless_the_person_knows(api: Api, served_repo: ConfigRepo) -> None:
    request = _over_budget(served_repo)
    refused = api("POST", "/api/configure-model", role="editor", json=request)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "over-budget"
    assert refused.json()["budget"]["breach"]
    before = git(served_repo.root, "branch", "--format=%(refname:short)")
    assert before.split() == ["main"]
    allowed = api(
        "POST", "/api/configure-model", role="editor", json=request | {"allowOverBudget": True}
    )
    assert allowed.status_code == 201, allowed.text
    message = git(served_repo.root, "log", "-1", "--format=%B", allowed.json()["branch"])
    assert "OVER BUDGET, submitted knowingly" in message


def test_the_pull_request_says_over_budget_at_the_top() -> None:
    body = pull_request_body(Plan(environment="staging", items=()), "staging", "over $50")
    assert body.startswith("> [!WARNING]\n> **Over budget, submitted knowingly:** over $50")
    assert "[!WARNING]" not in pull_request_body(Plan("staging", ()), "staging", None)


def test_history_is_newest_first_in_pages(api: Api, served_repo: ConfigRepo) -> None:
    allow_apply(served_repo)
    follow(api, apply(api, "ticket-triage")["job"]["links"]["self"])
    every = api("GET", "/api/environments/staging/history", role="viewer").json()["entries"]
    times = [e["timestamp"] for e in every]
    assert len(every) >= 3 and times == sorted(times, reverse=True)
    first = api("GET", "/api/environments/staging/history?limit=1", role="viewer").json()
    assert first["entries"] == every[:1] and first["next"] == every[0]["auditId"]
    rest = api(
        "GET", f"/api/environments/staging/history?limit=2&before={first['next']}", role="viewer"
    ).json()
    assert rest["entries"] == every[1:3]
    mine = api("GET", "/api/environments/staging/history?model=ticket-triage").json()["entries"]
    assert mine and {e["model"] for e in mine} == {"ticket-triage"}
    for bad in ("limit=0", "limit=x"):
        answer = api("GET", f"/api/environments/staging/history?{bad}", role="viewer")
        assert answer.status_code == 400, bad
    gone = api("GET", "/api/environments/staging/history?before=nope", role="viewer")
    assert gone.status_code == 404


def test_cost_history_has_a_point_per_snapshot(api: Api, served_repo: ConfigRepo) -> None:
    empty = api("GET", "/api/environments/staging/cost/history", role="viewer").json()
    assert empty["points"] == [] and empty["budgetUsd"] is None
    allow_apply(served_repo)
    follow(api, apply(api, "ticket-triage")["job"]["links"]["self"])
    body = api("GET", "/api/environments/staging/cost/history", role="viewer").json()
    [point] = body["points"]
    total = api("GET", "/api/environments/staging/cost", role="viewer").json()["totalMonthlyUsd"]
    assert point["totalUsd"] == total
    assert point["commit"] == git(served_repo.root, "rev-parse", "HEAD").strip()


def test_jobs_are_kept_across_a_restart(
    served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path
) -> None:
    allow_apply(served_repo)
    with start_service(served_repo, sandbox_clock, tmp_path) as running:
        api = Api(running.url, running.service)
        job = follow(api, apply(api, "ticket-triage")["job"]["links"]["self"])
    assert job["status"] == "SUCCEEDED" and job["actor"] == "admin-user"
    assert {m["name"]: m["state"] for m in job["models"]} == {
        "support-classifier": "ACTIVE",
        "ticket-triage": "ACTIVE",
    }
    folder = served_repo.root / ".reconciler" / "jobs"
    running_job = json.loads((folder / f"{job['id']}.json").read_text())
    running_job |= {"id": "f" * 32, "status": "RUNNING", "result": None, "exitCode": None}
    (folder / f"{'f' * 32}.json").write_text(json.dumps(running_job))
    assert git(served_repo.root, "status", "--porcelain") == ""  # .reconciler/ is ignored
    with start_service(served_repo, sandbox_clock, tmp_path) as running:
        api = Api(running.url, running.service)
        listed = api("GET", "/api/jobs", role="viewer").json()["jobs"]
        again = api("GET", f"/api/jobs/{job['id']}", role="viewer").json()
        cut = api("GET", f"/api/jobs/{'f' * 32}", role="viewer").json()
    assert {j["id"] for j in listed} == {job["id"], "f" * 32}
    assert again["status"] == "SUCCEEDED" and again["models"] == job["models"]
    assert cut["status"] == "FAILED" and cut["result"]["error"]["code"] == "interrupted"


def test_a_symlinked_jobs_folder_is_refused(served_repo: ConfigRepo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (served_repo.root / ".reconciler").mkdir(exist_ok=True)
    os.symlink(elsewhere, served_repo.root / ".reconciler" / "jobs")
    settings = ServeSettings(
        root=served_repo.root, port=0, tokens=token_file(tmp_path / "t.txt"), sandbox=True
    )
    with pytest.raises(ConfigError, match="symlink"):
        Service(settings)
