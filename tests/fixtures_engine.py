"""A config repository in a temporary folder, pointed at a sandbox server.

``config_repo`` writes an environment and model manifests as a user would, so end-to-end tests
go through the real loader, validation, client and sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.engine.apply.execute import ApplySettings
from reconciler.engine.apply.poller import PollSettings
from reconciler.engine.jobs.mainjob import run_job
from reconciler.engine.jobs.request import JobHooks, JobRequest
from reconciler.engine.record.events import Event
from reconciler.gateway import ClientSettings, GatewayClient
from reconciler.structs.plan import Plan

ENV = "staging"
KEYS = {
    "OPENAI_API_KEY": "sk-canary-openai-5f3a9c2e7b1d4e6f",
    "ANTHROPIC_API_KEY": "sk-ant-canary-2b7e4f1a9c3d5e8f",
    "GENESYS_CLIENT_ID": "sandbox",
    "GENESYS_CLIENT_SECRET": "sandbox-secret",
}


def model_manifest(name: str, **spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "provider": "openai",
        "modelId": "gpt-4o-mini",
        "credentials": {"apiKey": "${OPENAI_API_KEY}"},
        "configuration": {"temperature": 0.1, "maxTokens": 500, "topP": 1.0},
        "promptTemplate": "Classify the ticket between the markers.\n<ticket>{input}</ticket>",
        "responseSchema": {
            "type": "object",
            "properties": {
                "category": {"type": "string"},
                "urgency": {"type": "string", "enum": ["low", "high"]},
            },
            "required": ["category", "urgency"],
        },
        "usage": {"requestsPerDay": 1000, "avgPromptTokens": 400, "avgCompletionTokens": 50},
    }
    base.update(spec)
    return {
        "apiVersion": "reconciler/v1",
        "kind": "ModelEndpoint",
        "metadata": {"name": name, "labels": {"team": "support"}},
        "spec": base,
    }


@dataclass
class ConfigRepo:
    root: Path
    base_url: str
    environ: dict[str, str] = field(default_factory=lambda: dict(KEYS))

    def write_environment(self, **spec: Any) -> None:
        body: dict[str, Any] = {
            "region": "sandbox",
            "credentials": {
                "clientId": "${GENESYS_CLIENT_ID}",
                "clientSecret": "${GENESYS_CLIENT_SECRET}",
            },
            "policy": {
                "prune": False,
                "maxParallel": 4,
                "requestsPerMinute": 6000,
                "provisionTimeoutSeconds": 120,
            },
            "apiBaseUrl": self.base_url,
            "loginBaseUrl": self.base_url,
        }
        body.update(spec)
        doc = {
            "apiVersion": "reconciler/v1",
            "kind": "Environment",
            "metadata": {"name": ENV},
            "spec": body,
        }
        path = self.root / "environments" / ENV / "environment.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    def write_model(self, name: str, **spec: Any) -> Path:
        path = self.root / "environments" / ENV / "models" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            yaml.safe_dump(model_manifest(name, **spec), sort_keys=False), encoding="utf-8"
        )
        return path

    def remove_model(self, name: str) -> None:
        (self.root / "environments" / ENV / "models" / f"{name}.yaml").unlink()


@pytest.fixture
def config_repo(tmp_path: Path, sandbox: Any) -> ConfigRepo:
    repo = ConfigRepo(root=tmp_path / "config", base_url=sandbox.base_url)
    repo.write_environment()
    return repo


@pytest.fixture
def make_config_repo(tmp_path: Path) -> Callable[[str], ConfigRepo]:
    def make(base_url: str) -> ConfigRepo:
        repo = ConfigRepo(root=tmp_path / "config", base_url=base_url)
        repo.write_environment()
        return repo

    return make


class Run:
    """One invocation of the main job with recording hooks."""

    def __init__(self, repo: ConfigRepo, clock: Any) -> None:
        self.repo, self.clock = repo, clock
        self.plans: list[Plan] = []
        self.results: list[Any] = []
        self.events: list[Event] = []

    def __call__(
        self,
        *,
        dry_run: bool = False,
        prune: bool = False,
        on_event: Callable[[Event], None] | None = None,
        timeout: float = 120.0,
        commit: bool = False,
        push: bool = False,
        notices: list[str] | None = None,
    ) -> int:
        request = JobRequest(
            root=self.repo.root,
            environment=ENV,
            dry_run=dry_run,
            prune=prune,
            commit=commit,
            push=push,
            environ=self.repo.environ,
        )
        hooks = JobHooks(
            show_plan=self.plans.append,
            confirm=lambda _p: True,
            show_result=lambda _p, r: self.results.append(r),
            on_event=on_event or self.events.append,
            apply_settings=lambda _p: ApplySettings(
                max_parallel=4,
                provision_timeout=timeout,
                poll=PollSettings(initial=1.0, maximum=5.0),
            ),
            sleep=self.clock.advance,
            monotonic=self.clock.now,
            on_notice=(notices if notices is not None else []).append,
        )
        return run_job(request, hooks)

    @property
    def plan(self) -> Plan:
        return self.plans[-1]


@pytest.fixture
def run(config_repo: ConfigRepo, sandbox_clock: Any) -> Run:
    return Run(config_repo, sandbox_clock)


def default_client(server: Any) -> GatewayClient:
    """A client of a sandbox server with its default OAuth client, as a user's script has."""
    settings = ClientSettings(
        api_base_url=server.base_url,
        login_base_url=server.base_url,
        client_id="sandbox",
        client_secret="sandbox-secret",
        requests_per_minute=6000,
    )
    return GatewayClient(settings)


def live_models(sandbox: Any) -> list[dict[str, Any]]:
    with default_client(sandbox) as client:
        return list(client.list_models())
