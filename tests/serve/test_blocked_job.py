"""A direct apply the policy refuses (exit 4) says why, in words, where the job is read."""

from __future__ import annotations

from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ConfigRepo
from tests.fixtures_serve import Api, commit_all
from tests.serve.test_apply_and_invoke import POLICY, apply, follow


def blocked_job(api: Api, repo: ConfigRepo) -> dict[str, object]:
    """A job that would delete a live model with prune off: exit 4, nothing applied."""
    repo.write_environment(policy={**POLICY, "serveSecrets": ["OPENAI_API_KEY"]})
    commit_all(repo.root, "allow direct apply; the key stays usable once no model names it")
    follow(api, apply(api, "support-classifier")["job"]["links"]["self"])
    repo.remove_model("support-classifier")
    commit_all(repo.root, "support-classifier leaves git")
    return follow(api, apply(api, "ticket-triage")["job"]["links"]["self"])


def test_a_blocked_job_names_the_reason_as_its_error(api: Api, served_repo: ConfigRepo) -> None:
    job = blocked_job(api, served_repo)
    assert job["status"] == "FAILED" and job["exitCode"] == ExitCode.BLOCKED, job
    error = job["result"]["error"]  # type: ignore[index]
    assert error["code"] == "blocked", error
    assert "support-classifier" in error["message"] and "--prune" in error["message"], error
    jobs = api("GET", "/api/jobs?env=staging", role="viewer").json()["jobs"]
    assert [j["result"].get("error") for j in jobs if j["id"] == job["id"]] == [error]
