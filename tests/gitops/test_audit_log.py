"""Appending to the audit log: the fields, the chain, durability, concurrency, the actor."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from reconciler.gitops.audit import AuditLog, default_actor, payload_hash, verify_log
from reconciler.gitops.canonical import FIELDS, GENESIS
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import append_entries, clock_from, git, init_repo


def _append(log: AuditLog, model: str = "m", action: str = "MODEL_CREATED") -> dict:
    return log.append(
        environment="staging",
        action=action,
        model=model,
        model_id="id-1",
        payload_hash=payload_hash({"name": model}),
        actor="alice",
        git_commit="c0ffee",
        correlation_id="run-1",
        result="ACTIVE",
    )


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_entry_has_exactly_the_contract_fields(tmp_path: Path, gitops_time: datetime) -> None:
    path = tmp_path / "state" / "staging" / "audit.jsonl"
    entry = _append(AuditLog(path, clock=clock_from(gitops_time)))
    assert set(entry) == set(FIELDS) and len(FIELDS) == 14
    assert _lines(path) == [entry]
    assert uuid.UUID(entry["auditId"]).version == 4
    assert entry["timestamp"] == "2026-01-02T03:04:06.000Z"
    assert entry["apiVersion"] == "v2" and entry["prevHash"] == GENESIS


def test_hash_is_sha256_of_canonical_entry_without_hash(tmp_path: Path) -> None:
    entry = _append(AuditLog(tmp_path / "audit.jsonl"))
    body = {k: v for k, v in entry.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry["hash"] == hashlib.sha256(text.encode()).hexdigest()


def test_each_entry_links_to_the_previous_hash(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    first, second, third = (_append(log, f"m{i}") for i in range(3))
    assert (second["prevHash"], third["prevHash"]) == (first["hash"], second["hash"])
    assert verify_log(path).entries == 3


def test_an_entry_is_on_disk_when_append_returns(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    for count in range(1, 4):
        _append(log, f"m{count}")
        assert path.read_bytes().count(b"\n") == count


def test_parallel_threads_keep_one_valid_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    logs = [AuditLog(path), AuditLog(path)]  # two writers on one file, as two recorders would be

    def work(worker: int) -> None:
        for index in range(25):
            _append(logs[worker % 2], f"w{worker}-{index}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = verify_log(path)
    assert verdict.ok and verdict.entries == 200, verdict


def test_unknown_action_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="MODEL_EXPLODED"):
        _append(AuditLog(tmp_path / "audit.jsonl"), action="MODEL_EXPLODED")


def test_torn_last_line_refuses_to_open_before_any_mutation(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 2)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ConfigError, match="incomplete") as caught:
        AuditLog(path)
    assert "audit verify" in (caught.value.hint or "")


def test_damaged_last_entry_refuses_to_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    append_entries(path, 2)
    path.write_text(path.read_text().replace('"result":"ACTIVE"', '"result":"FAILED"'))
    with pytest.raises(ConfigError, match="damaged"):
        AuditLog(path)


def test_payload_hash_is_canonical_and_ignores_secret_values() -> None:
    spec = {"b": 1, "a": {"y": "é", "x": [1, 2]}}
    expected = hashlib.sha256('{"a":{"x":[1,2],"y":"é"},"b":1}'.encode()).hexdigest()
    assert payload_hash(spec) == expected
    assert payload_hash({"b": 1, "a": {"x": [1, 2], "y": "é"}}) == expected
    with_key = {"name": "m", "credentials": {"apiKey": "sk-one", "endpoint": "https://e"}}
    redacted = {"name": "m", "credentials": {"endpoint": "https://e"}}
    assert payload_hash(with_key) == payload_hash(redacted)
    assert re.fullmatch(r"[0-9a-f]{64}", payload_hash({}))


def test_default_actor_prefers_github_actor_and_never_records_an_email(tmp_path: Path) -> None:
    assert default_actor(tmp_path, environ={"GITHUB_ACTOR": "octocat", "USER": "ci"}) == "octocat"
    assert default_actor(tmp_path, environ={"GITHUB_ACTOR": "someone@example.com"}) == "someone"
    assert "@" not in default_actor(tmp_path, environ={})


def test_default_actor_reads_git_config_of_the_root_not_of_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "config")
    git(repo, "config", "user.name", "Root Person")
    elsewhere = init_repo(tmp_path / "elsewhere")
    git(elsewhere, "config", "user.name", "Cwd Person")
    monkeypatch.chdir(elsewhere)
    assert default_actor(repo, environ={"USER": "login"}) == "Root Person"
    assert default_actor(repo / "environments", environ={}) == "Root Person"  # a subfolder


def test_default_actor_outside_a_repository_falls_back_to_the_login(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: /nonexistent\n")  # a broken repository is ignored
    assert default_actor(tmp_path, environ={"USER": "ci@host"}) == "ci"
