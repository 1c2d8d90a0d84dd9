"""reconcile installed from a wheel built from this tree, once per test session.

Config-repo tests run the tool the way a team gets it, not from the source tree: the wheel is
built from a copy of the package (so the tree gets no build/ or egg-info), installed with pip
into a venv of its own, and that venv's ``bin/`` goes first on the PATH of the workflow steps.
The dependencies come from the test environment through a plain ``.pth`` path entry (no
network); the editable install of this tree that lives there is not picked up, because a
plain path entry does not run the ``.pth`` files inside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_BUILD = "import sys\nfrom setuptools import build_meta\nbuild_meta.build_wheel(sys.argv[1])"


@pytest.fixture(scope="session")
def wheel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this tree (what a release publishes)."""
    base = tmp_path_factory.mktemp("wheel")
    source, dist = base / "src", base / "dist"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "NOTICE"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / "reconciler", source / "reconciler", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [sys.executable, "-c", _BUILD, str(dist)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )
    [wheel] = dist.glob("*.whl")
    return wheel


@pytest.fixture(scope="session")
def wheel_bin(wheel_file: Path) -> Path:
    """The ``bin/`` of a venv with the wheel installed (its dependencies from the test venv)."""
    wheel, venv = wheel_file, wheel_file.parent.parent / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60
    )
    [site] = (venv / "lib").glob("python*/site-packages")
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return venv / "bin"
