"""The documentation's reference pages are generated from the code; a stale one fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

TOOL = Path(__file__).resolve().parents[2] / "tools" / "docs.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reconcile_docs_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_page_matches_the_code() -> None:
    stale = _tool().stale_pages()
    assert stale == [], f"regenerate with: python tools/docs.py (stale: {stale})"


def test_the_commands_page_lists_every_command() -> None:
    from reconciler.cli.main import COMMANDS

    page = _tool().commands_page()
    for entry in COMMANDS:
        assert f"## `reconcile {entry.name}`" in page


def test_the_manifest_page_lists_every_schema_field() -> None:
    page = _tool().manifests_page()
    for path in ("metadata.name", "spec.credentials.apiKey", "spec.policy", "spec.budget"):
        assert f"| `{path}` |" in page
