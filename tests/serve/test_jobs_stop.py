"""Stopping the service: nothing starts once the stop began, whatever the timing."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from reconciler.engine.jobs.request import JobRequest
from reconciler.serve import ServeSettings
from reconciler.serve.jobs import NOT_STARTED, Jobs, JobStatus
from reconciler.serve.server import serve
from reconciler.serve.service import Service
from tests.fixtures_engine import ConfigRepo
from tests.fixtures_serve import token_file


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


@pytest.mark.timeout(30)
def test_a_sigterm_during_start_up_stops_the_service_before_it_serves(
    served_repo: ConfigRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while the service commits leftovers or starts its agents (before uvicorn has
    its own handler) must stop it, not be swallowed and leave it serving."""
    settings = ServeSettings(
        root=served_repo.root,
        port=0,
        tokens=token_file(tmp_path / "tokens.txt"),
        environ=served_repo.environ,
    )
    service = Service(settings)
    started = Service.start

    def start_then_signal(self: Service) -> None:
        started(self)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(Service, "start", start_then_signal)
    urls: list[str] = []
    began = time.monotonic()
    serve(service, announce=urls.append)
    assert urls and time.monotonic() - began < 15
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{urls[0]}/healthz", timeout=2)
