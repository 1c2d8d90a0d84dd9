"""One sync round: fast-forward, plan, and apply what ``policy.sync`` allows.

The plan is made twice when there is something to do: once without the lock (cheap, and
enough for a round with nothing to do, which is almost every round), then again by the main
job under the lock, which is the plan that is applied. A round that only reports never takes
the lock and never writes. A round fails by returning a report that says so; it never raises.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.engine.jobs.mainjob import run_job
from reconciler.engine.jobs.planjob import plan_job
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.plan.normalize import environment_of, is_managed
from reconciler.engine.plan.prepare import Prepared
from reconciler.engine.record.accounting import unaccounted_changes
from reconciler.engine.record.leftovers import commit_leftovers_locked
from reconciler.engine.sync.causes import admit, drifted
from reconciler.engine.sync.report import Change, RoundOutcome, RoundReport
from reconciler.gitops.locksettings import DEFAULT_REMOTE, DEFAULT_TTL
from reconciler.gitops.pull import fast_forward
from reconciler.manifests import load_environment
from reconciler.structs.errors import ExitCode, ReconcileError
from reconciler.structs.manifests import LoadedEnvironment, SyncPolicy
from reconciler.structs.outcome import ApplyResult, State
from reconciler.structs.paths import records_root
from reconciler.structs.plan import Plan
from reconciler.structs.redaction import redact

if TYPE_CHECKING:
    from reconciler.engine.apply.settle import HealthCheck
    from reconciler.gateway import GatewayClient


@dataclass(frozen=True)
class SyncSettings:
    """What an agent follows and how; the waits are injectable so tests run fast."""

    root: Path
    environment: str
    push: bool = False
    sandbox: bool = False
    remote: str = DEFAULT_REMOTE
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    lock_timeout: float = 60.0
    lock_ttl: float = DEFAULT_TTL
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic

    @property
    def records(self) -> Path:
        """Where the agent's records are: ``state/<env>/`` of the clone, or the sandbox's own
        folder for ``--sandbox`` (never committed; ``engine.record.place``)."""
        return records_root(self.root, sandbox=self.sandbox)


@dataclass
class _Seen:
    """What the round learnt on its way, kept when a later step fails."""

    pulled: int = 0
    commit: str | None = None
    prepared: Prepared | None = None
    admitted: Prepared | None = None
    result: ApplyResult | None = None
    healed: list[str] = field(default_factory=list)
    drift: set[str] = field(default_factory=set)
    records_pending: bool = False
    notices: list[str] = field(default_factory=list)  # e.g. a killed round's records committed


def run_round(
    settings: SyncSettings,
    number: int,
    *,
    stopping: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.time,
) -> RoundReport:
    """Run one round; whatever happens comes back as a report."""
    started, t0, seen = clock(), time.perf_counter(), _Seen()
    code: int | None = None
    try:
        outcome, error = _steps(settings, seen, stopping), None
    except ReconcileError as exc:
        outcome, error, code = RoundOutcome.FAILED, redact(exc.render()), int(exc.exit_code)
    except Exception as exc:
        outcome, error = RoundOutcome.FAILED, redact(f"unexpected {type(exc).__name__}: {exc}")
        code = int(ExitCode.INVALID)
    if outcome is RoundOutcome.BLOCKED and seen.prepared is not None:
        error = seen.prepared.plan.refusal()
    elif error is None and seen.result is not None and seen.result.problems:
        error = redact("; ".join(seen.result.problems))  # e.g. the push failed: say so
    report = _report(settings, number, seen, outcome=outcome, error=error, began=(started, t0))
    return replace(report, exit_code=code if code is not None else _exit_code(report))


def _exit_code(report: RoundReport) -> int:
    if report.outcome is RoundOutcome.BLOCKED:
        return int(ExitCode.BLOCKED)
    if report.outcome is RoundOutcome.INCOMPLETE:
        return int(ExitCode.INCOMPLETE)
    if report.outcome is RoundOutcome.STOPPED:
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if report.in_sync else ExitCode.CHANGES_PENDING)


def _steps(settings: SyncSettings, seen: _Seen, stopping: Callable[[], bool]) -> RoundOutcome:
    pulled = fast_forward(
        settings.root,
        env=settings.environment,
        remote=settings.remote,
        settle=None if settings.sandbox else lambda: _commit_leftovers(settings, seen),
        push=settings.push and not settings.sandbox,
    )
    seen.pulled, seen.commit, seen.records_pending = (
        pulled.behind,
        pulled.after,
        pulled.records_pending and not settings.sandbox,  # the sandbox's are never in state/
    )
    if pulled.pushed:
        seen.notices.append(
            f"pushed {pulled.pushed} local commit(s) of records an earlier push had not "
            f"landed on {pulled.upstream}"
        )
    if stopping():
        return RoundOutcome.STOPPED
    seen.prepared = _dry_plan(settings, seen.commit)
    seen.drift = drifted(settings.records, seen.prepared)
    rules = seen.prepared.loaded.config.policy.sync
    if not (rules.applies or rules.heals):
        return _verdict(seen.prepared.plan)
    if not _worth_locking(settings, seen, rules):
        return _verdict(seen.prepared.plan)
    if stopping():
        return RoundOutcome.STOPPED
    code = run_job(_request(settings, dry_run=False), _hooks(settings, seen))
    if seen.result is None:  # nothing admitted: only records of what the log missed
        return _verdict(seen.admitted.plan if seen.admitted else seen.prepared.plan)
    return RoundOutcome.APPLIED if code == 0 else RoundOutcome.INCOMPLETE


def _commit_leftovers(settings: SyncSettings, seen: _Seen) -> None:
    """A killed round's records, committed (and pushed) before the fast-forward, as the main
    job commits them after a crash: another clone may since have recorded the same change in
    the same files, and git refuses to bring that commit over uncommitted ones. Raises (the
    round fails, saying why and what to do) when they do not verify or cannot be pushed."""
    commit_leftovers_locked(
        settings.root,
        settings.environment,
        push=settings.push,
        notify=seen.notices.append,
        timeout=settings.lock_timeout,
        remote=settings.remote,
    )


def _dry_plan(settings: SyncSettings, commit: str | None) -> Prepared:
    found: list[Prepared] = []

    def keep(prepared: Prepared, _client: object) -> int:
        found.append(prepared)
        return 0

    plan_job(_request(settings, dry_run=True), _hooks(settings, _Seen(commit=commit)), then=keep)
    return found[0]


def _worth_locking(settings: SyncSettings, seen: _Seen, rules: SyncPolicy) -> bool:
    """Take the lock only for work: an admitted change, one still in progress, or records to
    catch up on (a crashed round's live changes, or its uncommitted files)."""
    prepared = seen.prepared
    if prepared is None:
        return False
    for item in prepared.plan.pending:
        if rules.heals if item.name in seen.drift else rules.applies:
            return True
    if any(i.in_progress for i in prepared.plan.items) or seen.records_pending:
        return True
    return bool(unaccounted_changes(settings.records, settings.environment, prepared.live.values()))


def _request(settings: SyncSettings, *, dry_run: bool) -> JobRequest:
    return JobRequest(
        root=settings.root,
        environment=settings.environment,
        dry_run=dry_run,
        sandbox=settings.sandbox,
        commit=not dry_run,
        push=settings.push and not dry_run,
        environ=settings.environ,
        lock_timeout=settings.lock_timeout,
        lock_ttl=settings.lock_ttl,
        remote=settings.remote,
    )


class _Manifests:
    """The environment as last loaded, per root and environment, with the commit it was read
    at. Reading and validating the manifests is most of a quiet round's CPU (a 1,000-model
    environment: about two thirds), and a round's checkout is exactly its HEAD outside
    ``state/`` and ``.reconciler/`` (``fast_forward`` refuses anything else), so while HEAD
    has not moved the manifests have not either."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[Path, str], tuple[str, LoadedEnvironment]] = {}

    def loader(self, commit: str | None) -> Callable[[Path, str], LoadedEnvironment]:
        def load(root: Path, env: str) -> LoadedEnvironment:
            with self._lock:
                known = self._loaded.get((root, env))
            if commit is not None and known is not None and known[0] == commit:
                return known[1]
            loaded = load_environment(root, env)
            if commit is not None:
                with self._lock:
                    self._loaded[(root, env)] = (commit, loaded)
            return loaded

        return load


_MANIFESTS = _Manifests()


def _hooks(settings: SyncSettings, seen: _Seen) -> JobHooks:
    keep = admit(
        settings.root,
        lambda p: p.loaded.config.policy.sync,
        heal_seen=seen.healed,
        records=settings.records,
    )

    def admitted(prepared: Prepared) -> Prepared:
        seen.admitted = keep(prepared)
        return seen.admitted

    def show_result(_plan: Plan, result: ApplyResult) -> None:
        seen.result = result

    return JobHooks(
        show_plan=lambda _p: None,
        confirm=lambda _p: True,
        show_result=show_result,
        make_health_check=_health_check,
        admit=admitted,
        on_notice=seen.notices.append,
        load=_MANIFESTS.loader(seen.commit),
        sleep=settings.sleep,
        monotonic=settings.monotonic,
    )


def _health_check(prepared: Prepared, client: GatewayClient) -> HealthCheck | None:
    """The main job's health check after an apply (the guard's modules load only then)."""
    from reconciler.engine.apply.health import guarded_health_check  # noqa: PLC0415

    return guarded_health_check(prepared, client)


def _verdict(plan: Plan) -> RoundOutcome:
    if plan.refused:
        return RoundOutcome.BLOCKED
    return RoundOutcome.OUT_OF_SYNC if plan.has_changes else RoundOutcome.IN_SYNC


def _report(
    settings: SyncSettings,
    number: int,
    seen: _Seen,
    *,
    outcome: RoundOutcome,
    error: str | None,
    began: tuple[float, float],  # epoch seconds, perf_counter
) -> RoundReport:
    started, t0 = began
    prepared = seen.admitted or seen.prepared
    changes = tuple(
        Change(o.name, o.action.value, o.state.value, o.ok, redact(o.error) if o.error else None)
        for o in (seen.result.outcomes if seen.result else ())
    )
    done = {c.name for c in changes if c.ok}
    pending = [i.name for i in prepared.plan.pending if i.name not in done] if prepared else []
    items = prepared.plan.items if prepared else ()
    held = [i.name for i in items if (i.reason or "").startswith("held back")]
    return RoundReport(
        environment=settings.environment,
        number=number,
        outcome=outcome,
        started=started,
        ms=(time.perf_counter() - t0) * 1000,
        commit=seen.commit,
        pulled=seen.pulled,
        pending=len(pending) + len(held),
        drifted=tuple(sorted(seen.drift)),
        healed=tuple(seen.healed),
        changes=changes,
        states=_states(seen.prepared, settings.environment, seen.result),
        policy=seen.prepared.loaded.config.policy.sync if seen.prepared else None,
        error=error,
        notices=tuple(redact(n) for n in seen.notices),
    )


def _states(prepared: Prepared | None, env: str, result: ApplyResult | None) -> dict[str, int]:
    """Managed endpoints by status: as listed at the start of the round, with what the
    round's own writes ended in (so a create that went ACTIVE counts now, not next round)."""
    if prepared is None:
        return {}
    status = {
        name: str(m.get("status", "UNKNOWN"))
        for name, m in prepared.live.items()
        if is_managed(m) and environment_of(m) in (None, env)
    }
    for outcome in result.outcomes if result else ():
        if outcome.state is State.DELETED:
            status.pop(outcome.name, None)
        elif outcome.state in (State.ACTIVE, State.FAILED):
            status[outcome.name] = outcome.state.value
    return dict(Counter(status.values()))
