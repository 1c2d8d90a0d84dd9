"""Write manifest files all-or-nothing, or check what writing them would give.

Import and promote change a user's config repository; a result that does not validate must
leave the repository exactly as it was, so every write here is undone on any failure.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from reconciler.manifests import load_environment
from reconciler.structs.paths import inside_root
from reconciler.structs.problems import Problem, ValidationFailed, errors_in
from reconciler.structs.redaction import redact


def write_manifests(
    root: Path, env: str, texts: Mapping[Path, str], *, owed: frozenset[str] = frozenset()
) -> list[Problem]:
    """Write every file, then load the environment; on any failure put every file back.

    All-or-nothing like validation itself: when the result does not validate (ValidationFailed)
    or a write fails, new files are deleted and overwritten ones restored before re-raising.
    Errors of a rule in ``owed`` on a written file are returned instead of raised: information
    only the user can supply (import cannot know traffic or prices), to add before a plan.
    """
    for path in texts:
        inside_root(root, path)
    before = {p: p.read_text(encoding="utf-8") if p.exists() else None for p in texts}
    made = [p.parent for p in texts if not p.parent.exists()]
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(redact(text), encoding="utf-8")
        return _validate(root, env, {p.relative_to(root).as_posix() for p in texts}, owed)
    except BaseException:
        for path, original in before.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(original, encoding="utf-8")
        for folder in made:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise


def _validate(root: Path, env: str, written: set[str], owed: frozenset[str]) -> list[Problem]:
    try:
        load_environment(root, env)
    except ValidationFailed as exc:
        errors = errors_in(exc.problems)
        left = [p for p in errors if p.rule in owed and p.file in written]
        if len(left) < len(errors):
            raise
        return left
    return []


def check_manifests(root: Path, env: str, texts: Mapping[Path, str]) -> None:
    """Validate ``env`` as it would be with ``texts`` written, in a temporary copy of it."""
    with tempfile.TemporaryDirectory(prefix="reconcile-check-") as temp:
        copy = Path(temp)
        source = root / "environments" / env
        shutil.copytree(source, copy / "environments" / env)
        for path, text in texts.items():
            target = copy / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        load_environment(copy, env)
