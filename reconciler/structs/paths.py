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


PRIVATE_DIR = ".reconciler"  # the checkout's working files: sandbox state, locks, torn lines


def unlinked(root: Path, *parts: str) -> Path:
    """``root/parts``, or a ConfigError when any of ``parts`` (from ``root`` down) is a
    symlink. State files and ``.reconciler`` are written by the tool, never through a link:
    one committed or planted there would send those writes wherever it points, even when that
    is inside the repository (``.reconciler -> ../elsewhere``, ``audit.jsonl -> ../README``)."""
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            shown = path.relative_to(root).as_posix()
            raise ConfigError(
                f"{shown} is a symbolic link; reconcile never reads or writes its state "
                "through a link, so nothing was changed",
                hint=f"replace the link with a real {_kind(part, parts)}: 'rm {shown}' "
                + (
                    f"and 'git checkout -- {shown}' if it is committed"
                    if shown.startswith("state/")
                    else "(it is recreated on the next run)"
                ),
            )
    return path


def private_path(root: Path, *parts: str) -> Path:
    """A path under ``root/.reconciler`` with no symlink on the way (see ``unlinked``)."""
    return unlinked(root, PRIVATE_DIR, *parts)


def state_path(root: Path, env: str, *name: str) -> Path:
    """``state/<env>[/name]`` with no symlink on the way (see ``unlinked``)."""
    return unlinked(root, "state", env, *name)


def _kind(part: str, parts: tuple[str, ...]) -> str:
    return "file" if part == parts[-1] and "." in part.lstrip(".") else "folder"
