"""Files that resolve outside the repository root (symlinks, ``..``) are refused, named.

A pull request can add a symlink as easily as a file: ``environment.yaml -> /etc/shadow``
must not have its lines echoed back as "unknown field" errors, and
``state/<env>/audit.jsonl -> /elsewhere`` must not be appended to. Each refusal names the
file and says what to do; nothing outside the root is read or written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.sandbox import SandboxServer, SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo

SECRET_LINE = "root:$6$not-a-real-hash:19000:0:99999:7:::"


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(clock=SystemClock(), provision_seconds=(0.0, 0.0))


@pytest.fixture
def repo(server: SandboxServer, make_config_repo: Callable[[str], ConfigRepo]) -> ConfigRepo:
    made = make_config_repo(server.base_url)
    made.write_model("alpha-model")
    return made


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def run(repo: ConfigRepo, *args: str) -> Any:
    return CliRunner().invoke(cli, [*args, "--root", str(repo.root)], env=repo.environ)


def _env_dir(repo: ConfigRepo) -> Path:
    return repo.root / "environments" / ENV


def test_an_environment_file_linked_outside_is_refused_without_reading_it(
    repo: ConfigRepo, outside: Path
) -> None:
    shadow = outside / "shadow"
    shadow.write_text(SECRET_LINE + "\n")
    target = _env_dir(repo) / "environment.yaml"
    target.unlink()
    target.symlink_to(shadow)
    result = run(repo, "validate", "--env", ENV)
    assert result.exit_code == ExitCode.INVALID
    output = result.stdout + result.stderr
    assert f"environments/{ENV}/environment.yaml" in output and "outside" in output
    assert "root:" not in output and "not-a-real-hash" not in output


def test_a_model_file_or_folder_linked_outside_is_refused(repo: ConfigRepo, outside: Path) -> None:
    stray = outside / "stray-model.yaml"
    stray.write_text((_env_dir(repo) / "models" / "alpha-model.yaml").read_text())
    (_env_dir(repo) / "models" / "stray-model.yaml").symlink_to(stray)
    result = run(repo, "validate", "--env", ENV, "--format", "json")
    assert result.exit_code == ExitCode.INVALID
    assert f"environments/{ENV}/models/stray-model.yaml" in result.stdout
    assert "path-outside-root" in result.stdout


def test_a_link_that_stays_inside_the_root_is_fine(repo: ConfigRepo) -> None:
    shared = repo.root / "shared" / "environment.yaml"
    shared.parent.mkdir()
    target = _env_dir(repo) / "environment.yaml"
    os.replace(target, shared)
    target.symlink_to(Path("../../shared/environment.yaml"))
    assert run(repo, "validate", "--env", ENV).exit_code == ExitCode.OK


@pytest.mark.parametrize("name", ["audit.jsonl", "snapshot.json"])
def test_state_files_linked_outside_are_neither_written_nor_read(
    repo: ConfigRepo, server: SandboxServer, outside: Path, name: str
) -> None:
    victim = outside / name
    victim.write_text("precious\n")
    state = repo.root / "state" / ENV
    state.mkdir(parents=True)
    (state / name).symlink_to(victim)
    applied = run(repo, "--env", ENV, "--yes")
    assert applied.exit_code == ExitCode.INVALID, applied.stdout + applied.stderr
    assert f"state/{ENV}/{name}" in applied.stderr and "symbolic link" in applied.stderr
    verified = run(repo, "audit", "verify", "--env", ENV)
    assert verified.exit_code == ExitCode.INVALID
    assert victim.read_text() == "precious\n"
    assert server.stats.get("create", 0) == 0, "refused before any change"


def test_an_environment_name_that_climbs_out_is_refused(repo: ConfigRepo, outside: Path) -> None:
    result = run(repo, "validate", "--env", "../../outside")
    assert result.exit_code == ExitCode.INVALID
    assert "Traceback" not in result.stdout + result.stderr


def test_import_never_writes_a_manifest_through_a_folder_linked_outside(
    repo: ConfigRepo, outside: Path
) -> None:
    assert run(repo, "--env", ENV, "--yes").exit_code == ExitCode.OK
    models = _env_dir(repo) / "models"
    for path in models.iterdir():
        path.unlink()
    models.rmdir()
    before = outside.stat().st_mtime_ns
    models.symlink_to(outside, target_is_directory=True)
    result = run(repo, "import", "--env", ENV, "--force")
    assert result.exit_code == ExitCode.INVALID, result.stdout + result.stderr
    assert "outside" in result.stdout + result.stderr
    # Not even written and then taken back: nothing was ever created there.
    assert list(outside.iterdir()) == []
    assert outside.stat().st_mtime_ns == before
