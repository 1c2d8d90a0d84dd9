"""The agent around the rounds: pacing, stopping, metrics, notifications, the process itself."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import generate_latest

from reconciler.engine.sync.logline import log_line
from reconciler.engine.sync.loop import Pace, SyncLoop
from reconciler.engine.sync.metrics import SyncMetrics
from reconciler.engine.sync.notify import Notifier
from reconciler.engine.sync.report import Change, RoundOutcome, RoundReport
from reconciler.engine.sync.round import SyncSettings
from reconciler.engine.sync.telemetry import standard_registry
from reconciler.structs.redaction import forget_all, remember
from tests.fixtures_engine import ENV, ConfigRepo
from tests.fixtures_gitops import configure, git


def report(
    number: int = 1, outcome: RoundOutcome = RoundOutcome.IN_SYNC, **over: Any
) -> RoundReport:
    values: dict[str, Any] = {"started": 1_700_000_000.0 + number, "ms": 12.5, **over}
    return RoundReport(ENV, number, outcome, **values)


class Script:
    """A stand-in for ``run_round`` that plays back outcomes and records the waits."""

    def __init__(self, loop_box: list[SyncLoop], outcomes: list[RoundOutcome]) -> None:
        self.box, self.outcomes, self.waits = loop_box, outcomes, []

    def __call__(self, _settings: SyncSettings, number: int, **_: Any) -> RoundReport:
        outcome = self.outcomes[number - 1]
        if number == len(self.outcomes):
            self.box[0].stop()
        return report(number, outcome)


def scripted(outcomes: list[RoundOutcome], **kw: Any) -> tuple[SyncLoop, list[float]]:
    box: list[SyncLoop] = []
    waits: list[float] = []
    loop = SyncLoop(
        SyncSettings(root=Path("."), environment=ENV),
        pace=Pace(interval=10.0, cap=60.0),
        run=Script(box, outcomes),
        draw=lambda low, high: high,  # the longest jitter, to see it
        **kw,
    )
    loop.wait = waits.append  # type: ignore[method-assign]
    box.append(loop)
    return loop, waits


def test_failures_back_off_doubling_up_to_the_cap_and_a_success_resets_it() -> None:
    failed, ok = RoundOutcome.FAILED, RoundOutcome.IN_SYNC
    loop, waits = scripted([failed, failed, failed, failed, ok, failed])
    assert loop.run() == 0
    assert waits == pytest.approx([22.0, 44.0, 66.0, 66.0, 11.0])  # x1.1 jitter; cap 60
    assert loop.rounds == 6 and loop.failures == 1


def test_an_observer_that_raises_never_stops_the_loop() -> None:
    seen: list[int] = []

    def broken(_r: RoundReport) -> None:
        raise RuntimeError("observer bug")

    loop, _ = scripted(
        [RoundOutcome.FAILED] * 3, observers=[broken, lambda r: seen.append(r.number)]
    )
    loop.run()
    assert seen == [1, 2, 3]


def test_stop_ends_a_wait_at_once() -> None:
    loop = SyncLoop(SyncSettings(root=Path("."), environment=ENV), pace=Pace(interval=60.0))
    threading.Timer(0.1, loop.stop).start()
    t0 = time.monotonic()
    loop.wait(60.0)
    assert time.monotonic() - t0 < 5


def test_metrics_have_the_contract_names_process_and_build_info_and_no_created() -> None:
    registry = standard_registry()
    metrics = SyncMetrics(registry)
    metrics.observe(report(1, states={"ACTIVE": 3, "FAILED": 1}, drifted=("a-model",)))
    metrics.observe(report(2, RoundOutcome.FAILED, error="cannot fetch"))
    metrics.observe(report(3, RoundOutcome.APPLIED, states={"ACTIVE": 4}))
    text = generate_latest(registry).decode()
    assert 'reconcile_sync_in_sync{env="staging"} 1.0' in text
    assert 'reconcile_models{env="staging",state="ACTIVE"} 4.0' in text
    assert 'reconcile_models{env="staging",state="FAILED"} 0.0' in text
    assert 'reconcile_drifted_models{env="staging"} 0.0' in text
    assert 'reconcile_last_sync_timestamp_seconds{env="staging"} 1.700000003e+09' in text
    assert 'reconcile_sync_failures_total{env="staging"} 1.0' in text
    assert "process_cpu_seconds_total" in text and "process_resident_memory_bytes" in text
    assert re.search(r'reconcile_build_info\{python="[0-9.]+",version="[^"]+"\} 1.0', text)
    assert "_created" not in text


class Receiver:
    """A webhook receiver on loopback that answers from a script of statuses."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses, self.bodies = statuses, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = outer.statuses.pop(0) if outer.statuses else 200
                if status == 200:
                    outer.bodies.append(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook/s3cr3t-path-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got = Receiver([500, 503])
    yield got
    got.server.shutdown()
    got.server.server_close()


def test_notify_posts_one_event_per_change_failure_and_new_drift_retrying_on_5xx(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-live-notify-0123456789abcdef"
    remember(secret)
    try:
        pauses: list[float] = []
        notifier = Notifier(receiver.url, sleep=pauses.append)
        applied = (
            Change("a-model", "update", "ACTIVE", True),
            Change("b-model", "create", "FAILED", False, f"bad key {secret}"),
        )
        notifier(report(1, RoundOutcome.INCOMPLETE, changes=applied, drifted=("c-model",)))
        notifier(report(2, RoundOutcome.OUT_OF_SYNC, drifted=("c-model",)))  # known drift: quiet
        notifier(report(3, RoundOutcome.FAILED, error=f"cannot fetch with {secret}"))
    finally:
        forget_all()
    kinds = [(b["event"], b.get("model")) for b in receiver.bodies]
    assert kinds == [
        ("drift-found", "c-model"),
        ("change-applied", "a-model"),
        ("change-failed", "b-model"),
        ("round-failed", None),
    ]
    assert pauses == [0.5, 1.0]  # the first event was answered 500, then 503, then taken
    assert secret not in json.dumps(receiver.bodies)
    assert notifier.delivered == 4 and notifier.dropped == 0


def test_a_blocked_plan_is_announced_once_until_it_clears(receiver: Receiver) -> None:
    receiver.statuses.clear()
    notifier = Notifier(receiver.url, sleep=lambda _s: None)
    blocked = {"error": "blocked by policy: exceeds the budget"}
    notifier(report(1, RoundOutcome.BLOCKED, **blocked))
    notifier(report(2, RoundOutcome.BLOCKED, **blocked))
    notifier(report(3, RoundOutcome.IN_SYNC))
    notifier(report(4, RoundOutcome.BLOCKED, **blocked))
    assert [(b["event"], b["round"]) for b in receiver.bodies] == [
        ("plan-blocked", 1),
        ("plan-blocked", 4),
    ]


def test_notify_gives_up_after_its_retries_naming_only_the_host(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.statuses[:] = [500] * 10
    notifier = Notifier(receiver.url, sleep=lambda _s: None)
    notifier(report(1, RoundOutcome.FAILED, error="boom"))
    assert notifier.dropped == 1
    assert "127.0.0.1" in caplog.text and "s3cr3t-path-token" not in caplog.text


def test_the_round_log_line_is_one_json_object_with_the_access_log_fields() -> None:
    line = json.loads(log_line(report(7, RoundOutcome.APPLIED, commit="abc")))
    assert line["time"] == "2023-11-14T22:13:27.000Z"
    assert {k: line[k] for k in ("env", "round", "outcome", "ms")} == {
        "env": ENV,
        "round": 7,
        "outcome": "applied",
        "ms": 12.5,
    }


def test_the_agent_keeps_going_on_failing_rounds_serves_metrics_and_stops_on_sigterm(
    config_repo: ConfigRepo,
) -> None:
    """No remote: every round fails, and the agent neither crashes nor stops until told."""
    git(config_repo.root, "init", "--quiet", "-b", "main")
    configure(config_repo.root)
    git(config_repo.root, "add", ".")
    git(config_repo.root, "commit", "--quiet", "-m", "manifests")
    command = ["sync", "--env", ENV, "--root", str(config_repo.root), "--interval", "0.1"]
    agent = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *command, "--metrics-port", "0"],
        env={**config_repo.environ, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert agent.stderr is not None
    try:
        first = agent.stderr.readline()
        port = re.search(r"http://127.0.0.1:(\d+)/metrics", first)
        assert port, first
        rounds = [json.loads(agent.stderr.readline()) for _ in range(3)]
        with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/metrics", timeout=5) as r:
            text = r.read().decode()
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=10) == 0
    finally:
        agent.kill()
        agent.wait()
        agent.stderr.close()
    assert [r["round"] for r in rounds] == [1, 2, 3]
    assert {r["outcome"] for r in rounds} == {"failed"}
    assert "git remote 'origin' is not configured" in rounds[0]["error"]
    failures = re.search(r'reconcile_sync_failures_total\{env="staging"\} (\d+)', text)
    assert failures and int(failures.group(1)) >= 3
    assert "_created" not in text and "process_start_time_seconds" in text


def test_an_unknown_environment_is_refused_at_start_not_retried(config_repo: ConfigRepo) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reconciler",
            "sync",
            "--env",
            "nope",
            "--root",
            str(config_repo.root),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 1
    assert "unknown environment(s): nope (known: staging)" in done.stderr
