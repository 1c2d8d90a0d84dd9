"""The one way the reconciler reaches git: the ``git`` program, run as a subprocess.

Every module that reads or writes a repository goes through ``find``/``require`` and the
``Repository`` they return (``run_in`` for the few calls that need no repository found first:
the remote lease). Plain ``git`` rather than GitPython, because the tool runs in places where
only git's own rules give the right answer:

- Ownership (``safe.directory``): a checkout owned by another uid (a container, a mounted
  volume) is refused by git, and must be refused the same way on every path. GitPython parses
  ``.git`` itself for some reads (HEAD, config, trees) and shells out for others, so a read
  succeeded where the commit beside it failed, and the lock silently moved elsewhere. Here git
  decides, and its refusal becomes ``UnsafeRepository``, naming the command that fixes it. The
  tool never overrides ``safe.directory`` itself: that is the owner's decision.
- Hooks and CI export ``GIT_DIR``, ``GIT_INDEX_FILE``, ``GIT_WORK_TREE``...; they point at the
  repository the hook runs for, not at ``--root``'s, and a relative ``GIT_DIR`` breaks a root in
  a subfolder. Those variables are dropped (the list git itself drops when it enters a
  submodule); the user's ``GIT_CONFIG_*``, ssh command and credentials helpers are kept.
- Worktrees and subfolders: ``rev-parse`` reports the top, the git folder and the common git
  folder, whatever the layout.
- Every call has a timeout (``GIT_TIMEOUT``); no process outlives its call (GitPython keeps a
  ``cat-file`` process per repository object, which is not safe to share between threads).
- Messages are stable: git speaks English here (``LC_ALL=C``) because callers read its words
  (``rejected``), and credentials in a URL are cut out of anything put in an error.

Errors are the project's own: ``GitFailed`` (a ``ConfigError``) carries git's last meaningful
line (``first_line``); callers that expect a refusal ask with ``check=False`` or ``ok``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reconciler.structs.errors import ConfigError
from reconciler.structs.paths import MANIFEST_SUFFIXES
from reconciler.structs.redaction import redact

GIT_TIMEOUT = 60.0
# Fetching and pushing a branch of a big repository over a slow link takes longer than any
# local command; they had no limit before this module, so theirs is generous.
NETWORK_TIMEOUT = 300.0

# ``git rev-parse --local-env-vars``: what locates a repository (set by a hook, or by CI for
# another checkout). The repository is found from ``--root``, never from these.
LOCAL_VARIABLES = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_DIR",
        "GIT_GRAFT_FILE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_OBJECT_DIRECTORY",
        "GIT_PREFIX",
        "GIT_REPLACE_REF_BASE",
        "GIT_SHALLOW_FILE",
        "GIT_WORK_TREE",
    }
)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"]+@")


class GitFailed(ConfigError):
    """git exited non-zero (or not at all); ``detail`` is git's line, without credentials."""

    def __init__(self, message: str, *, detail: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or "fix the repository state and run again")
        self.detail = detail


class UnsafeRepository(GitFailed):
    """git refuses a repository owned by another user (``safe.directory``)."""


@dataclass(frozen=True)
class Done:
    """A finished git command: its exit status and both outputs, as bytes."""

    status: int
    stdout: bytes
    stderr: bytes

    @property
    def ok(self) -> bool:
        return self.status == 0

    @property
    def text(self) -> str:
        """stdout as text, less the one newline git ends it with."""
        return self.stdout.decode("utf-8", errors="replace").removesuffix("\n")

    @property
    def said(self) -> str:
        """stdout and stderr in one line (a push's porcelain report is on stdout)."""
        both = self.stdout.decode("utf-8", "replace") + " " + self.stderr.decode("utf-8", "replace")
        return clean(" ".join(both.split()))


def clean(text: str) -> str:
    """git's words fit for a message: credentials in URLs and remembered secrets masked."""
    return redact(_USERINFO.sub(r"\1***@", text))


