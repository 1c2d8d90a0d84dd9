"""Just enough of GitHub Actions to run a config repo's workflows on this machine.

Jobs run in ``needs`` order, matrices are expanded, and ``${{ }}`` expressions are evaluated
against the contexts the test provides (see ``expressions``). A job that ``uses:`` a reusable
workflow runs that workflow from this repository's ``.github/workflows/`` with its declared
inputs (defaults filled in, unknown ones refused) and only the secrets passed explicitly; a
job with ``environment: X`` also sees X's environment secrets under the declared names, which
is how GitHub resolves them. Steps honour ``if:`` (``success()`` unless the condition names a
status function), ``GITHUB_OUTPUT`` / ``GITHUB_ENV`` / ``GITHUB_STEP_SUMMARY`` work as on a
runner, and ``uses: ./path`` runs a composite action's steps with its inputs and outputs.
``actions/checkout`` is a fresh clone of ``origin`` (at ``with.ref`` when given), or, for
another repository, this repository's ``action.yml`` and ``requirements.lock`` at
``with.path``; ``actions/upload-artifact`` hands the file to ``Runner.upload``; other
actions are skipped. Each environment's live org is a sandbox state
folder put into the job's clone before it runs and kept after, so environments stay separate
orgs as in real life.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.github.expressions import evaluate, substitute, text, truthy

Outputs = dict[str, str]
TOOL_REPOSITORY = "acme/reconcile"  # where the config repo's workflows take reconcile from


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
    outputs: dict[str, Outputs] = field(default_factory=dict)

    @property
    def output(self) -> str:
        return "\n".join(s.stdout + s.stderr for s in self.steps)


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass
class Runner:
    """Runs a workflow's jobs, each in a fresh clone of ``origin``."""

    origin: Path
    temp: Path
    tool: Path
    base_env: dict[str, str]
    contexts: dict[str, Any]
    orgs: Path
    environment_secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    caller_inputs: dict[str, str] = field(default_factory=dict)
    # What actions/upload-artifact does with (name, file): the test hands it to its fake GitHub.
    upload: Callable[[str, Path], None] | None = None
    ref: str = "main"
    _jobs: int = 0

    def run(self, workflow: dict[str, Any]) -> WorkflowRun:
        result = WorkflowRun()
        self._workflow(workflow, self.contexts, result, prefix="")
        return result

    def _workflow(
        self, workflow: dict[str, Any], ctx: dict[str, Any], result: WorkflowRun, *, prefix: str
    ) -> tuple[dict[str, Outputs], list[str]]:
        jobs: dict[str, Any] = workflow["jobs"]
        outputs: dict[str, Outputs] = {}
        failed: list[str] = []
        for job_id in _ordered(jobs):
            job, name = jobs[job_id], prefix + job_id
            needs = _needs(job)
            ok = not any(n in failed for n in needs)
            if ok:
                jctx = ctx | {"needs": {n: {"outputs": outputs.get(n, {})} for n in needs}}
                if "uses" in job:
                    ok, outputs[job_id] = self._call(job, jctx, result, name=name)
                else:
                    for matrix in self._matrix(job, jctx):
                        done, outputs[job_id] = self._job(
                            job, workflow, jctx | {"matrix": matrix}, result, name=name
                        )
                        ok = ok and done
            if not ok:
                failed.append(job_id)
                result.failed_jobs.append(name)
            result.outputs[name] = outputs.get(job_id, {})
        return outputs, failed

    def _call(
        self, job: dict[str, Any], ctx: dict[str, Any], result: WorkflowRun, *, name: str
    ) -> tuple[bool, Outputs]:
        called = load(self.tool / ".github" / "workflows" / Path(job["uses"].split("@")[0]).name)
        spec = called[True]["workflow_call"]  # YAML 1.1 reads the key 'on' as True
        declared: dict[str, Any] = spec.get("inputs") or {}
        given = {k: substitute(v, ctx) for k, v in (job.get("with") or {}).items()}
        given |= {k: v for k, v in self.caller_inputs.items() if k in declared}
        assert set(given) <= set(declared), f"{name}: unknown inputs {set(given) - set(declared)}"
        missing = [k for k, v in declared.items() if v.get("required") and k not in given]
        assert not missing, f"{name}: required inputs not given: {missing}"
        inputs = {k: v.get("default", "") for k, v in declared.items()} | given
        secret_names = set(spec.get("secrets") or {})
        passed = {k: text(substitute(v, ctx)) for k, v in (job.get("secrets") or {}).items()}
        assert set(passed) <= secret_names, (
            f"{name}: undeclared secrets {set(passed) - secret_names}"
        )
        secrets = {k: passed.get(k, "") for k in secret_names}
        cctx = {"github": ctx["github"], "vars": ctx["vars"], "inputs": inputs, "secrets": secrets}
        # The called workflow's own place (job.workflow_*): the tool, at the caller's commit.
        cctx["job"] = {"workflow_repository": TOOL_REPOSITORY, "workflow_sha": ctx["github"]["sha"]}
        outputs, failed = self._workflow(called, cctx, result, prefix=f"{name}/")
        jobs = {"jobs": {j: {"outputs": o} for j, o in outputs.items()}}
        values = {
            k: text(substitute(v["value"], cctx | jobs))
            for k, v in (spec.get("outputs") or {}).items()
        }
        return not failed, values

    def _matrix(self, job: dict[str, Any], ctx: dict[str, Any]) -> list[dict[str, Any]]:
        matrix = (job.get("strategy") or {}).get("matrix")
        if matrix is None:
            return [{}]
        if "include" in matrix:
            return list(matrix["include"])
        [(key, values)] = matrix.items()
        return [{key: v} for v in substitute(values, ctx)]

    def _job(
        self,
        job: dict[str, Any],
        workflow: dict[str, Any],
        ctx: dict[str, Any],
        result: WorkflowRun,
        *,
        name: str,
    ) -> tuple[bool, Outputs]:
        self._jobs += 1
        workdir = self.temp / f"job-{self._jobs}-{name.replace('/', '-')}"
        self._git("clone", "-q", "--branch", self.ref, str(self.origin), str(workdir))
        environment = text(substitute(job.get("environment", ""), ctx))
        if environment:  # environment secrets win under the names the workflow declares
            extra = self.environment_secrets.get(environment, {})
            ctx = ctx | {
                "secrets": ctx["secrets"] | {k: v for k, v in extra.items() if k in ctx["secrets"]}
            }
        org = self.orgs / text((ctx.get("inputs") or {}).get("environment", name))
        live = workdir / ".reconciler" / "sandbox"
        if org.is_dir():
            shutil.copytree(org, live)
        env = dict(self.base_env)
        for scope in (workflow.get("env"), job.get("env")):
            env |= {k: text(substitute(v, ctx)) for k, v in (scope or {}).items()}
        job_env = self.temp / f"{self._jobs}.env"
        job_env.write_text("")
        try:
            run = _Steps(self, workdir=workdir, env=env, job_env=job_env, result=result, job=name)
            ok, steps = run.steps(job["steps"], ctx)
        finally:
            if live.is_dir():
                shutil.rmtree(org, ignore_errors=True)
                shutil.copytree(live, org)
        outputs = {
            k: text(substitute(v, ctx | {"steps": steps}))
            for k, v in (job.get("outputs") or {}).items()
        }
        return ok, outputs

    def _git(self, *args: str, cwd: Path | None = None) -> None:
        subprocess.run(["git", *args], cwd=cwd, check=True, env=self.base_env, capture_output=True)


