"""Records a crashed run left uncommitted in this checkout: checked, then committed first.

A run writes ``state/<env>/audit.jsonl`` and ``snapshot.json`` and commits them at its end; a
kill -9 in between leaves them written and uncommitted. A fresh clone never sees them (its
run recovers the live changes as MODEL_RECOVERED), but a rerun in the same checkout reads
them as its own record, so unless it commits them they stay uncommitted for good. So a run
that commits (and the service, at start-up and before each job) first commits what it finds,
under the environment's lock, and only when it is an honest successor of HEAD's records:

- our own leftovers that are not records are removed: a snapshot's temporary file
  (``.snapshot.json.*.tmp``), and a torn last audit line (a crash inside an append). A torn
  line was never fsynced, so no write was sent after it; the live change an accepted entry
  recorded is found again and recorded as MODEL_RECOVERED. Its bytes are kept aside;
- git's ``index.lock`` and ref locks, when a run of ours is known to have died holding the
  environment's lock (its own ``git commit`` was killed with it): git never removes them and
  refuses every later command until someone does. Only locks older than this call are
  removed, and this call holds the environment's lock, so no run of ours is using them;
- the log must be a valid chain that starts with HEAD's log byte for byte (MACs too, when
  ``RECONCILE_AUDIT_KEY`` is set), the snapshot must parse, never go back in serial, and
  anchor on its own log (``history.successor``). Anything else is refused with the reason
  and what to do, and nothing is committed: a person decides about records that do not chain.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from reconciler.gitops.canonical import audit_key
from reconciler.gitops.chain import audit_path
from reconciler.gitops.git import require
from reconciler.gitops.history import committed, successor, working_tree
from reconciler.gitops.repo import commit_state
from reconciler.gitops.snapshot import read_snapshot
from reconciler.structs.display import listed
from reconciler.structs.errors import ConfigError
from reconciler.structs.paths import RECORD_FILES, private_path, state_path

_TEMPORARY = re.compile(r"\.snapshot\.json\..*\.tmp")  # an atomic write's, cleared below


@dataclasses.dataclass(frozen=True)
class Leftovers:
    """What was found and committed: new audit entries, the snapshot's serial, cut bytes."""

    env: str
    entries: int
    serial: int | None
    torn: Path | None = None
    commit: str | None = None

    def message(self, *, after: int) -> str:
        """The commit message."""
        return (
            f"reconcile({self.env}): commit records an interrupted run left uncommitted\n\n"
            f"{self.entries} audit entries after line {after}"
            + (f"; snapshot serial {self.serial}" if self.serial is not None else "")
            + ". Verified as an append-only successor of the committed records."
        )

    def describe(self) -> str:
        parts = [f"{self.entries} audit entr{'y' if self.entries == 1 else 'ies'}"]
        if self.serial is not None:
            parts.append(f"snapshot serial {self.serial}")
        text = (
            f"state/{self.env}/ held records an interrupted run left uncommitted "
            f"({', '.join(parts)}); committed them"
            + (f" as {self.commit[:12]}" if self.commit else "")
            + " before planning"
        )
        if self.torn is not None:
            text += f"; a torn last audit line was cut off and kept in {self.torn}"
        return text


def pending(root: Path, env: str) -> bool:
    """Whether ``state/<env>/`` differs from HEAD (edited, added or deleted files)."""
    repo = require(root)
    return repo.dirty(repo.path(root, "state", env))


def commit_leftovers(
    root: Path, env: str, *, key: bytes | None = None, killed: bool = False
) -> Leftovers | None:
    """Check and commit uncommitted records of ``env``; None when there are none. Raises
    ConfigError (nothing committed) when they are not an honest successor of HEAD's.
    ``killed``: a run of ours died holding the environment's lock on this machine."""
    folder = state_path(root, env)
    if killed:
        _clear_git_locks(root, before=time.time())
    if not pending(root, env):
        return None
    _refuse_strays(root, env)
    before, now = committed(root, env), working_tree(root, env)
    log, torn = _split_torn(now.log)
    verdict = successor(before, dataclasses.replace(now, log=log), key=key or audit_key())
    if not verdict.ok:
        raise ConfigError(
            f"state/{env}/ holds records left uncommitted by an interrupted run that cannot "
            f"be committed: {verdict.reason}; nothing was committed or changed",
            hint=f"look at them with 'git diff -- state/{env}'; to drop them, run "
            f"'git checkout -- state/{env}' (the next run records every live change they "
            "described as MODEL_RECOVERED), then run again",
        )
    _remove_temporary(folder)
    aside = _set_aside(root, env, keep=len(log or b""), torn=torn) if torn else None
    known = len((before.log or b"").splitlines()) if before else 0
    snapshot = read_snapshot(root, env)
    found = Leftovers(
        env=env,
        entries=verdict.entries - known,
        serial=snapshot.serial if snapshot else None,
        torn=aside,
    )
    sha = commit_state(root, env, message=found.message(after=known))
    if sha is None and aside is None:
        return None  # only a temporary file, or an index that lagged behind HEAD
    return dataclasses.replace(found, commit=sha)


def _refuse_strays(root: Path, env: str) -> None:
    """Refuse a changed or new file under ``state/<env>/`` that no run writes (anything but
    the log and the snapshot, or either as a symlink): committed with the records and pushed,
    a token or a link to ``/etc/passwd`` dropped there would reach the remote."""
    repo = require(root)
    folder = repo.path(root, "state", env) + "/"
    strays = []
    for path in repo.changed_paths(folder):
        name = path.removeprefix(folder)
        if _TEMPORARY.fullmatch(name):
            continue
        if name not in RECORD_FILES or (root / "state" / env / name).is_symlink():
            strays.append(path)
    if strays:
        raise ConfigError(
            f"state/{env}/ holds files no run writes ({listed(strays, 5)}); nothing was "
            "committed or changed",
            hint="move them out of state/ (only audit.jsonl and snapshot.json belong there), "
            "then run again",
        )


def _clear_git_locks(root: Path, *, before: float) -> None:
    """The lock files a killed ``git commit`` leaves: the index's, and those of the refs it
    was moving (HEAD, the branch, packed-refs)."""
    repo = require(root)
    own, common, branch = repo.git_dir, repo.common_dir, repo.branch_ref()
    locks = [own / "index.lock", own / "HEAD.lock", common / "packed-refs.lock"]
    for lock in locks + ([common / f"{branch}.lock"] if branch else []):
        with contextlib.suppress(FileNotFoundError):
            if lock.lstat().st_mtime < before:
                lock.unlink()


def _remove_temporary(folder: Path) -> None:
    """Temporary files of an atomic snapshot write that a crash left behind (never records)."""
    for temp in folder.glob(".snapshot.json.*.tmp"):
        if temp.is_file() and not temp.is_symlink():
            temp.unlink()


def _split_torn(log: bytes | None) -> tuple[bytes | None, bytes]:
    """The log's complete lines, and the incomplete last line a crash left (b"" if none)."""
    if not log or log.endswith(b"\n"):
        return log, b""
    keep = log.rfind(b"\n") + 1
    return log[:keep], log[keep:]


def _set_aside(root: Path, env: str, *, keep: int, torn: bytes) -> Path:
    """Keep the torn line's bytes in ``.reconciler/torn/``, then cut it off the log."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = private_path(root, "torn", f"{env}-audit-{stamp}.jsonl")
    aside.parent.mkdir(parents=True, exist_ok=True)
    aside.write_bytes(torn)
    with audit_path(root, env).open("r+b") as handle:
        handle.truncate(keep)
    return aside.relative_to(root)
