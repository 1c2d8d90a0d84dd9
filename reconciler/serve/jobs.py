"""Apply jobs: the main job run in the background for a direct apply, polled by id.

Provisioning takes seconds to minutes, so a direct apply answers 202 at once with a job to
poll. The job is ``engine.mainjob.run_job`` itself (plan, apply, audit, snapshot, commit and
push when asked), with hooks that record instead of print and never ask. Jobs of one
environment run one at a time, under the same lock as configure requests of that environment.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from reconciler.engine.mainjob import JobHooks, JobRequest, run_job
from reconciler.report.apply_result import result_document
from reconciler.report.plan_json import plan_document
from reconciler.structs.errors import ExitCode, ReconcileError
from reconciler.structs.outcome import ApplyResult
from reconciler.structs.plan import Plan

log = logging.getLogger("reconciler.serve")


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
    done: threading.Event = field(default_factory=threading.Event)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "env": self.env,
            "status": self.status.value,
            "exitCode": self.exit_code,
            "result": self.result,
            "links": {"self": f"/api/jobs/{self.id}"},
        }


class Jobs:
    """Every job of this service's life, by id."""

    def __init__(self, *, on_finish: Callable[[Job], None] = lambda _j: None) -> None:
        self._jobs: dict[str, Job] = {}
        self._on_finish = on_finish

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def running(self) -> int:
        return sum(j.status is JobStatus.RUNNING for j in self._jobs.values())

    def start(
        self, env: str, request: JobRequest, *, lock: threading.Lock, hooks: JobHooks | None = None
    ) -> Job:
        job = Job(id=uuid.uuid4().hex, env=env)
        self._jobs[job.id] = job
        thread = threading.Thread(
            target=self._run, args=(job, request, lock, hooks), name=f"job-{job.id[:8]}"
        )
        thread.daemon = True
        thread.start()
        return job

    def _run(
        self, job: Job, request: JobRequest, lock: threading.Lock, hooks: JobHooks | None
    ) -> None:
        recorded: dict[str, Any] = {}
        try:
            with lock:
                job.status = JobStatus.RUNNING
                code = run_job(request, _recording(recorded, hooks))
            job.exit_code, job.result = code, _document(recorded)
        except ReconcileError as exc:
            job.exit_code = int(exc.exit_code)
            job.result = _document(recorded) | {"error": {"code": "job", "message": exc.render()}}
        except Exception:
            log.exception("apply job %s failed unexpectedly", job.id)
            job.exit_code = int(ExitCode.INVALID)
            job.result = {"error": {"code": "internal", "message": "the job failed unexpectedly"}}
        job.status = JobStatus.SUCCEEDED if job.exit_code == 0 else JobStatus.FAILED
        job.done.set()
        self._on_finish(job)


def _recording(recorded: dict[str, Any], base: JobHooks | None) -> JobHooks:
    def show_plan(plan: Plan) -> None:
        recorded["plan"] = plan

    def show_result(plan: Plan, result: ApplyResult) -> None:
        recorded["result"] = result

    template = base or JobHooks(show_plan=show_plan, confirm=lambda _p: True)
    return JobHooks(
        show_plan=show_plan,
        confirm=lambda _p: True,
        show_result=show_result,
        on_event=template.on_event,
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
