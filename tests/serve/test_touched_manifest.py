"""A manifest whose times changed but not its bytes (an editor's save, a checkout tool) is
up to date: git runs without optional locks, so no status refreshes the index, and the
switch of a direct apply refreshed it itself only after a review found it refused as a
local edit ("not uptodate. Cannot merge.")."""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.serve.branches import commit_on_branch, open_served
from reconciler.serve.checkout import uncommitted
from tests.fixtures_gitops import configure, git


def test_a_touched_manifest_is_no_edit_and_an_apply_changes_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    git(tmp_path, "init", "--quiet", "-b", "main", str(root))
    configure(root)
    manifest = root / "environments/dev/models/model-a.yaml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("name: model-a\n")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "init")
    os.utime(manifest, (1e9, 1e9))  # the same bytes, other times
    served = open_served(root)
    assert uncommitted(served, "dev") is None
    commit_on_branch(
        served,
        base=served.tip(),
        folder="environments/dev",
        path="environments/dev/models/model-a.yaml",
        text="name: model-a\nx: 1\n",
        message="m",
    )
    assert git(root, "status", "--porcelain") == ""
    assert manifest.read_text() == "name: model-a\nx: 1\n"
