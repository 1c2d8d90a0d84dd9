"""State paths and ``.reconciler`` are never written or read through a symlink, even one
that stays inside the repository: a ``.reconciler`` link made ``--sandbox`` write wherever it
pointed, and a state file linked to another file of the repository would be appended to.
Each refusal exits 1, names the path and the fix, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.sandbox import SandboxServer, SystemClock
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory(clock=SystemClock(), provision_seconds=(0.0, 0.0))


@pytest.fixture
def repo(server: SandboxServer, make_config_repo: Callable[[str], ConfigRepo]) -> ConfigRepo:
    made = make_config_repo(server.base_url)
    made.write_model("alpha-model")
    return made


def run(repo: ConfigRepo, *args: str) -> Any:
    return CliRunner().invoke(cli, [*args, "--root", str(repo.root)], env=repo.environ)


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("link", [".reconciler", ".reconciler/sandbox"])
def test_a_reconciler_link_stops_a_sandbox_run_before_it_writes(
    repo: ConfigRepo, tmp_path: Path, link: str
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (repo.root / link).parent.mkdir(parents=True, exist_ok=True)
    (repo.root / link).symlink_to(target, target_is_directory=True)
    result = run(repo, "--env", ENV, "--sandbox", "--yes")
    assert result.exit_code == ExitCode.INVALID, result.stdout + result.stderr
    assert f"{link} is a symbolic link" in result.stderr
    assert f"'rm {link}'" in result.stderr
    assert files_under(target) == []
    assert not (repo.root / "state").exists()


@pytest.mark.parametrize(
    "link", [f"state/{ENV}/audit.jsonl", f"state/{ENV}/snapshot.json", f"state/{ENV}", "state"]
)
def test_a_state_link_inside_the_repository_is_refused_too(
    repo: ConfigRepo, server: SandboxServer, link: str
) -> None:
    decoy = repo.root / "decoy"
    is_file = link.endswith((".jsonl", ".json"))
    if is_file:
        decoy.write_text("kept\n", encoding="utf-8")
    else:
        decoy.mkdir()
    (repo.root / link).parent.mkdir(parents=True, exist_ok=True)
    (repo.root / link).symlink_to(decoy, target_is_directory=not is_file)

    applied = run(repo, "--env", ENV, "--yes")
    assert applied.exit_code == ExitCode.INVALID, applied.stdout + applied.stderr
    assert f"{link} is a symbolic link" in applied.stderr
    assert "nothing was changed" in applied.stderr
    assert server.stats.get("create", 0) == 0
    assert (decoy.read_text(encoding="utf-8") == "kept\n") if is_file else files_under(decoy) == []
    verified = run(repo, "audit", "verify", "--env", ENV)
    assert verified.exit_code == ExitCode.INVALID
