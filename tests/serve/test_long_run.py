"""What a service running for months must not accumulate (``benchmarks/serve_soak.py``
measures the same things under load)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import Any

import pytest

from reconciler.engine.jobs.request import JobRequest
from reconciler.gitops.chain import newest_lines
from reconciler.serve import overview
from reconciler.serve.jobs import Job, Jobs, JobStatus, JobStore
from reconciler.structs.errors import ConfigError
from tests.fixtures_engine import ENV, ConfigRepo, model_manifest
from tests.fixtures_gitops import git
from tests.fixtures_serve import Api, commit_all


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_an_edited_environment_file_leaves_no_client_of_its_old_version_open(
    api: Api, served_repo: ConfigRepo
) -> None:
    """Each version of environment.yaml got a Gateway client (connections, a token) that
    stayed open until the service stopped: a budget or policy edited weekly for a year left
    fifty of them."""
    overview = f"/api/environments/{ENV}/models"
    assert api("GET", overview).status_code == 200
    before = _open_files()
    for i in range(12):
        policy: dict[str, Any] = {"prune": False, "maxParallel": 4, "requestsPerMinute": 6001 + i}
        served_repo.write_environment(policy=policy)
        assert api("GET", overview).status_code == 200
    assert _open_files() - before < 4


class CountingFile(io.BytesIO):
    """A file that counts the bytes read from it."""

    taken = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


def test_the_newest_lines_of_a_long_log_are_read_from_its_end() -> None:
    lines = [json.dumps({"auditId": f"a{i}", "pad": "x" * 200}).encode() for i in range(20_000)]
    log = CountingFile(b"\n".join(lines) + b"\n")
    newest = newest_lines(log, block=4096)
    assert [next(newest) for _ in range(3)] == lines[::-1][:3]
    assert log.taken <= 2 * 4096
    assert list(newest_lines(CountingFile(b"one\n\ntwo\nthree"), block=4)) == [
        b"three",
        b"two",
        b"one",
    ]


def test_a_history_page_is_read_from_the_end_of_the_audit_log(
    api: Api, served_repo: ConfigRepo
) -> None:
    """The route read and parsed the whole log for every page: years of applies made each
    look at the history slower, and one damaged old line (not UTF-8) made every page a 500."""
    path = served_repo.root / "state" / ENV / "audit.jsonl"
    path.parent.mkdir(parents=True)
    entries = [{"auditId": f"a{i}", "model": f"m{i % 3}"} for i in range(300)]
    text = b"\n".join(json.dumps(e).encode() for e in entries)
    path.write_bytes(b'{"auditId": "old", "actor": "\xff\xfe"}\n' + text + b"\n")
    history = f"/api/environments/{ENV}/history"
    first = api("GET", f"{history}?limit=2")
    assert first.status_code == 200, first.text
    assert first.json()["entries"] == entries[::-1][:2] and first.json()["next"] == "a298"
    after = api("GET", f"{history}?limit=2&before=a298&model=m1").json()
    assert [e["auditId"] for e in after["entries"]] == ["a295", "a292"]
    assert after["next"] == "a292"
    end = api("GET", f"{history}?limit=5&before=a3").json()
    assert [e["auditId"] for e in end["entries"]] == ["a2", "a1", "a0"] and end["next"] is None
    assert api("GET", f"{history}?before=a3&model=m1").status_code == 404


def _loose_in_17(root: Path, count: int) -> None:
    """``count`` loose blobs whose names start with 17: the folder git's ``gc --auto``
    samples to estimate how many loose objects there are."""
    made, i = 0, 0
    while made < count:
        raw = b"blob %d\x00filler %d\n" % (len(b"filler %d\n" % i), i)
        i += 1
        name = hashlib.sha1(raw).hexdigest()
        if name.startswith("17"):
            path = root / ".git" / "objects" / name[:2] / name[2:]
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(zlib.compress(raw))
            made += 1


def test_proposals_let_git_pack_the_loose_objects_they_leave(
    api: Api, served_repo: ConfigRepo
) -> None:
    """A proposal writes its objects one by one with git's plumbing (a blob, four trees, a
    commit and a branch), which never packs anything: a service that only proposes left
    thousands of loose files a month. It now runs 'git gc --auto' after each, as git's own
    commands do, so the repository's gc settings decide (gc.auto 0 turns it off)."""
    root = served_repo.root
    git(root, "config", "gc.auto", "1")  # past one loose object, as estimated from 17/
    git(root, "config", "gc.autoDetach", "false")  # in the foreground, so the test sees it
    _loose_in_17(root, 3)
    body = {"env": ENV, "model": {"name": "soak-one", **model_manifest("soak-one")["spec"]}}
    answer = api("POST", "/api/configure-model", json=body)
    assert answer.status_code == 201, answer.text
    commit = answer.json()["commit"]
    assert git(root, "rev-parse", answer.json()["branch"]).strip() == commit
    counts = dict(line.split(": ") for line in git(root, "count-objects", "-v").splitlines())
    assert counts["count"] == "3"  # the unreachable fillers only: gc keeps them two weeks
    assert not (root / ".git" / "objects" / commit[:2] / commit[2:]).exists()  # packed


