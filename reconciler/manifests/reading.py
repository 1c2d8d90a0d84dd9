"""Read a manifest file's bytes defensively, before any YAML parser sees them.

Manifests arrive in pull requests from anyone, so the checks here run first and cheaply: a
size cap (nothing legitimate is anywhere near it), strict UTF-8, no control characters (a
binary file pasted under ``models/``), and no tabs in indentation, which YAML forbids but
reports with a message nobody understands.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from reconciler.manifests.secretlike import masked
from reconciler.structs.problems import Problem, Severity

MAX_FILE_BYTES = 256 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


class FileRejected(Exception):
    """The file cannot be parsed at all; carries the one problem that says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def reject(source: str, line: int | None, *, rule: str, message: str, fix: str) -> FileRejected:
    """The file's one problem; its message masked as ``Document.problem`` masks (a YAML
    error may quote the token it stopped at, a duplicate key the key)."""
    return FileRejected(Problem(Severity.ERROR, source, line, rule, masked(message), fix))


def not_regular(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file to read ("a FIFO", "a symlink loop",
    ...); None for a regular file. Asked before anything opens it: a FIFO opened for reading
    blocks until a writer comes, and a manifest silently skipped is a model silently lost."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop"
        return "a dangling symlink" if os.path.islink(path) else None
    for test, what in _KINDS:
        if test(mode):
            return what
    return None


_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_regular_problem(path: Path, what: str, *, source: str) -> Problem:
    return Problem(
        Severity.ERROR,
        source,
        None,
        "file-not-regular",
        f"{source} is {what}, not a regular file",
        "replace it with a regular YAML file, or remove it",
        path=None,
    )


def read_text(path: Path, *, source: str) -> str:
    """The file's text, or ``FileRejected`` naming the first reason it is unusable."""
    try:
        # Non-blocking, so a path that became a FIFO after ``not_regular`` looked cannot hang
        # the run; the descriptor's own type is checked before any read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                what = not_regular(path) or "a special file"
                raise FileRejected(not_regular_problem(path, what, source=source))
            # Ask for the file's own size (plus one byte, to see it grew past the cap): a
            # 256 KiB buffer per read is an mmap and its page faults for every small manifest.
            raw = handle.read(min(info.st_size, MAX_FILE_BYTES) + 1)
    except OSError as exc:
        raise reject(
            source,
            None,
            rule="file-unreadable",
            message=f"cannot read the file: {exc.strerror}",
            fix="check the file's permissions",
        ) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise reject(
            source,
            None,
            rule="yaml-too-large",
            message=f"the file is larger than {MAX_FILE_BYTES // 1024} KiB",
            fix="a manifest is a few hundred lines; split it or remove pasted data",
        )
    return _checked_text(raw, source=source)


def _checked_text(raw: bytes, *, source: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise reject(
            source,
            line,
            rule="yaml-binary",
            message=f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            fix="manifests are UTF-8 YAML; remove the binary content or the file",
        ) from exc
    control = _CONTROL.search(text)
    if control:
        line = text[: control.start()].count("\n") + 1
        raise reject(
            source,
            line,
            rule="yaml-binary",
            message=f"the file contains a control character U+{ord(control.group()):04X}",
            fix="manifests are plain text; remove the binary content or the file",
        )
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text[: tab.start()].count("\n") + 1
        raise reject(
            source,
            line,
            rule="yaml-tabs",
            message="a tab is used for indentation, which YAML does not allow",
            fix="indent with spaces (set your editor to insert spaces for .yaml files)",
        )
    return text
