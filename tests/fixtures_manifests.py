"""Fixtures for manifest tests: config repositories built in temporary folders.

``shipped_config`` is a copy of the repository's ``environments/`` that a test may break;
``example_env`` places one example manifest into an environment named ``example``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "examples"
EXAMPLE_ENV = "example"


@pytest.fixture
def shipped_config(tmp_path: Path) -> Path:
    """A config repository holding a copy of the shipped dev, staging and prod environments."""
    root = tmp_path / "config"
    shutil.copytree(REPO / "environments", root / "environments")
    return root


def place_example(root: Path, example: Path) -> Path:
    """Put ``example`` where it belongs in an ``example`` environment; returns its new path."""
    folder = root / "environments" / EXAMPLE_ENV
    (folder / "models").mkdir(parents=True, exist_ok=True)
    if example.name.startswith("environment-"):
        target = folder / "environment.yaml"
    else:
        shutil.copy(EXAMPLES / "environment.yaml", folder / "environment.yaml")
        target = folder / "models" / example.name
    shutil.copy(example, target)
    return target


@pytest.fixture
def example_env(tmp_path: Path) -> Callable[[Path], Path]:
    """Returns a function that builds a config root around one example file."""

    def build(example: Path) -> Path:
        root = tmp_path / "config"
        place_example(root, example)
        return root

    return build
