"""The one-pass matcher's compiled database, kept on disk between processes.

Hyperscan takes about twelve seconds of one core to compile the ~250 phrase rules, and loads
the result in a millisecond. Every ``reconcile serve`` start, and every process of a test run,
compiled the same rules again; the compiled bytes are kept in the user's cache folder,
named by a hash of everything that decides them (the Hyperscan version, the expressions,
their ids and flags), so a changed rule or another Hyperscan gets its own file.

The file ends with the SHA-256 of the bytes before it: a torn or damaged file is not loaded
(Hyperscan refuses a database of another platform by itself), and any failure to read or
write only costs the compile. The folder is ``$RECONCILE_CACHE_DIR``, else
``$XDG_CACHE_HOME/reconcile``, else ``~/.cache/reconcile``; it is the user's own, like their
home, and nothing else is kept there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
DIGEST = 32  # bytes of SHA-256 at the end of each file
KEEP = 3  # compiled rule sets kept (about 3.4 MB each): this release's and a few before
WORTH_KEEPING = 20  # expressions; the shipped rules are about 250


def cache_folder(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get("RECONCILE_CACHE_DIR"):
        return Path(env["RECONCILE_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reconcile"


def compiled(
    hyperscan: Any,
    expressions: Sequence[bytes],
    ids: Sequence[int],
    flags: Sequence[int],
    *,
    folder: Path | None = None,
) -> Any:
    """A block-mode database of the expressions: loaded from the cache when it holds one for
    exactly these, else compiled and kept there. A handful of expressions compiles in
    milliseconds and is not kept: the few files kept are for rule sets worth keeping."""
    if len(expressions) < WORTH_KEEPING:
        return _compile(hyperscan, expressions, ids, flags)
    where = (folder or cache_folder()) / f"guard-{_key(hyperscan, expressions, ids, flags)}.hsdb"
    database = _load(hyperscan, where)
    if database is not None:
        return database
    with _one_compiler(where):  # processes starting together compile once, the rest load
        database = _load(hyperscan, where)
        if database is None:
            database = _compile(hyperscan, expressions, ids, flags)
            _keep(hyperscan, database, where)
    return database


def _compile(
    hyperscan: Any, expressions: Sequence[bytes], ids: Sequence[int], flags: Sequence[int]
) -> Any:
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=list(expressions), ids=list(ids), elements=len(ids), flags=list(flags)
    )
    return database


@contextlib.contextmanager
def _one_compiler(where: Path) -> Iterator[None]:
    """``flock`` on ``where``'s lock file while one process compiles and keeps the rules:
    the workers of a test run, or a service and a CLI started together, compiled the same
    rules at once (twelve seconds of a core each, which ran past a test's minute on a busy
    machine). A folder that cannot hold the lock costs only the wait's saving."""
    try:
        where.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = open(where.with_suffix(".lock"), "a+b")  # noqa: SIM115 - held across the yield
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _key(
    hyperscan: Any, expressions: Sequence[bytes], ids: Sequence[int], flags: Sequence[int]
) -> str:
    digest = hashlib.sha256(str(getattr(hyperscan, "__version__", "?")).encode())
    for expression, rule, flag in zip(expressions, ids, flags, strict=True):
        digest.update(b"\0%d\0%d\0" % (rule, flag) + expression)
    return digest.hexdigest()[:32]


def _load(hyperscan: Any, path: Path) -> Any:
    if not _own(path):
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    body, digest = data[:-DIGEST], data[-DIGEST:]
    if len(data) <= DIGEST or hashlib.sha256(body).digest() != digest:
        log.info("guard: ignoring a damaged compiled-rules cache %s", path)
        return None
    try:
        return hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
    except Exception:  # another platform or Hyperscan build: compile instead
        log.info("guard: the compiled-rules cache %s does not load here", path, exc_info=True)
        return None


def _keep(hyperscan: Any, database: Any, path: Path) -> None:
    """Write atomically (a concurrent reader sees the old file or the whole new one)."""
    try:
        body = hyperscan.dumpb(database)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".guard-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(body + hashlib.sha256(body).digest())
        os.replace(temporary, path)
        _prune(path.parent, keep=path)
    except Exception:  # a read-only home, a full disk: the next process compiles again
        log.info("guard: could not keep the compiled rules in %s", path.parent, exc_info=True)
        with contextlib.suppress(Exception):
            os.unlink(temporary)


def _own(path: Path) -> bool:
    """Only a file this user wrote, in a folder only this user may write to, is loaded: the
    checksum catches damage, not someone else's file in a shared cache folder, and Hyperscan
    is not built to read hostile bytes."""
    try:
        for each in (path.parent, path):
            status = each.stat()
            if status.st_uid != os.geteuid() or status.st_mode & 0o022:
                log.info("guard: not loading %s: another user may have written it", each)
                return False
    except OSError:
        return False
    return True


def _prune(folder: Path, *, keep: Path) -> None:
    """Remove all but the newest ``KEEP`` files: each release's rules make a new one."""
    files = sorted(folder.glob("guard-*.hsdb"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [f for f in files if f != keep][KEEP - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()
            old.with_suffix(".lock").unlink(missing_ok=True)
