"""Apply jobs: the main job run in the background for a direct apply, polled by id.

Provisioning takes seconds to minutes, so a direct apply answers 202 at once with a job to
poll. The job is ``engine.jobs.mainjob.run_job`` itself (plan, apply, audit, snapshot, commit and
push when asked), with hooks that record instead of print and never ask. Jobs of one
environment run one at a time, under the same lock as configure requests of that environment.

Jobs are kept as JSON files under ``.reconciler/jobs/`` of the served repository (ignored by
git), written at every step, so the page's job history survives a restart. Stopping the
service (SIGTERM) lets running jobs finish for a while, then checkpoints them: no new write is
sent, the calls in flight finish, and what happened is recorded and committed as after Ctrl-C;
the job ends FAILED with code ``interrupted`` and says so. A job that was running when the
service died (kill -9, power loss) is marked the same way when the service starts again, since
nothing will finish it. Symlinks there are refused: a committed link could make the service
write its records anywhere.

A finished job's result (the plan of every model, a few hundred bytes a model) is kept in its
file only, and read back when the job is asked for: the service keeps the newest
``KEEP_JOBS`` jobs, and with their results in memory an environment of a thousand models
held about 85 MB more after two hundred applies (and at every start, which loaded them all).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from reconciler.engine.jobs.mainjob import run_job
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.record.events import Event
from reconciler.gitops.snapshot import atomic_write
from reconciler.report.apply_result import result_document
from reconciler.report.plan_json import plan_document
from reconciler.structs.errors import ConfigError, ExitCode, ReconcileError
from reconciler.structs.outcome import ApplyResult, State
from reconciler.structs.plan import Plan

log = logging.getLogger("reconciler.serve")
JOBS_DIR = Path(".reconciler") / "jobs"
KEEP_JOBS = 200  # the newest jobs kept on disk and listed; older files are removed
FINISH_GRACE = 20.0  # seconds running jobs may take to finish when the service stops (--stop-grace)
CHECKPOINT_GRACE = 60.0  # then, after being asked to stop, to finish calls in flight and record
STOPPED = (
    "the service stopped during this job: calls already sent were finished, and what was "
    "applied is recorded and committed; a new apply finishes the rest"
)
NOT_STARTED = "the service stopped before this job started; nothing was applied"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass
class Job:
    """One apply job; ``result`` is the main job's JSON document (plan plus result)."""

    id: str
    env: str
    status: JobStatus = JobStatus.QUEUED
    exit_code: int | None = None
    result: dict[str, Any] | None = None
    actor: str | None = None
    commit: str | None = None
    created: str = field(default_factory=_now)
    finished: str | None = None
    progress: dict[str, str] = field(default_factory=dict)  # model name -> its latest state
    done: threading.Event = field(default_factory=threading.Event)
    stored: bool = False  # finished, its result in its file only (``Jobs.get`` reads it)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "env": self.env,
            "status": self.status.value,
            "exitCode": self.exit_code,
            "result": self.result,
            "actor": self.actor,
            "commit": self.commit,
            "created": self.created,
            "finished": self.finished,
            "models": self.models(),
            "links": {"self": f"/api/jobs/{self.id}"},
        }

    def models(self) -> list[dict[str, Any]]:
        """Each model's outcome: the result's once finished, the latest progress before."""
        outcomes = ((self.result or {}).get("result") or {}).get("outcomes")
        if outcomes:
            return [
                {"name": o["name"], "action": o["action"], "state": o["state"], "error": o["error"]}
                for o in outcomes
            ]
        return [
            {"name": name, "action": None, "state": state, "error": None}
            for name, state in self.progress.items()
        ]


def _from_dict(data: dict[str, Any]) -> Job:
    job = Job(
        id=str(data["id"]),
        env=str(data["env"]),
        status=JobStatus(data["status"]),
        exit_code=data.get("exitCode"),
        result=data.get("result"),
        actor=data.get("actor"),
        commit=data.get("commit"),
        created=str(data.get("created") or ""),
        finished=data.get("finished"),
    )
    job.done.set()
    return job


