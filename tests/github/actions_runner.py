"""Just enough of GitHub Actions to run a workflow's shell steps on this machine.

Jobs run in ``needs`` order, matrices are expanded, ``${{ }}`` expressions in ``env``,
``matrix`` and ``outputs`` are evaluated against the contexts the test provides (an unknown
name fails loudly instead of turning into an empty string, so a typo in a workflow is caught),
and ``GITHUB_OUTPUT`` / ``GITHUB_ENV`` / ``GITHUB_STEP_SUMMARY`` work as on a runner. As on
GitHub, every job starts from a fresh clone of ``origin`` at ``ref`` (what actions/checkout
does); other ``uses:`` steps are skipped. Each environment's live org is a sandbox state folder
that is put into the job's clone before it runs and kept after, so environments stay separate
orgs the way they are in real life. ``if:`` conditions are not evaluated; the tests pick inputs
for which every job runs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<name>[A-Za-z_][\w-]*)|(?P<op>[.\[\](),]))")


@dataclass
class StepRun:
    job: str
    name: str
    returncode: int
    stdout: str
    stderr: str


@dataclass
class WorkflowRun:
    steps: list[StepRun] = field(default_factory=list)
    failed_jobs: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return "\n".join(s.stdout + s.stderr for s in self.steps)


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def evaluate(expr: str, ctx: dict[str, Any]) -> Any:
    tokens = [m for m in _TOKEN.finditer(expr)]
    assert "".join(m.group(0) for m in tokens).strip() == expr.strip(), f"cannot parse {expr!r}"
    value, rest = _value([(m.lastgroup, m.group(m.lastgroup)) for m in tokens], ctx)
    assert not rest, f"unsupported expression {expr!r}"
    return value


def _value(tokens: list[tuple[str | None, str]], ctx: dict[str, Any]) -> tuple[Any, list]:
    kind, text = tokens[0]
    if kind == "str":
        return text[1:-1].replace("''", "'"), tokens[1:]
    assert kind == "name", f"unexpected {text!r}"
    rest = tokens[1:]
    if rest and rest[0] == ("op", "("):
        args, rest = _args(rest[1:], ctx)
        return _call(text, args), rest
    assert text in ctx, f"unknown context {text!r}"
    value = ctx[text]
    while rest and rest[0][1] in (".", "["):
        if rest[0][1] == ".":
            key, rest = rest[1][1], rest[2:]
        else:
            key, rest = _value(rest[1:], ctx)
            assert rest[0] == ("op", "]"), "unclosed ["
            rest = rest[1:]
        assert isinstance(value, dict) and key in value, f"{text}: no {key!r} in the context"
        value = value[key]
    return value, rest


def _args(tokens: list, ctx: dict[str, Any]) -> tuple[list[Any], list]:
    args: list[Any] = []
    while tokens[0] != ("op", ")"):
        value, tokens = _value(tokens, ctx)
        args.append(value)
        if tokens[0] == ("op", ","):
            tokens = tokens[1:]
    return args, tokens[1:]


def _call(name: str, args: list[Any]) -> Any:
    if name == "format":
        return re.sub(r"\{(\d+)\}", lambda m: str(args[1 + int(m[1])]), args[0])
    if name == "fromJSON":
        return json.loads(args[0])
    raise AssertionError(f"unsupported function {name}()")


def substitute(value: Any, ctx: dict[str, Any]) -> Any:
    """A whole ``${{ x }}`` keeps the value's type; embedded ones become strings."""
    if not isinstance(value, str):
        return value
    whole = _EXPR.fullmatch(value.strip())
    if whole:
        return evaluate(whole[1], ctx)
    return _EXPR.sub(lambda m: _text(evaluate(m[1], ctx)), value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class Runner:
    """Runs every job of a workflow in a fresh clone with ``base_env`` and the contexts."""

    origin: Path
    temp: Path
    base_env: dict[str, str]
    contexts: dict[str, Any]
    orgs: Path
    org_of: Callable[[str, dict[str, Any]], str]
    ref: str = "main"
    _jobs: int = 0

    def run(self, workflow: dict[str, Any]) -> WorkflowRun:
        result = WorkflowRun()
        jobs: dict[str, Any] = workflow["jobs"]
        for job_id in _ordered(jobs):
            needs = _needs(jobs[job_id])
            if any(n in result.failed_jobs for n in needs):
                result.failed_jobs.append(job_id)
                continue
            ctx = self.contexts | {
                "needs": {n: {"outputs": result.outputs.get(n, {})} for n in needs}
            }
            for matrix in self._matrix(jobs[job_id], ctx):
                ok = self._job(job_id, workflow, ctx | {"matrix": matrix}, result)
                if not ok and job_id not in result.failed_jobs:
                    result.failed_jobs.append(job_id)
        return result

    def _matrix(self, job: dict[str, Any], ctx: dict[str, Any]) -> list[dict[str, Any]]:
        matrix = (job.get("strategy") or {}).get("matrix")
        if matrix is None:
            return [{}]
        if "include" in matrix:
            return list(matrix["include"])
        [(key, values)] = matrix.items()
        return [{key: v} for v in substitute(values, ctx)]

    def _job(
        self, job_id: str, workflow: dict[str, Any], ctx: dict[str, Any], result: WorkflowRun
    ) -> bool:
        job = workflow["jobs"][job_id]
        self._jobs += 1
        workdir = self.temp / f"job-{self._jobs}-{job_id}"
        subprocess.run(
            ["git", "clone", "-q", "--branch", self.ref, str(self.origin), str(workdir)],
            check=True,
            env=self.base_env,
            capture_output=True,
        )
        org = self.orgs / self.org_of(job_id, ctx["matrix"])
        live = workdir / ".reconciler" / "sandbox"
        if org.is_dir():
            shutil.copytree(org, live)
        try:
            return self._steps(job_id, job, workflow, ctx, result, workdir)
        finally:
            if live.is_dir():
                shutil.rmtree(org, ignore_errors=True)
                shutil.copytree(live, org)

    def _steps(
        self,
        job_id: str,
        job: dict[str, Any],
        workflow: dict[str, Any],
        ctx: dict[str, Any],
        result: WorkflowRun,
        workdir: Path,
    ) -> bool:
        env = dict(self.base_env)
        for scope in (workflow.get("env"), job.get("env")):
            env |= {k: _text(substitute(v, ctx)) for k, v in (scope or {}).items()}
        github_env = self.temp / f"{job_id}.env"
        github_env.write_text("")
        steps: dict[str, Any] = {}
        for index, step in enumerate(job["steps"]):
            if "run" not in step:
                continue
            outputs = self.temp / f"{job_id}-{index}.out"
            outputs.write_text("")
            step_env = (
                env
                | _read_kv(github_env)
                | {"GITHUB_ENV": str(github_env), "GITHUB_OUTPUT": str(outputs)}
            )
            step_env |= {
                k: _text(substitute(v, ctx | {"steps": steps}))
                for k, v in (step.get("env") or {}).items()
            }
            script = self.temp / "step.sh"
            script.write_text(step["run"])
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                check=False,
                cwd=workdir,
                env=step_env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            name = f"{step.get('name', step['run'][:40])} {ctx.get('matrix') or ''}"
            result.steps.append(StepRun(job_id, name, done.returncode, done.stdout, done.stderr))
            if done.returncode != 0:
                return False
            if "id" in step:
                steps[step["id"]] = {"outputs": _read_kv(outputs)}
        job_outputs = {
            k: _text(substitute(v, ctx | {"steps": steps}))
            for k, v in (job.get("outputs") or {}).items()
        }
        result.outputs[job_id] = job_outputs
        return True


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)


def _ordered(jobs: dict[str, Any]) -> list[str]:
    done: list[str] = []
    while len(done) < len(jobs):
        ready = [j for j in jobs if j not in done and all(n in done for n in _needs(jobs[j]))]
        assert ready, "a cycle in 'needs'"
        done += ready
    return done


def _read_kv(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}
