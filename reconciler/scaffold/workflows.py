"""The caller workflows (plan, apply, drift) of a config repository.

They are a few lines per environment that call this tool's reusable workflows, so what a team
runs is what this repository's CI tests. This repository's own workflows are rendered by the
same function with a local ``ToolSource``; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.scaffold.templates import fill, template, upper_name

WORKFLOWS = ("plan", "apply", "drift")


@dataclass(frozen=True)
class ToolSource:
    """Where the reusable workflows and the action come from, and at which ref."""

    uses_prefix: str
    uses_suffix: str
    tool_inputs: tuple[tuple[str, str], ...]

    @classmethod
    def release(cls, version: str, *, repo: str, commit: str) -> ToolSource:
        """A released version pinned by its commit, the tag in a comment (what Dependabot
        reads and rewrites); the reusable workflows take the action from that same commit."""
        return cls(f"{repo}/.github/workflows/", f"@{commit} # v{version}", ())

    @classmethod
    def local(cls) -> ToolSource:
        """This repository at the commit being tested (its own workflows)."""
        return cls("./.github/workflows/", "", ())


def caller_workflows(envs: list[str], source: ToolSource) -> dict[str, str]:
    """``{"plan.yml": text, ...}`` for ``envs``, applied in the order given."""
    return {
        f"{name}.yml": fill(
            template(f"workflows/{name}.yml"),
            {"JOBS": "".join(_job(name, env, envs, source) for env in envs).rstrip("\n")},
        )
        for name in WORKFLOWS
    }


def _job(workflow: str, env: str, envs: list[str], source: ToolSource) -> str:
    previous = envs[envs.index(env) - 1] if envs.index(env) > 0 else None
    handover = f"${{{{ needs.{previous}.outputs.applied-commit }}}}"
    tool = "".join(f"      {key}: {value}\n" for key, value in source.tool_inputs)
    values = {
        "ENV": env,
        "UPPER": upper_name(env),
        "USES": source.uses_prefix,
        "AT": source.uses_suffix,
        "TOOL": tool,
        "NEEDS": f"    needs: {previous}\n" if previous else "",
        "COMMIT": f"      commit: {handover}\n" if previous else "",
    }
    return fill(template(f"workflows/{workflow}.job.yml"), values) + "\n"
