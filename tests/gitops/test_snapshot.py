"""Snapshots: serial per apply, stable text for small diffs, atomic replace, no secrets."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from reconciler.gitops.snapshot import read_snapshot, write_snapshot
from reconciler.structs.errors import ConfigError
from tests.fixtures_gitops import CANARY, clock_from

MODELS = [
    {"name": "zeta", "id": "2", "provider": "openai", "credentials": {"endpoint": "https://z"}},
    {"name": "alpha", "id": "1", "provider": "anthropic", "labels": {"team": "support"}},
]


def test_first_snapshot_has_the_contract_fields(tmp_path: Path, gitops_time: datetime) -> None:
    snap = write_snapshot(
        tmp_path, "staging", models=MODELS, git_commit="abc123", clock=clock_from(gitops_time)
    )
    data = json.loads((tmp_path / "state" / "staging" / "snapshot.json").read_text())
    assert data == {
        "formatVersion": 1,
        "serial": 1,
        "environment": "staging",
        "generatedAt": "2026-01-02T03:04:06Z",
        "gitCommit": "abc123",
        "models": [MODELS[1], MODELS[0]],
        "auditHead": None,  # no audit log yet
    }
    assert read_snapshot(tmp_path, "staging") == snap


def test_serial_rises_by_one_per_write(tmp_path: Path) -> None:
    serials = [write_snapshot(tmp_path, "dev", models=[], git_commit=None).serial for _ in range(3)]
    assert serials == [1, 2, 3]
    assert read_snapshot(tmp_path, "prod") is None


def test_text_is_stable_sorted_indented_with_trailing_newline(
    tmp_path: Path, gitops_time: datetime
) -> None:
    write_snapshot(
        tmp_path, "dev", models=list(reversed(MODELS)), git_commit="x", clock=lambda: gitops_time
    )
    path = tmp_path / "state" / "dev" / "snapshot.json"
    text = path.read_text()
    assert text.endswith("}\n") and '\n  "environment": "dev",\n' in text
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"
    (tmp_path / "other").mkdir()
    write_snapshot(
        tmp_path / "other", "dev", models=MODELS, git_commit="x", clock=lambda: gitops_time
    )
    assert (tmp_path / "other" / "state" / "dev" / "snapshot.json").read_text() == text


def test_replace_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    for _ in range(3):
        write_snapshot(tmp_path, "dev", models=MODELS, git_commit=None)
    assert [p.name for p in (tmp_path / "state" / "dev").iterdir()] == ["snapshot.json"]


def test_a_model_still_carrying_an_api_key_is_refused(tmp_path: Path) -> None:
    leaky = [{"name": "leaky", "credentials": {"apiKey": CANARY, "endpoint": "https://e"}}]
    with pytest.raises(ConfigError) as caught:
        write_snapshot(tmp_path, "dev", models=leaky, git_commit=None)
    assert "credentials.apiKey" in caught.value.message and "leaky" in caught.value.message
    assert CANARY not in caught.value.render()
    assert not (tmp_path / "state" / "dev" / "snapshot.json").exists()


def test_a_damaged_previous_snapshot_is_an_error_not_a_serial_reset(tmp_path: Path) -> None:
    path = tmp_path / "state" / "dev" / "snapshot.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"serial": ')
    with pytest.raises(ConfigError, match="not a valid snapshot") as caught:
        write_snapshot(tmp_path, "dev", models=[], git_commit=None)
    assert "snapshot.json" in caught.value.message
