"""Whether a file really lies inside the repository root, symlinks and ``..`` resolved.

Manifests and state files arrive through pull requests, and a symlink is as easy to commit as
a file: ``environment.yaml -> /etc/shadow`` would be read (and its lines echoed back as
"unknown field" errors), ``state/<env>/audit.jsonl -> /elsewhere`` appended to. So every path
the tool reads or writes under the root is resolved first, and one that lands outside is
refused with its name. Links that stay inside the root are fine.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reconciler.structs.errors import ConfigError

OUTSIDE_HINT = "replace the symlink (or the '..' in the path) with a file inside the repository"


def escapes(root: Path, path: Path, *, real_parent: Path | None = None) -> Path | None:
    """Where ``path`` really leads when that is outside ``root``; None when it stays inside.

    ``real_parent``, the resolved folder of ``path`` when the caller checks many files of one
    folder, saves resolving every component again for each: a plain entry (not a symlink)
    lies where its folder really is, so one lstat answers.
    """
    real_root = _resolved(root)
    if real_parent is not None and path.name not in ("", ".", "..") and not path.is_symlink():
        real = real_parent / path.name
    else:
        real = path.resolve()
    return None if real == real_root or real.is_relative_to(real_root) else real


@lru_cache(maxsize=16)
def _resolved(root: Path) -> Path:
    """The root's real path, resolved once per run instead of once per file checked (a
    5,000-model validation asked 5,000 times)."""
    return root.resolve()


def inside_root(root: Path, path: Path) -> Path:
    """``path`` itself, or a ConfigError naming it when it resolves outside ``root``."""
    target = escapes(root, path)
    if target is not None:
        raise ConfigError(outside_message(root, path, target), hint=OUTSIDE_HINT)
    return path


def outside_message(root: Path, path: Path, target: Path) -> str:
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.as_posix()
    return f"{shown} resolves to {target}, outside the repository; it is neither read nor written"