def first_line(stderr: bytes | str) -> str:
    """The line of git's complaint that says what went wrong: the last ``error:`` or
    ``fatal:`` line, else the last one that is not a hint (a refused merge ends with
    "Aborting", after the line that names the cause and the files it lists)."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("hint:")] or lines
    said = [line for line in lines if line.startswith(("error:", "fatal:"))] or lines
    return clean(said[-1]) if said else "unknown git error"


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment without the variables that locate another repository."""
    env = {k: v for k, v in os.environ.items() if k not in LOCAL_VARIABLES}
    env["LC_ALL"] = "C"
    # A status that reads may refresh the index and take its lock for that: another run's
    # commit in the same checkout then failed with "index.lock: File exists".
    env["GIT_OPTIONAL_LOCKS"] = "0"
    return {**env, **(extra or {})}


def run_in(
    where: Path | None,
    *args: str,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = GIT_TIMEOUT,
) -> Done:
    """``git -C where ARGS`` (``where`` None: in no repository). Raises GitFailed when git
    fails and ``check`` (else returns the failure), and UnsafeRepository whenever git refuses
    the repository's owner."""
    verb = args[0] if args else "git"
    place = ["-C", str(where)] if where is not None else []
    try:
        completed = subprocess.run(
            ["git", *place, *args],
            input=stdin,
            stdin=subprocess.DEVNULL if stdin is None else None,
            capture_output=True,
            check=False,
            timeout=timeout,
            env=environment(env),
        )
    except subprocess.TimeoutExpired as exc:
        raise GitFailed(
            f"git {verb} in {where or 'no repository'} did not finish within {timeout:.0f}s",
            detail="timed out",
            hint="check that the remote is reachable and git is not waiting for a password",
        ) from exc
    except FileNotFoundError as exc:
        raise ConfigError(
            "the git program was not found", hint="install git and put it on PATH"
        ) from exc
    done = Done(completed.returncode, completed.stdout, completed.stderr)
    if not done.ok:
        _refuse_unsafe(where, done.stderr)
        if check:
            raise GitFailed(
                f"git {verb} failed: {first_line(done.stderr)}", detail=first_line(done.stderr)
            )
    return done


def ls_remote(url: str, *refs: str, timeout: float = 30.0) -> dict[str, str] | None:
    """``git ls-remote URL REFS`` outside any repository: sha by ref name, or None when the
    remote could not be asked (offline, no such repository). Never waits for a password."""
    try:
        done = run_in(
            None,
            "ls-remote",
            url,
            *refs,
            env={"GIT_TERMINAL_PROMPT": "0"},
            check=False,
            timeout=timeout,
        )
    except ConfigError:
        return None
    if not done.ok:
        return None
    pairs = (line.partition("\t") for line in done.text.splitlines())
    return {ref: sha for sha, _, ref in pairs}


def _refuse_unsafe(where: Path | None, stderr: bytes) -> None:
    text = stderr.decode("utf-8", "replace")
    if "dubious ownership" not in text:
        return
    found = re.search(r"repository at '([^']+)'", text)
    top = found.group(1) if found else str(where)
    raise UnsafeRepository(
        f"git refuses the repository at {top}: it belongs to another user than the one "
        "running reconcile (git's safe.directory check); nothing was changed",
        detail=first_line(text),
        hint=f"run as the checkout's owner, or trust it with "
        f"'git config --global --add safe.directory {top}' (in a container: for its user; "
        "actions/checkout does this for you)",
    )


