"""The deployment recipes in docs/recipes/ checked by third-party tools, offline.

The Kubernetes manifests against the Kubernetes OpenAPI schemas (``kubernetes-validate``, the
schemas shipped in its wheel; ``--strict`` refuses unknown fields), and the systemd unit with
``systemd-analyze verify`` where systemd's tools are installed. Neither applies anything: no
cluster or running systemd is needed (docs/deploying.md says what was not run).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

kubernetes_validate = pytest.importorskip("kubernetes_validate")

RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes"
MANIFESTS = sorted(RECIPES.glob("k8s-*.yaml"))
VERSIONS = ("1.30.0", "1.37.0")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifests_match_the_schemas_strictly(path: Path, version: str) -> None:
    documents = _documents(path)
    assert documents, f"{path.name} holds no manifest"
    for document in documents:
        kubernetes_validate.validate(document, version, strict=True)


def test_the_schema_check_refuses_a_misspelt_field() -> None:
    """The check above can fail: a field the schema does not know is refused."""
    deployment = next(d for p in MANIFESTS for d in _documents(p) if d.get("kind") == "Deployment")
    spec = deployment["spec"]["template"]["spec"]
    spec["terminationGracePeriod"] = spec.pop("terminationGracePeriodSeconds")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)


needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)


def _verify(tmp_path: Path, unit: str) -> list[str]:
    """What ``systemd-analyze verify`` says of the unit instantiated for ``prod``, with its
    ExecStart pointed at a program that exists here (the recipe names
    /usr/local/bin/reconcile); an empty list when it has nothing to say."""
    program = shutil.which("true")
    assert program is not None
    (tmp_path / "reconcile-sync@.service").write_text(
        unit.replace("/usr/local/bin/reconcile", program), encoding="utf-8"
    )
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "reconcile-sync@prod.service")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return said if said or done.returncode == 0 else [f"exit {done.returncode}"]


@needs_systemd
def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (RECIPES / "reconcile-sync@.service").read_text(encoding="utf-8")
    assert _verify(tmp_path, unit) == []


@needs_systemd
def test_the_unit_check_reports_a_misspelt_key(tmp_path: Path) -> None:
    unit = (RECIPES / "reconcile-sync@.service").read_text(encoding="utf-8")
    said = _verify(tmp_path, unit.replace("NoNewPrivileges=", "NoNewPrivilege="))
    assert any("Unknown key 'NoNewPrivilege'" in line for line in said), said
