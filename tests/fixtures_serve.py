"""Fixtures for ``reconcile serve``: a served config repository in git and a running service.

``served_repo`` is a git repository on ``main`` with a staging environment pointed at the
``sandbox`` fixture (manual clock); ``service`` runs the real service on a free loopback port
with one token per role and an apply-job clock that advances the sandbox's instead of sleeping.
``api`` sends real HTTP requests to it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.engine.apply.execute import ApplySettings
from reconciler.engine.apply.poller import PollSettings
from reconciler.engine.jobs.request import JobHooks
from reconciler.serve.server import Running
from reconciler.serve.service import Service
from reconciler.serve.settings import ServeSettings
from tests.fixtures_engine import ConfigRepo
from tests.fixtures_gitops import configure, git

TOKENS = {role: f"tok-{role}-0123456789" for role in ("viewer", "invoker", "editor", "admin")}


def token_file(path: Path, tokens: dict[str, str] = TOKENS) -> Path:
    lines = [
        "# name role sha256",
        *(
            f"{role}-user {role} {hashlib.sha256(tok.encode()).hexdigest()}"
            for role, tok in tokens.items()
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def commit_all(root: Path, message: str = "manifests") -> str:
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def served_repo(config_repo: ConfigRepo) -> ConfigRepo:
    root = config_repo.root
    git(root.parent, "init", "--quiet", "-b", "main", str(root))
    configure(root)
    config_repo.write_model("support-classifier")
    commit_all(root)
    return config_repo


@dataclass
class Api:
    """Real HTTP to the running service, with a role's token by default."""

    url: str
    service: Service
    role: str | None = "admin"

    def __call__(
        self, method: str, path: str, *, role: str | None = "default", **kwargs: Any
    ) -> requests.Response:
        who = self.role if role == "default" else role
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers.setdefault("Authorization", f"Bearer {TOKENS[who]}")
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)


def start_service(
    repo: ConfigRepo, clock: Any, tmp_path: Path, *, log_stream: Any = None, **overrides: Any
) -> Running:
    given: dict[str, Any] = {"tokens": token_file(tmp_path / "tokens.txt"), "environ": repo.environ}
    settings = ServeSettings(root=repo.root, port=0, **(given | overrides))
    hooks = JobHooks(
        show_plan=lambda _p: None,
        confirm=lambda _p: True,
        apply_settings=lambda _p: ApplySettings(
            max_parallel=4, provision_timeout=120, poll=PollSettings(initial=1.0, maximum=5.0)
        ),
        sleep=clock.advance,
        monotonic=clock.now,
    )
    return Running(Service(settings, job_hooks=hooks), log_stream=log_stream)


@pytest.fixture
def api(served_repo: ConfigRepo, sandbox_clock: Any, tmp_path: Path) -> Iterator[Api]:
    with start_service(served_repo, sandbox_clock, tmp_path) as running:
        yield Api(running.url, running.service)
