"""Which files a new config repository gets, and writing them without clobbering anything.

Every file is rendered first and every clash is found before the first write, so a refused
``init`` leaves the folder exactly as it was, and a forced one rewrites only the scaffold's
own files (other files in the folder are never touched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from reconciler.gateway.regions import known_regions
from reconciler.scaffold.release import release_commit
from reconciler.scaffold.templates import fill, template, upper_name
from reconciler.scaffold.workflows import ToolSource, caller_workflows
from reconciler.structs.errors import ConfigError
from reconciler.structs.identifiers import is_environment_name

DEFAULT_ENVS = ("dev", "staging", "prod")
_SCHEMAS = ("environment.schema.json", "model-endpoint.schema.json")


@dataclass(frozen=True)
class ScaffoldRequest:
    """What ``reconcile init`` was asked for."""

    root: Path
    version: str
    envs: tuple[str, ...] = DEFAULT_ENVS
    region: str = "us-east-1"
    tool_repo: str = ""
    tool_commit: str = ""
    force: bool = False


def scaffold_files(request: ScaffoldRequest) -> dict[str, str]:
    """Relative path -> text of every file the scaffold writes (checked, nothing written)."""
    _check(request)
    files: dict[str, str] = {}
    for env in request.envs:
        values = {"ENV": env, "UPPER": upper_name(env), "REGION": request.region}
        files[f"environments/{env}/environment.yaml"] = fill(template("environment.yaml"), values)
        files[f"environments/{env}/models/example-classifier.yaml"] = fill(
            template("model.yaml"), values
        )
    schemas = resources.files("reconciler").joinpath("schemas")
    for name in _SCHEMAS:
        files[f"schemas/{name}"] = schemas.joinpath(name).read_text("utf-8")
    commit = release_commit(request.tool_repo, request.version, given=request.tool_commit)
    pins = {"VERSION": request.version, "TOOL": request.tool_repo, "COMMIT": commit}
    files[".gitignore"] = template("gitignore")
    files[".pre-commit-config.yaml"] = template("pre-commit-config.yaml")
    files[".github/dependabot.yml"] = template("dependabot.yml")
    files[".github/zizmor.yml"] = template("zizmor.yml")
    source = ToolSource.release(request.version, repo=request.tool_repo, commit=commit)
    for name, text in caller_workflows(list(request.envs), source).items():
        files[f".github/workflows/{name}"] = text
    readme = {**pins, "ENVS": ", ".join(f"`{e}`" for e in request.envs), "FIRST": request.envs[0]}
    files["README.md"] = fill(template("README.md"), readme)
    return files


def write_scaffold(request: ScaffoldRequest) -> list[str]:
    """Write the scaffold under ``request.root``; the relative paths written, in order."""
    files = scaffold_files(request)
    clashes = [rel for rel in files if (request.root / rel).exists()]
    if clashes and not request.force:
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        shown = ", ".join(clashes[:5]) + more
        raise ConfigError(
            f"refusing to overwrite {shown} in {request.root}",
            hint="run it in an empty folder, or pass --force to rewrite the scaffold's files",
        )
    for rel, text in files.items():
        path = request.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _check(request: ScaffoldRequest) -> None:
    bad = [e for e in request.envs if not is_environment_name(e)]
    if bad or not request.envs:
        raise ConfigError(
            f"invalid environment name(s) for --envs: {', '.join(map(repr, bad)) or 'none given'}",
            hint="use lowercase letters, digits and '-', comma-separated: --envs dev,staging,prod",
        )
    if len(set(request.envs)) != len(request.envs):
        raise ConfigError("--envs names an environment twice", hint="list each one once")
    if request.region not in known_regions():
        raise ConfigError(
            f"unknown region {request.region!r} for --region",
            hint="use a Genesys Cloud region: " + ", ".join(sorted(known_regions())),
        )
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)", request.version):
        raise ConfigError(
            f"--tool-version {request.version!r} is not a version", hint="for example 0.1.0"
        )
    if not request.tool_repo:
        raise ConfigError(
            "--tool-repo is required: the GitHub repository your workflows take reconcile's "
            "action and reusable workflows from",
            hint="pass --tool-repo OWNER/NAME: the repository reconcile is published from, "
            "or your organisation's fork or mirror of it",
        )
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", request.tool_repo):
        raise ConfigError(f"--tool-repo {request.tool_repo!r} is not OWNER/NAME")
