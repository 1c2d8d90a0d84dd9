"""`reconcile sandbox` as a user runs it: a real process, its URL on stdout, signals."""

from __future__ import annotations

import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from reconciler.cli.sandbox import sandbox
from tests.proc_status import interruptible, signal_status
from tests.sandbox.api import MODELS, model_body

READER_SECRET = "s3cret-reader-value"


class Running:
    """A ``reconcile sandbox`` process and the first line it printed."""

    def __init__(self, *args: str) -> None:
        with interruptible():
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reconciler", "sandbox", "--port", "0", *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        stdout = self.process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        self.url = lines.get(timeout=60).strip()  # a cold first import on a busy machine

    def stop(self, signum: int) -> tuple[int, str]:
        status = signal_status(self.process.pid)
        self.process.send_signal(signum)
        try:
            _, err = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate(timeout=10)
            pytest.fail(f"no exit 60 s after signal {signum}; when sent: {status}\n{err[-2000:]}")
        return self.process.returncode, err


@pytest.fixture
def started() -> Iterator[list[Running]]:
    running: list[Running] = []
    yield running
    for item in running:
        if item.process.poll() is None:
            item.process.kill()
            item.process.communicate(timeout=10)


def _token(url: str, client: tuple[str, str]) -> str:
    answer = requests.post(
        f"{url}/oauth/token", auth=client, data={"grant_type": "client_credentials"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.mark.timeout(240)  # two process starts and stops, each allowed 60 s when cold
def test_serves_until_sigterm_and_persists(started: list[Running], tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    args = (
        "--state",
        str(state),
        "--provision-seconds",
        "0:0",
        "-v",
        "--client",
        f"reader:{READER_SECRET}:ai:models:read",
        "--client",
        "writer:w",
    )
    first = Running(*args)
    started.append(first)
    assert first.url.startswith("http://127.0.0.1:")
    writer = {"Authorization": f"Bearer {_token(first.url, ('writer', 'w'))}"}
    reader = {"Authorization": f"Bearer {_token(first.url, ('reader', READER_SECRET))}"}
    created = requests.post(first.url + MODELS, json=model_body(), headers=writer, timeout=10)
    assert created.status_code == 202
    refused = requests.post(first.url + MODELS, json=model_body("x"), headers=reader, timeout=10)
    assert refused.status_code == 403
    code, err = first.stop(signal.SIGTERM)
    assert code == 0
    assert "POST /oauth/token 200" in err
    assert "POST /api/v2/ai/models 202" in err
    assert READER_SECRET not in err
    assert "sk-test-0000" not in err + state.read_text()

    second = Running("--state", str(state))
    started.append(second)
    token = _token(second.url, ("sandbox", "sandbox-secret"))
    listed = requests.get(
        second.url + MODELS, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    assert [m["name"] for m in listed["entities"]] == ["support-classifier"]
    assert listed["entities"][0]["status"] == "ACTIVE"
    code, err = second.stop(signal.SIGINT)
    assert code == 130
    assert "interrupted" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--client", "onlysecretvalue"), "must be ID:SECRET[:SCOPES]"),
        (("--client", "a:b:ai:models:delete"), "unknown scopes"),
        (("--provision-seconds", "5:1"), "MIN:MAX"),
        (("--error-rate", "1.5"), "error_rate"),
        (("--lost-reply-rate", "2"), "lost_reply_rate"),
        (("--rate-limit", "0"), "rate_limit"),
        (("--request-deadline", "0"), "request_deadline"),
    ],
)
def test_bad_options_exit_1_with_a_hint(args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(sandbox, ["--port", "0", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "hint:" in result.stderr
    assert "onlysecretvalue" not in result.output
    assert result.stdout == ""


def test_a_busy_port_is_exit_1_naming_it() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", "sandbox", "--port", str(port)],
            check=False,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "--port 0" in done.stderr
