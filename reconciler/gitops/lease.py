"""The environment lock across machines: a lease on the remote, ``refs/reconcile/locks/<env>``.

Two CI runners share no disk, only the remote. The lease is a ref pointing at a commit (empty
tree, no parent) whose message is the holder's record with an expiry. Every change of the ref
is a push with ``--force-with-lease`` naming the value expected (none, to take a free lock;
the old lease, to take over an expired one or renew ours), so the remote decides atomically
and two runners can never both believe they hold it. The holder renews the lease every third
of its lifetime from a background thread; a holder killed with -9 stops renewing and its lease
lapses, after which the next runner takes it over and learns who was interrupted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from reconciler.gitops.git import first_line, run_in
from reconciler.gitops.gitutil import bot_identity
from reconciler.gitops.holder import Holder, parse_holder
from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.structs.errors import ConfigError, EnvironmentLocked

REF_PREFIX = "refs/reconcile/locks/"


def lease_ref(env: str) -> str:
    return REF_PREFIX + env


class Lease:
    """One runner's lease on one environment; ``acquire`` once, then ``release``."""

    def __init__(self, root: Path, env: str, *, ttl: float, remote: str = DEFAULT_REMOTE) -> None:
        self._root, self.env, self.ttl, self._remote = root, env, ttl, remote
        self._ref = lease_ref(env)
        self._sha: str | None = None
        self._me: Holder | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._mutex = threading.Lock()
        self.lost: str | None = None  # why a renewal failed, if one did
        self.last_error = ""

    def acquire(
        self,
        me: Holder,
        *,
        timeout: float,
        on_wait: Callable[[str], None] = lambda _m: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Holder | None:
        """Take the lease, waiting up to ``timeout`` seconds; returns the holder of an expired
        lease taken over (an interrupted run), or None. Raises EnvironmentLocked after the wait."""
        deadline, told = time.monotonic() + timeout, False
        while True:
            current_sha, current = self.read()
            now = time.time()
            if current_sha is None or current is None or current.expired(now):
                if self._push(me.renewed(ttl=self.ttl, now=now), expect=current_sha or ""):
                    self._me = me
                    self._start_renewing()
                    return current
                continue  # someone else moved first: look again
            if time.monotonic() >= deadline:
                raise EnvironmentLocked(
                    f"environment {self.env!r} is locked by {current.describe()}; "
                    "nothing was changed",
                    hint="wait for that run to finish and rerun, pass a longer --lock-timeout, "
                    f"or, if it is dead, '{self._unlock_command()}'",
                )
            if not told:
                on_wait(
                    f"waiting up to {timeout:.0f}s for the lock on {self.env!r} "
                    f"held by {current.describe()}"
                )
                told = True
            sleep(min(1.0, max(0.05, deadline - time.monotonic())))

    def _unlock_command(self) -> str:
        """The command that breaks this lease: on another remote than origin, it names it."""
        remote = "" if self._remote == DEFAULT_REMOTE else f" --remote {self._remote}"
        return f"reconcile unlock --env {self.env} --push{remote}"

    def release(self) -> None:
        """Stop renewing and delete the lease, only if it is still ours."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self._mutex:
            if self._sha is not None:
                self._git(
                    "push",
                    "--porcelain",
                    f"--force-with-lease={self._ref}:{self._sha}",
                    self._remote,
                    f":{self._ref}",
                )
                self._sha = None

    def read(self) -> tuple[str | None, Holder | None]:
        """The remote's lease: its sha and holder (None, None when the lock is free)."""
        out = self._git("ls-remote", self._remote, self._ref)
        if out is None:
            raise ConfigError(
                f"cannot read the lock {self._ref} from git remote {self._remote!r}",
                hint="check that the remote is reachable and that you may fetch from it",
            )
        sha = out.split()[0] if out.strip() else None
        if sha is None:
            return None, None
        fetched = self._git("fetch", "--quiet", "--no-tags", self._remote, self._ref)
        message = self._git("log", "-1", "--format=%B", sha) if fetched is not None else None
        return sha, parse_holder(message or "")

    def break_(self, sha: str) -> bool:
        """Delete the lease if it is still ``sha`` (for ``reconcile unlock``)."""
        done = self._git(
            "push",
            "--porcelain",
            f"--force-with-lease={self._ref}:{sha}",
            self._remote,
            f":{self._ref}",
        )
        return done is not None

    def _push(self, holder: Holder, *, expect: str) -> bool:
        """Point the ref at a new lease commit if the remote still has ``expect`` there."""
        sha = self._commit(holder)
        pushed = self._git(
            "push",
            "--porcelain",
            f"--force-with-lease={self._ref}:{expect}",
            self._remote,
            f"{sha}:{self._ref}",
        )
        if pushed is None:
            return False
        self._sha = sha
        return True

    def _commit(self, holder: Holder) -> str:
        tree = self._git("hash-object", "-w", "-t", "tree", "--stdin")
        message = holder.to_text()
        sha = (
            self._git("commit-tree", tree.strip(), "-m", message, env=bot_identity())
            if tree
            else None
        )
        if sha is None:
            raise ConfigError(
                f"cannot write the lock for {self.env!r} in the repository at {self._root}",
                hint="check that the repository is writable",
            )
        return sha.strip()

    def _start_renewing(self) -> None:
        self._thread = threading.Thread(
            target=self._renew_loop, name=f"reconcile-lease-{self.env}", daemon=True
        )
        self._thread.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            with self._mutex:
                if self._sha is None or self._me is None:
                    return
                renewed = self._me.renewed(ttl=self.ttl, now=time.time())
                if not self._push(renewed, expect=self._sha):
                    self.lost = "the lease was taken or broken while this run held it"
                    self._sha = None
                    return

    def _git(self, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None) -> str | None:
        """Run git in the repository; its output, or None when git refused."""
        done = run_in(self._root, *args, stdin=stdin, env=env, check=False)
        if not done.ok:
            self.last_error = first_line(done.stderr) if done.stderr.strip() else ""
            return None
        return done.stdout.decode("utf-8", errors="replace")
