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
        shown = _shown(root, path)
    except ValueError:
        shown = path.as_posix()
    return f"{shown} resolves to {target}, outside the repository; it is neither read nor written"


PRIVATE_DIR = ".reconciler"  # the checkout's working files: sandbox state, locks, torn lines
SANDBOX_DIR = "sandbox"  # under PRIVATE_DIR: the embedded emulator's models and its runs' records
RECORD_FILES = ("audit.jsonl", "snapshot.json")  # all a run writes under state/<env>/
MANIFEST_SUFFIXES = (".yaml", ".yml")  # what a run reads under environments/<env>/


def unlinked(root: Path, *parts: str) -> Path:
    """``root/parts``, or a ConfigError when any of ``parts`` (from ``root`` down) is a
    symlink. State files and ``.reconciler`` are written by the tool, never through a link:
    one committed or planted there would send those writes wherever it points, even when that
    is inside the repository (``.reconciler -> ../elsewhere``, ``audit.jsonl -> ../README``)."""
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            shown = _shown(root, path)
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
    """``state/<env>[/name]`` under a records root (``records_root``) with no symlink on the
    way (see ``unlinked``)."""
    return unlinked(root, "state", env, *name)


def records_root(root: Path, *, sandbox: bool) -> Path:
    """The folder whose ``state/<env>/`` holds a run's snapshot and audit log: the checkout
    itself, or for a ``--sandbox`` run ``.reconciler/sandbox/`` beside the emulator's models.

    A sandbox run's records describe the emulator, not the Gateway: written to ``state/`` they
    were taken by the next real run for a crashed run's leftovers and committed into the
    team's audit chain. Kept here they are never committed, while a sandbox rerun still plans
    from its own last snapshot. Every reader and writer of records takes this folder as its
    ``root``; git (commits, the manifests' commit, the actor) keeps the checkout's.
    """
    return private_path(root, SANDBOX_DIR) if sandbox else root


def _shown(root: Path, path: Path) -> str:
    """``path`` as the user finds it from the checkout: a sandbox run's records root is
    ``.reconciler/sandbox/`` (``records_root``), and its files are named from the checkout."""
    shown = path.relative_to(root).as_posix()
    if root.name == SANDBOX_DIR and root.parent.name == PRIVATE_DIR:
        return f"{PRIVATE_DIR}/{SANDBOX_DIR}/{shown}"
    return shown


def _kind(part: str, parts: tuple[str, ...]) -> str:
    return "file" if part == parts[-1] and "." in part.lstrip(".") else "folder"