def _big_result(models: int) -> dict[str, Any]:
    """A finished job's result in a large environment: the plan lists every model."""
    noop = [
        {"name": f"model-{i:04d}", "action": "noop", "modelId": f"id-{i}", "changes": []}
        for i in range(models)
    ]
    return {"formatVersion": 1, "environment": ENV, "noop": noop, "result": {"outcomes": []}}


def test_finished_jobs_read_their_results_from_their_files(tmp_path: Path) -> None:
    """The newest 200 jobs were kept with their results: with a thousand models each plan
    is about 0.4 MB in memory, 85 MB held for ever once two hundred applies were made, and
    all of it loaded again at every start."""
    store = JobStore(tmp_path)
    for i in range(40):
        job = Job(id=f"job{i:02d}", env=ENV, status=JobStatus.SUCCEEDED, exit_code=0)
        job.result, job.created = _big_result(1000), f"2026-12-01T00:00:{i:02d}Z"
        store.save(job)
    tracemalloc.start()
    try:
        jobs = Jobs(store=store)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held < 2_000_000, held  # 40 results in memory: about 17 MB
    assert jobs.get("job07").as_dict()["result"] == _big_result(1000)  # type: ignore[union-attr]
    assert [j.as_dict()["result"] for j in jobs.recent(limit=2)] == [_big_result(1000)] * 2

    failing = ConfigError("the check failed", hint="none")
    started = jobs.start(
        ENV, JobRequest(root=tmp_path, environment=ENV), lock=Lock(), check=_raise(failing)
    )
    assert started.done.wait(10)
    assert started.result is None and started.stored
    found = jobs.get(started.id)
    assert found is not None and found.status is JobStatus.FAILED
    assert found.as_dict()["result"]["error"]["code"] == "job"


def _raise(exc: Exception) -> Callable[[], None]:
    def check() -> None:
        raise exc

    return check


def test_the_cost_chart_keeps_the_figures_of_its_window_only(
    api: Api, served_repo: ConfigRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One figure a snapshot commit was kept for as long as the service ran: every apply
    added one."""
    monkeypatch.setattr(overview, "COST_POINTS", 2)
    snapshot = served_repo.root / "state" / ENV / "snapshot.json"
    snapshot.parent.mkdir(parents=True)
    for i in range(5):
        snapshot.write_text(json.dumps({"serial": i}) + "\n", encoding="utf-8")
        commit_all(served_repo.root, f"snapshot {i}")
        answer = api("GET", f"/api/environments/{ENV}/cost/history")
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["points"]) == min(i + 1, 2)
    assert len(api.service.cost_history) == 2