@dataclass(frozen=True)
class Repository:
    """A working tree found from a folder: its top, its git folder and the shared one."""

    top: Path
    git_dir: Path
    common_dir: Path

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        timeout: float = GIT_TIMEOUT,
    ) -> Done:
        """``run_in`` at the top of the working tree."""
        return run_in(self.top, *args, stdin=stdin, env=env, check=check, timeout=timeout)

    def text(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """stdout of a command that must succeed, as text."""
        return self.run(*args, env=env).text

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> bool:
        """Whether git said yes (exit status 0): for questions such as ``merge-base``."""
        return self.run(*args, env=env, check=False).ok

    def path(self, root: Path, *parts: str) -> str:
        """A path under ``root`` as a pathspec relative to the top (``.`` for the top)."""
        return root.resolve().joinpath(*parts).relative_to(self.top).as_posix()

    def head(self) -> str | None:
        """HEAD's full sha; None before the first commit."""
        return self.commit("HEAD")

    def commit(self, rev: str) -> str | None:
        """The full sha of the commit ``rev`` names, or None (also for a name that starts with
        ``-``, which git would read as an option: a request may carry it)."""
        if rev.startswith("-"):
            return None
        done = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        sha = done.text.strip()
        return sha if done.ok and sha else None

    def branch_ref(self) -> str | None:
        """The checked-out branch's ref (``refs/heads/main``); None when HEAD is detached."""
        done = self.run("symbolic-ref", "--quiet", "HEAD", check=False)
        ref = done.text.strip()
        return ref if done.ok and ref.startswith("refs/heads/") else None

    def branch(self) -> str | None:
        """The checked-out branch's name; None when HEAD is detached."""
        ref = self.branch_ref()
        return ref.removeprefix("refs/heads/") if ref else None

    def remotes(self) -> list[str]:
        return self.text("remote").split()

    def config(self, key: str) -> str:
        """A config value as git resolves it for this repository (every level, includes), or ''."""
        return self.run("config", "--get", key, check=False).text.strip()

    def distance(self, mine: str, theirs: str) -> tuple[int, int]:
        """Commits only on ``mine``, and only on ``theirs`` (ahead, behind)."""
        counts = self.text("rev-list", "--left-right", "--count", f"{mine}...{theirs}").split()
        return int(counts[0]), int(counts[1])

    def changed_paths(self, pathspec: str | None = None) -> list[str]:
        """Every path ``git status`` lists (staged, edited, new, deleted; untracked files one
        by one), under ``pathspec`` when given, relative to the top. Read with ``-z``: a name
        with a space, a quote or a non-ASCII letter is the name itself, not git's quoted form
        (a caller that shows one escapes it: ``display.listed``). A rename or copy, staged or
        in the work tree (either status column), gives both its paths: the file is gone from
        where it was as much as it is new where it went ("git mv environments/dev/a.yaml
        .reconciler/" deletes a manifest)."""
        spec = ["--", pathspec] if pathspec is not None else []
        fields = self.text("status", "--porcelain", "-z", "--untracked-files=all", *spec)
        parts = iter(fields.split("\0"))
        paths = []
        for entry in parts:
            if len(entry) < 4:
                continue
            paths.append(entry[3:])
            if {"R", "C"} & set(entry[:2]):
                source = next(parts, "")
                if source:
                    paths.append(source)
        return paths

    def dirty(self, pathspec: str, *, untracked: bool = True) -> bool:
        """Whether anything under ``pathspec`` differs from HEAD (staged, edited, new, deleted)."""
        flags = ["--untracked-files=all"] if untracked else []
        return bool(self.text("status", "--porcelain", *flags, "--", pathspec))

    def ignored_manifests(self, pathspec: str) -> list[str]:
        """The manifests under ``pathspec`` that ``.gitignore`` or ``info/exclude`` hides from
        ``git status``: a run loads them all the same (an editor's or the desktop's own files
        there are no manifests and do not count)."""
        listed = self.text(
            "ls-files", "--others", "--ignored", "--exclude-standard", "-z", "--", pathspec
        )
        return [p for p in listed.split("\0") if p.endswith(MANIFEST_SUFFIXES)]

    def blob(self, rev: str, path: str) -> bytes | None:
        """The file ``path`` (from the top) at ``rev``; None when it is not there."""
        done = self.run("cat-file", "blob", f"{rev}:{path}", check=False)
        return done.stdout if done.ok else None

    def files(self, rev: str, folder: str) -> dict[str, bytes]:
        """Every file under ``folder`` at ``rev``, by path from the top, read in one
        ``cat-file --batch`` (a symbolic link's target is its content, as git stores it)."""
        listing = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", folder).stdout
        entries = [e.split(b"\t", 1) for e in listing.split(b"\0") if e]
        blobs = [(meta.split()[2], path.decode()) for meta, path in entries if b" blob " in meta]
        if not blobs:
            return {}
        out = self.run("cat-file", "--batch", stdin=b"\n".join(s for s, _ in blobs) + b"\n")
        found, at = {}, 0
        for _sha, path in blobs:
            header_end = out.stdout.index(b"\n", at)
            size = int(out.stdout[at:header_end].split()[2])
            found[path] = out.stdout[header_end + 1 : header_end + 1 + size]
            at = header_end + 1 + size + 1
        return found

    def fetch(self, remote: str, branch: str, *, into: str | None = None) -> str:
        """Fetch ``branch`` from ``remote`` (into the ref ``into`` when given, forced);
        returns the sha fetched. Raises GitFailed with git's reason (no credentials)."""
        spec = f"+refs/heads/{branch}:{into}" if into else f"refs/heads/{branch}"
        self.run("fetch", "--quiet", "--no-tags", remote, spec, timeout=NETWORK_TIMEOUT)
        sha = self.commit(into or "FETCH_HEAD")
        if sha is None:
            raise GitFailed(f"git fetch of {branch} from {remote} gave no commit", detail="")
        return sha

    def push(self, remote: str, refspec: str) -> Done:
        """``git push --porcelain``; the result says whether it landed and why not."""
        return self.run(
            "push", "--porcelain", remote, refspec, check=False, timeout=NETWORK_TIMEOUT
        )

    def fast_forward(self, to: str) -> bool:
        """Move the checked-out branch and its working tree forward to ``to`` when that is a
        fast-forward git can make without touching local edits; False (nothing moved)
        otherwise. With ``fetch``, this is how a checkout follows its remote branch."""
        return self.ok("merge", "--ff-only", "--quiet", to)

    def worktree(self, path: Path, sha: str) -> Repository:
        """A detached checkout of ``sha`` at ``path`` sharing this repository's objects."""
        self.run("worktree", "add", "--detach", "--quiet", str(path), sha)
        return require(path)

    def remove_worktree(self, path: Path) -> None:
        """Remove a checkout made by ``worktree``, by hand when git will not."""
        if not self.ok("worktree", "remove", "--force", str(path)):
            shutil.rmtree(path, ignore_errors=True)
            self.run("worktree", "prune", check=False)


def find(root: Path) -> Repository | None:
    """The working tree holding ``root`` (a subfolder of it too); None when there is none or
    it is bare. Raises UnsafeRepository when git refuses the repository's owner."""
    if not root.is_dir():
        return None
    done = run_in(
        root,
        "rev-parse",
        "--show-toplevel",
        "--absolute-git-dir",
        "--git-common-dir",
        check=False,
    )
    lines = done.text.splitlines()
    if not done.ok or len(lines) != 3 or not lines[0]:
        return None
    top, git_dir, common = (Path(line) for line in lines)
    return Repository(top=top.resolve(), git_dir=git_dir, common_dir=(root / common).resolve())


def require(root: Path) -> Repository:
    """``find``, or ConfigError saying that state cannot be committed outside a working tree."""
    repo = find(root)
    if repo is None:
        raise ConfigError(
            f"{root} is not inside a git working tree, so state cannot be committed",
            hint="run 'git init' there, or drop --commit/--push",
        )
    return repo
