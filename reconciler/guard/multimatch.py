"""One pass over a view that names the phrase rules that can match in it.

A 4 KB view passes the gate words of about forty of the ~250 phrase rules, and trying each
of them in Python (windows, opening literals, the expression itself) costs about a
millisecond, even though almost none match. Hyperscan runs every rule at once in one pass
over the view's bytes, in tens of microseconds. Each rule is compiled in its ``superset``
form, which matches wherever the rule can, so a rule the pass does not name cannot match;
the scanner confirms the ones it names with their own Python expressions, and so the
verdicts are the rules' own whether the pass runs or not (a test compares them over
thousands of inputs).

Compiling the rules takes Hyperscan about twelve seconds of one core, far more than a
one-shot command saves, so it happens only on request (``reconcile serve`` asks at start,
the guard benchmark before it measures), once per rule set and machine (``compiled_cache``
keeps the result for the next process), and in a background thread, at the lowest priority
and holding no lock while it compiles; until it is ready, and wherever Hyperscan is not
installed (it has no wheel for Linux on ARM), scans run every gated rule in Python as before.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import sys
import threading
from collections.abc import Sequence
from typing import Any

from reconciler.guard.compiled_cache import compiled
from reconciler.guard.rules import Rule
from reconciler.guard.superset import Unsupported, superset

log = logging.getLogger(__name__)


def _collect(rule_id: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(rule_id)


class MultiMatcher:
    """The rules, and once compiled, a Hyperscan database that matches them all in one pass.

    ``also`` names rules the scanner runs on their own; they are prepared in the same
    background thread."""

    def __init__(self, rules: Sequence[Rule], *, also: Sequence[Rule] = ()) -> None:
        self.rules = tuple(rules)
        self._also = tuple(also)  # rules run apart from the pass, prepared beside it
        self._ready = False
        self._database: Any = None  # None once ready: no rule could be rewritten
        self._always: tuple[int, ...] = ()  # rules the rewrite could not widen: always tried
        self._local = threading.local()
        self._started = threading.Lock()
        self._thread: threading.Thread | None = None
        self._done = threading.Event()

    @property
    def ready(self) -> bool:
        return self._ready

    def start(self) -> None:
        """Compile in a background thread, once; scans use it as soon as it is ready."""
        with self._started:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._compile, name="guard-multimatch", daemon=True
                )
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds for the pass; True when it is ready.

        A caller that waits without a limit has nothing else to do, so when no compile has
        started it compiles in its own thread at its own priority: the background thread
        runs at the lowest, and on a busy machine it got so little of a core that a wait of
        a minute ran out (the test suite in four workers beside another job). With a limit
        the compile runs in the background, and the limit holds."""
        with self._started:
            mine = self._thread is None and timeout is None
            if mine:
                self._thread = threading.current_thread()
        self.start()
        if mine:
            self._compile(background=False)
        self._done.wait(timeout)
        return self.ready

    def possible(self, text: str) -> list[Rule] | None:
        """The rules that can match ``text``, in their order, or None before compiling."""
        if not self._ready:
            return None
        database = self._database
        found: list[int] = list(self._always)
        if database is None:
            return [self.rules[i] for i in found]
        scratch = getattr(self._local, "scratch", None)
        if scratch is None or scratch.database is not database:
            scratch = self._local.scratch = _hyperscan().Scratch(database)
        database.scan(
            text.encode("utf-8", "surrogatepass"),
            match_event_handler=_collect,
            context=found,
            scratch=scratch,
        )
        rules = self.rules
        return [rules[i] for i in sorted(found)]

    def _compile(self, *, background: bool = True) -> None:
        if background:
            _lowest_priority()
        try:
            built = _build(self.rules)
            if built is not None:
                self._database, self._always = built
                self._ready = True
            _prepare(self.rules + self._also)
        except Exception:  # an unusable pass only costs speed: scans go on without it
            log.warning("guard: could not compile the one-pass matcher", exc_info=True)
        finally:
            self._done.set()


def _prepare(rules: Sequence[Rule]) -> None:
    """Work out each rule's opening literals now, in the background, rather than in the
    first scan that reaches it: a rule's first use otherwise parses its expression (up to
    0.8 ms), and a service's early scans of long attacks reach dozens of rules at once."""
    for each in rules:
        _ = each.pattern, each.starts


def _lowest_priority() -> None:
    """Let the serving threads go first: on Linux a thread has its own nice value, so the
    compile only takes a core that would otherwise be idle (elsewhere it would renice the
    whole process, so it is left alone)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


def _hyperscan() -> Any:
    """The hyperscan module, imported only when the matcher is built (it costs 6 ms)."""
    return importlib.import_module("hyperscan")


def _build(rules: Sequence[Rule]) -> tuple[Any, tuple[int, ...]] | None:
    """The compiled database and the rules it leaves out, or None without hyperscan."""
    try:
        hyperscan = _hyperscan()
    except ImportError:
        log.info("guard: hyperscan is not installed; phrase rules run one by one")
        return None
    expressions: list[bytes] = []
    ids: list[int] = []
    flags: list[int] = []
    always: list[int] = []
    each_once = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
    for index, each in enumerate(rules):
        try:
            expressions.append(superset(each.pattern).encode("ascii"))
        except Unsupported:
            always.append(index)
            continue
        ids.append(index)
        multiline = each.pattern.flags & re.MULTILINE
        flags.append(each_once | (hyperscan.HS_FLAG_MULTILINE if multiline else 0))
    if not expressions:
        return None, tuple(always)
    return compiled(hyperscan, expressions, ids, flags), tuple(always)
