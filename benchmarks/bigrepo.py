"""A config repository of N models, built from the shipped dev environment, for benchmarks.

Each model is one of the shipped dev manifests under a new name (``<original>-<i>``), so the
validation and planning work per model is what users' real manifests cost, not a toy's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = "dev"


def make_repo(root: Path, models: int) -> Path:
    """Write ``root/environments/dev`` with ``models`` manifests (and the schemas); return root."""
    source = REPO / "environments" / ENV
    folder = root / "environments" / ENV / "models"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "environment.yaml", folder.parent / "environment.yaml")
    shutil.copytree(REPO / "schemas", root / "schemas", dirs_exist_ok=True)
    templates = sorted((source / "models").glob("*.yaml"))
    for i in range(models):
        template = templates[i % len(templates)]
        name = f"{template.stem}-{i:05d}"
        text = template.read_text(encoding="utf-8")
        text = text.replace(f"name: {template.stem}\n", f"name: {name}\n", 1)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root