@dataclass
class _Steps:
    """The steps of one job (or of a composite action inside it), in its clone."""

    runner: Runner
    workdir: Path
    env: dict[str, str]
    job_env: Path
    result: WorkflowRun
    job: str

    def steps(
        self, steps: list[dict[str, Any]], ctx: dict[str, Any]
    ) -> tuple[bool, dict[str, Any]]:
        ok, done = True, dict[str, Any]()
        for index, step in enumerate(steps):
            sctx = ctx | {"steps": done, "job_failed": not ok}
            if not self._should_run(step, sctx, ok=ok):
                if "id" in step:
                    done[step["id"]] = {"outputs": {}, "outcome": "skipped"}
                continue
            passed, outputs = self._step(step, sctx, index)
            ok = ok and passed
            if "id" in step:
                done[step["id"]] = {
                    "outputs": outputs,
                    "outcome": "success" if passed else "failure",
                }
        return ok, done

    def _should_run(self, step: dict[str, Any], ctx: dict[str, Any], *, ok: bool) -> bool:
        condition = str(step.get("if", "success()")).strip()
        condition = condition.removeprefix("${{").removesuffix("}}").strip()
        status = any(f in condition for f in ("always()", "failure()", "success()"))
        return truthy(evaluate(condition, ctx)) and (ok or status)

    def _step(self, step: dict[str, Any], ctx: dict[str, Any], index: int) -> tuple[bool, Outputs]:
        if "uses" in step:
            return self._uses(step, ctx)
        outputs = self.runner.temp / f"{self.runner._jobs}-{index}-{id(step)}.out"
        outputs.write_text("")
        step_env = (
            self.env
            | _read_kv(self.job_env)
            | {"GITHUB_ENV": str(self.job_env), "GITHUB_OUTPUT": str(outputs)}
        )
        step_env |= {k: text(substitute(v, ctx)) for k, v in (step.get("env") or {}).items()}
        script = self.runner.temp / "step.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            check=False,
            cwd=self.workdir,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        name = text(substitute(step.get("name", step["run"][:40]), ctx))
        self.result.steps.append(StepRun(self.job, name, done.returncode, done.stdout, done.stderr))
        return done.returncode == 0, _read_kv(outputs)

    def _uses(self, step: dict[str, Any], ctx: dict[str, Any]) -> tuple[bool, Outputs]:
        uses = str(step["uses"])
        given = {k: text(substitute(v, ctx)) for k, v in (step.get("with") or {}).items()}
        if uses.startswith("actions/checkout@"):
            self._checkout(given, ctx)
            return True, {}
        if uses.startswith("./"):
            return self._composite(self.workdir / uses, given, ctx)
        if uses.startswith("actions/upload-artifact@") and self.runner.upload:
            path = Path(given["path"])
            assert path.is_file(), f"upload-artifact: no file {path}"
            self.runner.upload(given["name"], path)
        return True, {}  # setup-python, the App token: nothing to emulate

    def _checkout(self, given: Outputs, ctx: dict[str, Any]) -> None:
        assert given.get("persist-credentials") == "false", "checkout must not persist the token"
        if given.get("repository", ctx["github"]["repository"]) != ctx["github"]["repository"]:
            target = self.workdir / given["path"]
            target.mkdir(parents=True)
            for name in ("action.yml", "requirements.lock"):
                shutil.copy(self.runner.tool / name, target / name)
        elif given.get("ref"):
            self.runner._git("checkout", "-q", "--detach", given["ref"], cwd=self.workdir)

    def _composite(self, folder: Path, given: Outputs, ctx: dict[str, Any]) -> tuple[bool, Outputs]:
        action = load(folder / "action.yml")
        declared: dict[str, Any] = action.get("inputs") or {}
        assert set(given) <= set(declared), f"unknown action inputs {set(given) - set(declared)}"
        defaults = {
            k: text(substitute(str(v.get("default", "")), ctx)) for k, v in declared.items()
        }
        inputs = defaults | given
        github = ctx["github"] | {"action_path": str(folder)}
        actx = {k: v for k, v in ctx.items() if k != "steps"} | {"inputs": inputs, "github": github}
        ok, steps = self.steps(action["runs"]["steps"], actx)
        values = {
            k: text(substitute(v["value"], actx | {"steps": steps}))
            for k, v in (action.get("outputs") or {}).items()
        }
        return ok, values


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
