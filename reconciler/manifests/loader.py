"""The manifests' public entry points: list, load and validate environments.

``load_environment`` is all-or-nothing (CONTRACT section 3): it returns typed values only when
every file of the environment passed every rule, and otherwise raises ``ValidationFailed``
with the complete list, so the engine never acts on half-valid input.
"""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.manifests.build import build_environment, build_model
from reconciler.manifests.checking import ENVIRONMENT_FILE, Checked, check_environment
from reconciler.structs.errors import ConfigError
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.problems import Problem, Severity, ValidationFailed, errors_in


def list_environments(root: Path) -> list[str]:
    """Names of the folders under ``environments/`` that hold an ``environment.yaml``."""
    base = root / "environments"
    if not base.is_dir():
        return []
    # ``lexists``: an environment file that is a FIFO or a looping symlink is listed, and then
    # reported by the checks, rather than its environment silently missing.
    return sorted(p.name for p in base.iterdir() if os.path.lexists(p / ENVIRONMENT_FILE))


def load_environment(root: Path, env: str) -> LoadedEnvironment:
    """The validated environment ``env`` with its models sorted by name."""
    require_known(root, [env])
    return loaded_from(check_environment(root, env), root)


def loaded_from(checked: Checked, root: Path) -> LoadedEnvironment:
    """Typed values of an environment already checked under ``root`` (``ValidationFailed`` on
    any error)."""
    if errors_in(checked.problems) or checked.environment is None:
        raise ValidationFailed(checked.problems)
    models = sorted((build_model(doc, root) for doc in checked.models), key=lambda m: m.name)
    warnings = tuple(p for p in checked.problems if p.severity is Severity.WARNING)
    return LoadedEnvironment(
        config=build_environment(checked.environment, root),
        models=tuple(models),
        warnings=warnings,
    )


def validate_environments(root: Path, envs: list[str] | None = None) -> list[Problem]:
    """Every problem of every named environment (all of them by default), warnings included."""
    names = envs if envs else list_environments(root)
    if not names:
        raise ConfigError(
            f"no environments found under {root / 'environments'}",
            hint="create environments/<env>/environment.yaml, or pass --root",
        )
    require_known(root, names)
    return [problem for env in names for problem in check_environment(root, env).problems]


def require_known(root: Path, envs: list[str]) -> None:
    """Refuse names that are not environments, before anything waits on their locks."""
    known = list_environments(root)
    unknown = [env for env in envs if env not in known]
    if unknown:
        listed = ", ".join(known) if known else "none"
        raise ConfigError(
            f"unknown environment(s): {', '.join(unknown)} (known: {listed})",
            hint=f"environments are the folders of {root / 'environments'} "
            "that contain environment.yaml",
        )
