"""Typed views of the two manifest kinds, after loading and validation.

The model ``spec`` stays a plain mapping exactly as written (with ``${VAR}`` references still
unresolved): the engine turns it into an API body, and keeping it close to the file makes
error messages and imports round-trip. The environment is fully typed because the engine
reads its policy and budget everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from reconciler.structs.problems import Problem

RESERVED_LABEL_PREFIX = "reconcile/"
LABEL_MANAGED_BY = "reconcile/managed-by"
LABEL_ENVIRONMENT = "reconcile/environment"
LABEL_CREDENTIALS = "reconcile/credentials-sha256"
MANAGED_BY_VALUE = "reconcile"
PROVIDERS = ("openai", "azure", "anthropic", "bedrock")


@dataclass(frozen=True)
class ClassifierSetting:
    """``guard.classifier``: the model folder (resolved against the config root) and threshold."""

    path: str
    threshold: float = 0.5


@dataclass(frozen=True)
class ModelEndpoint:
    """One ``kind: ModelEndpoint`` manifest."""

    name: str
    spec: Mapping[str, Any]
    labels: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    line: int | None = None
    guard_classifier: ClassifierSetting | None = None  # spec.guard.classifier, path resolved

    @property
    def provider(self) -> str:
        return str(self.spec.get("provider", ""))

    @property
    def model_id(self) -> str:
        return str(self.spec.get("modelId", ""))


@dataclass(frozen=True)
class SyncPolicy:
    """``policy.sync``: what the pull-based agent may do (CONTRACT section 8). All off by
    default, so an agent pointed at an environment only reports until a commit allows more."""

    auto: bool = False
    self_heal: bool = False
    suspended: bool = False

    @property
    def applies(self) -> bool:
        return self.auto and not self.suspended

    @property
    def heals(self) -> bool:
        return self.self_heal and not self.suspended


@dataclass(frozen=True)
class Policy:
    """What an environment allows the reconciler to do."""

    prune: bool = False
    max_parallel: int = 8
    requests_per_minute: int = 300
    provision_timeout_seconds: float = 900
    sync: SyncPolicy = field(default_factory=SyncPolicy)
    protected: tuple[str, ...] = ()
    guard_mode: str = "block"
    guard_max_input_chars: int = 16_000
    guard_classifier: ClassifierSetting | None = None
    serve_apply: bool = False  # reconcile serve may apply directly (CONTRACT section 7)
    # Globs of the variables reconcile serve may accept in a ${VAR} reference; None: the
    # variables the environment's models already use (CONTRACT section 3).
    serve_secrets: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Budget:
    """Monthly spending limits; any of them may be absent."""

    monthly_usd: Decimal | None = None
    max_increase_usd: Decimal | None = None
    max_increase_percent: Decimal | None = None


@dataclass(frozen=True)
class EnvironmentConfig:
    """One ``kind: Environment`` manifest. Credentials stay as ``${VAR}`` references."""

    name: str
    region: str
    client_id_ref: str
    client_secret_ref: str
    policy: Policy = field(default_factory=Policy)
    budget: Budget | None = None
    api_base_url: str | None = None
    login_base_url: str | None = None
    source: str = ""


@dataclass(frozen=True)
class LoadedEnvironment:
    """An environment with all of its models, validated, plus any warnings found."""

    config: EnvironmentConfig
    models: tuple[ModelEndpoint, ...]
    warnings: tuple[Problem, ...] = ()

    def model(self, name: str) -> ModelEndpoint | None:
        """The model called ``name``; plans ask once per item, so this is a lookup, not a scan."""
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, ModelEndpoint]:
        # Names are unique per environment (validation refuses duplicates); keep the first.
        index: dict[str, ModelEndpoint] = {}
        for model in self.models:
            index.setdefault(model.name, model)
        return index