def _read(path: Path) -> dict[str, Any]:
    """A job file's object; ValueError when it is not a regular file or not an object (a
    link could make the service read, and then serve, any file)."""
    if path.is_symlink() or not path.is_file():
        raise ValueError("not a regular file")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


class JobStore:
    """The job files under ``<root>/.reconciler/jobs/``; symlinks on the way are refused."""

    def __init__(self, root: Path) -> None:
        self.folder = root / JOBS_DIR
        for path in (root / JOBS_DIR.parent, self.folder):
            if path.is_symlink():
                raise ConfigError(
                    f"{path} is a symlink; the service keeps its job records there",
                    hint=f"remove the link (rm {path}); the folder is created as needed",
                )

    def save(self, job: Job) -> None:
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            # Records of this service, not of the repository: never shown as untracked files
            # (a repository made without 'reconcile init' may not ignore .reconciler/).
            (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
        target = self.folder / f"{job.id}.json"
        if target.is_symlink():
            raise ConfigError(f"{target} is a symlink", hint=f"remove it (rm {target})")
        data = {k: v for k, v in job.as_dict().items() if k not in ("links", "models")}
        data["progress"] = job.progress
        atomic_write(target, json.dumps(data, default=str, ensure_ascii=False) + "\n")

    def load(self) -> list[Job]:
        """Every readable job, oldest first, a finished one without its result (``result``
        reads it); unreadable files are skipped with a log line."""
        if not self.folder.is_dir():
            return []
        jobs = []
        for path in self.folder.glob("*.json"):
            try:
                data = _read(path)
                job = _from_dict(data)
                job.progress = {str(k): str(v) for k, v in (data.get("progress") or {}).items()}
                if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                    job.result, job.stored = None, True  # read again when asked for
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("skipping job record %s: %s", path.name, exc)
                continue
            jobs.append(job)
        return sorted(jobs, key=lambda j: j.created)

    def result(self, job_id: str) -> dict[str, Any] | None:
        """The result kept in a job's file; None when it cannot be read (logged)."""
        path = self.folder / f"{job_id}.json"
        try:
            result = _read(path).get("result")
        except (OSError, ValueError) as exc:
            log.warning("cannot read job record %s: %s", path.name, exc)
            return None
        return result if isinstance(result, dict) else None

    def remove(self, job_id: str) -> None:
        (self.folder / f"{job_id}.json").unlink(missing_ok=True)


class Jobs:
    """The recent jobs by id, this service's and, with a store, earlier runs'."""

    def __init__(
        self,
        *,
        on_finish: Callable[[Job], None] = lambda _j: None,
        store: JobStore | None = None,
        log: Callable[[str], None] = lambda _line: None,
    ) -> None:
        self._jobs: dict[str, Job] = {}
        self._on_finish = on_finish
        self._log = log
        self._store = store
        self._saving = threading.Lock()
        self._closing = threading.Event()  # stop() began: nothing new starts
        self._stopping = threading.Event()  # the grace is over: running jobs checkpoint
        self._starting = threading.Lock()  # start() and stop() see one list of threads
        self._threads: dict[str, threading.Thread] = {}
        for job in store.load() if store else []:
            if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
                job.status, job.finished = JobStatus.FAILED, _now()
                job.result = (job.result or {}) | {
                    "error": {
                        "code": "interrupted",
                        "message": "the service stopped while this job ran; what was applied "
                        "shows in the environment's overview and history, and a new apply "
                        "finishes the rest",
                    }
                }
                if self._save(job):
                    self._set_aside(job)
            self._jobs[job.id] = job

    def get(self, job_id: str) -> Job | None:
        job = self._jobs.get(job_id)
        return None if job is None else self._whole(job)

    def recent(self, *, env: str | None = None, limit: int = 50) -> list[Job]:
        """The newest jobs first."""
        jobs = [j for j in self._jobs.values() if env is None or j.env == env]
        newest = sorted(jobs, key=lambda j: j.created, reverse=True)[:limit]
        return [self._whole(j) for j in newest]

    def _whole(self, job: Job) -> Job:
        """``job`` with its result, read from its file when it is kept there only."""
        result = job.result
        if result is not None or not job.stored or self._store is None:
            return job
        return replace(job, result=self._store.result(job.id))

    def _set_aside(self, job: Job) -> None:
        """Keep a finished job's result in its file only (see the module's note)."""
        if self._store is not None and job.done.is_set():
            job.stored = True  # first: a reader that then finds no result reads the file
            job.result = None

    def _save(self, job: Job) -> bool:
        """Write the job's file; False when it could not be (logged)."""
        if self._store is None:
            return False
        try:
            with self._saving:
                self._store.save(job)
        except (OSError, ConfigError) as exc:
            log.warning("could not keep job %s on disk: %s", job.id, exc)
            return False
        return True

    def _prune(self) -> None:
        for old in sorted(self._jobs.values(), key=lambda j: j.created)[:-KEEP_JOBS]:
            if old.done.is_set():
                self._jobs.pop(old.id, None)
                if self._store is not None:
                    self._store.remove(old.id)

    def running(self) -> int:
        return sum(j.status is JobStatus.RUNNING for j in self._jobs.values())

    def start(
        self,
        env: str,
        request: JobRequest,
        *,
        lock: threading.Lock,
        hooks: JobHooks | None = None,
        actor: str | None = None,
        commit: str | None = None,
        check: Callable[[], None] = lambda: None,
    ) -> Job:
        """Run ``request`` in a thread of its own once ``lock`` is free; ``check`` is called
        then, before anything is applied, and a ReconcileError from it fails the job."""
        job = Job(id=uuid.uuid4().hex, env=env, actor=actor, commit=commit)
        self._jobs[job.id] = job
        self._save(job)
        self._prune()
        with self._starting:
            if not self._closing.is_set():
                thread = threading.Thread(
                    target=self._run,
                    args=(job, request, lock, hooks, check),
                    name=f"job-{job.id[:8]}",
                )
                thread.daemon = True  # stop() decides how long the process waits for it
                self._threads[job.id] = thread
                thread.start()
                return job
        self._end(job, _interrupted(NOT_STARTED))
        return job

    def stop(
        self, *, finish: float = FINISH_GRACE, checkpoint: float = CHECKPOINT_GRACE
    ) -> list[str]:
        """Let running jobs finish for ``finish`` seconds, then ask them to stop and record,
        and wait ``checkpoint`` seconds more; return the ids of jobs still running after that
        (their records are committed by the next start, ``commit_leftovers``)."""
        with self._starting:
            self._closing.set()
            threads = list(self._threads.values())
        try:
            deadline = time.monotonic() + finish
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        finally:  # a second Ctrl-C during the grace checkpoints at once instead of killing
            self._stopping.set()
            deadline = time.monotonic() + checkpoint
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
        return [i for i, t in list(self._threads.items()) if t.is_alive()]

    def _run(
        self,
        job: Job,
        request: JobRequest,
        lock: threading.Lock,
        hooks: JobHooks | None,
        check: Callable[[], None],
    ) -> None:
        recorded: dict[str, Any] = {}
        try:
            with lock:
                if self._closing.is_set():  # queued behind another job of its environment
                    self._end(job, _interrupted(NOT_STARTED))
                    return
                job.status = JobStatus.RUNNING
                self._save(job)
                self._write_log(job)
                check()
                steps = _recording(recorded, hooks, self._progress(job))
                stoppable = replace(steps, stopping=self._stopping.is_set, sleep=self._sleep(steps))
                code = run_job(request, stoppable)
            job.exit_code, job.result = code, _document(recorded)
            if code == ExitCode.BLOCKED and "plan" in recorded:
                job.result["error"] = {"code": "blocked", "message": recorded["plan"].refusal()}
            if self._stopping.is_set() and code == ExitCode.INTERRUPTED:
                job.result |= _interrupted(STOPPED)
        except ReconcileError as exc:
            job.exit_code = int(exc.exit_code)
            job.result = _document(recorded) | {"error": {"code": "job", "message": exc.render()}}
        except Exception:
            log.exception("apply job %s failed unexpectedly", job.id)
            job.exit_code = int(ExitCode.INVALID)
            job.result = {"error": {"code": "internal", "message": "the job failed unexpectedly"}}
        self._end(job, job.result)

    def _end(self, job: Job, result: dict[str, Any] | None) -> None:
        if job.exit_code is None:
            job.exit_code = int(ExitCode.INTERRUPTED)
        job.result = result
        job.finished = _now()
        status = JobStatus.SUCCEEDED if job.exit_code == 0 else JobStatus.FAILED
        # Counted (/metrics) before anyone can read the job as finished: a client that saw
        # SUCCEEDED and then read the metrics found the job not counted yet.
        self._on_finish(replace(job, status=status))
        job.status = status
        saved = False
        try:
            saved = self._save(job)
            self._write_log(job)
        finally:
            self._threads.pop(job.id, None)
            job.done.set()
        if saved:
            self._set_aside(job)

    def _write_log(self, job: Job) -> None:
        """The job's log line; a stderr nobody reads any more (EPIPE) must not fail the job."""
        try:
            self._log(log_line(job))
        except Exception:
            log.debug("could not write job %s's log line", job.id, exc_info=True)

    def _sleep(self, hooks: JobHooks) -> Callable[[float], None]:
        """The hooks' sleep, cut short when the service is asked to stop (a poll waits up to
        10 s); once stopping, sleeps are whole again, so no wait loop spins. An injected
        sleep (a test's simulated clock) is kept as it is."""
        if hooks.sleep is not time.sleep:
            return hooks.sleep

        def sleep(seconds: float) -> None:
            if self._stopping.is_set():
                hooks.sleep(seconds)
            else:
                self._stopping.wait(seconds)

        return sleep

    def _progress(self, job: Job) -> Callable[[Event], None]:
        def record(event: Event) -> None:
            if job.progress.get(event.name) != event.state.value:
                job.progress[event.name] = event.state.value
                self._save(job)

        return record


def log_line(job: Job) -> str:
    """The job's JSON log line, in the shape of a sync round's (``time``, ``event``, ``env``,
    ``ms``, ``commit``, ``applied``, ``error``), so one log pipeline reads both; written when
    the job starts running and when it ends. No plan or value: names and counts only."""
    outcomes = ((job.result or {}).get("result") or {}).get("outcomes") or []
    error = (job.result or {}).get("error") or {}
    began = datetime.fromisoformat(job.created.replace("Z", "+00:00"))
    line = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "event": "apply-job",
        "env": job.env,
        "job": job.id,
        "status": job.status.value,
        "exitCode": job.exit_code,
        "ms": round((datetime.now(UTC) - began).total_seconds() * 1000, 1),
        "actor": job.actor,
        "commit": job.commit,
        "applied": sum(1 for o in outcomes if State(o.get("state")).succeeded),
        "notApplied": sum(1 for o in outcomes if not State(o.get("state")).succeeded),
        "error": error.get("code"),
    }
    return json.dumps(line, separators=(",", ":"))


def _interrupted(message: str) -> dict[str, Any]:
    return {"error": {"code": "interrupted", "message": message}}


def _recording(
    recorded: dict[str, Any], base: JobHooks | None, progress: Callable[[Event], None]
) -> JobHooks:
    def show_plan(plan: Plan) -> None:
        recorded["plan"] = plan

    def show_result(plan: Plan, result: ApplyResult) -> None:
        recorded["result"] = result

    template = base or JobHooks(show_plan=show_plan, confirm=lambda _p: True)

    def on_event(event: Event) -> None:
        progress(event)
        template.on_event(event)

    return JobHooks(
        show_plan=show_plan,
        confirm=lambda _p: True,
        show_result=show_result,
        on_event=on_event,
        make_health_check=template.make_health_check,
        apply_settings=template.apply_settings,
        sleep=template.sleep,
        monotonic=template.monotonic,
    )


def _document(recorded: dict[str, Any]) -> dict[str, Any]:
    """The main job's ``--format json`` document: the plan, with the result once applied."""
    plan = recorded.get("plan")
    doc = plan_document(plan) if plan is not None else {}
    if "result" in recorded:
        doc["result"] = result_document(recorded["result"])
    return doc
