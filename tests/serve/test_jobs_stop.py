"""Stopping the service's jobs: nothing starts once the stop began, whatever the timing."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from reconciler.engine.jobs.request import JobRequest
from reconciler.serve.jobs import NOT_STARTED, Jobs, JobStatus


def _interrupted_before_starting(job_status: JobStatus, result: object) -> bool:
    error = (result or {}).get("error", {}) if isinstance(result, dict) else {}
    return job_status is JobStatus.FAILED and error == {
        "code": "interrupted",
        "message": NOT_STARTED,
    }


def test_a_job_queued_behind_another_never_starts_once_the_stop_began(tmp_path: Path) -> None:
    """The job ahead finishes within the grace and frees the lock: the queued job must not
    start applying during the shutdown (it would be cut off half way)."""
    jobs = Jobs()
    ahead = threading.Lock()
    ahead.acquire()  # the job ahead of it holds the environment's lock
    request = JobRequest(root=tmp_path / "absent", environment="dev")  # would fail if it ran
    queued = jobs.start("dev", request, lock=ahead)
    stopper = threading.Thread(target=jobs.stop, kwargs={"finish": 5.0, "checkpoint": 5.0})
    stopper.start()
    while not jobs._closing.is_set():
        time.sleep(0.001)
    ahead.release()  # the job ahead finished within the grace
    stopper.join(timeout=15)
    assert queued.done.is_set() and not stopper.is_alive()
    assert _interrupted_before_starting(queued.status, queued.result), queued.result
    late = jobs.start("dev", request, lock=threading.Lock())
    assert late.done.is_set()
    assert _interrupted_before_starting(late.status, late.result), late.result
