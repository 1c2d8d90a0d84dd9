"""``POST /api/configure-model``: a model becomes a validated manifest committed on a branch.

Everything a pull request would show is computed before anything is written: the candidate is
checked with the whole environment (400 with the problems otherwise), its plan is made against
what is live, and the cost delta is the change in the environment's projected monthly cost.
Only then is the manifest committed, on a new branch (201, pushed and a pull request opened
when configured) or, for a direct apply, on the served branch followed by the main job (202).
All of it runs under the environment's lock, so requests never interleave in git. A direct
apply first brings the served checkout up to its remote and refuses uncommitted manifests
(``checkout``); a request whose branch moved under it (a person's commit, a second service)
is checked again from the new commit, up to ``ATTEMPTS`` times (``branches.commit_on_branch``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reconciler.cost.projection import project_environment, project_model
from reconciler.engine.jobs.request import JobRequest
from reconciler.github import GitHubClient, open_pull_request
from reconciler.gitops.lock import manifest_lock
from reconciler.gitops.locksettings import lock_ttl
from reconciler.manifests.build import build_model
from reconciler.manifests.reading import FileRejected
from reconciler.manifests.yamltree import parse_yaml
from reconciler.report.plan_json import plan_document
from reconciler.report.plan_markdown import render_plan_markdown
from reconciler.serve.branches import (
    BranchMoved,
    commit_file,
    commit_on_branch,
    file_at,
    is_commit,
    new_branch,
    push_branch,
)
from reconciler.serve.checkout import (
    check_committed,
    follow_remote,
    refuse_uncommitted,
    remote_tip,
)
from reconciler.serve.errors import ApiError, problems_error
from reconciler.serve.payload import to_manifest
from reconciler.serve.secretcheck import check_secrets
from reconciler.serve.service import Service
from reconciler.serve.staging import Candidate, staged
from reconciler.serve.tokens import Principal, Role
from reconciler.serve.views import plan_of
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.plan import Plan

_COMMIT = re.compile(r"\A[0-9a-f]{7,40}\Z")


@dataclass(frozen=True)
class ConfigureRequest:
    env: str
    model: dict[str, Any]
    apply: bool = False
    dry_run: bool = False  # the page's preview: everything but the commit, answered 200
    base_commit: str | None = None  # the commit the edit started from (the model view's)
    replace_existing: bool = False  # overwrite an existing model without naming a base
    allow_over_budget: bool = False  # commit a change the budget would block, saying so


ATTEMPTS = 3  # a request whose branch moved under it is checked again from the new tip


def configure(service: Service, principal: Principal, request: ConfigureRequest) -> tuple[int, Any]:
    """The status and body of a configure request."""
    document = to_manifest(request.model)
    check_secrets(service, request.env, document)
    applying = request.apply and not request.dry_run
    if applying:
        _require_apply(service, principal, request.env)
    with service.lock(request.env):
        for attempt in range(1, ATTEMPTS + 1):
            if applying:
                _prepare_checkout(service, request.env)
            try:
                return _configure_once(service, principal, request, document)
            except BranchMoved:
                if attempt == ATTEMPTS:
                    raise
    raise AssertionError("unreachable")  # the loop returns or raises


def _configure_once(
    service: Service, principal: Principal, request: ConfigureRequest, document: dict[str, Any]
) -> tuple[int, Any]:
    base = None
    if service.settings.push and not request.apply and not request.dry_run:
        base = remote_tip(service.served, remote=service.settings.remote)
    with staged(service.served, request.env, document, base=base) as candidate:
        if candidate.errors:
            raise problems_error(candidate.errors)
        _require_base(service, candidate, request)
        loaded = candidate.load()
        plan = plan_of(service.connections, loaded)
        answer = _answer(candidate, loaded, plan)
        if request.dry_run:
            return 200, answer | {"branch": None, "commit": None, "pullRequest": None}
        over = _over_budget(plan, request)
        if request.apply:
            return 202, answer | _apply(service, principal, candidate)
        return 201, answer | _branch(service, principal, candidate, plan, over)


def _prepare_checkout(service: Service, env: str) -> None:
    """Before an apply is planned: the served branch brought up to its remote (``--push``),
    under the manifests' lock, and no uncommitted edit of the environment's manifests."""
    settings = service.settings
    if settings.push:
        with manifest_lock(settings.root, env, timeout=settings.lock_timeout):
            follow_remote(service.served, remote=settings.remote)
    refuse_uncommitted(service.served, env)


def _require_base(service: Service, candidate: Candidate, request: ConfigureRequest) -> None:
    """409 unless the request knows what it replaces: an edit names the commit it started
    from and the model must not have changed since; a new request must not hit an existing
    name by accident."""
    if request.base_commit is None:
        if candidate.previous is not None and not request.replace_existing:
            raise ApiError(
                409,
                "exists",
                f"a model '{candidate.name}' already exists in '{candidate.env}'; open it to "
                "edit it (its commit becomes baseCommit), or send replaceExisting: true to "
                "overwrite it",
            )
        return
    if not _COMMIT.match(request.base_commit):
        raise ApiError(
            400,
            "invalid",
            "field 'baseCommit' must be a commit id (7 to 40 hexadecimal digits), as the "
            "model view's 'commit' gives it",
        )
    if not is_commit(service.served, request.base_commit):
        raise ApiError(
            409,
            "conflict",
            f"baseCommit '{request.base_commit}' is not a commit of the served repository; "
            "open the model again to start from what is committed now",
        )
    then = file_at(service.served, request.base_commit, candidate.path)
    if then != candidate.previous:
        raise ApiError(
            409,
            "conflict",
            f"'{candidate.name}' changed in '{candidate.env}' since {request.base_commit[:12]}; "
            "open it again to see the new version, then make your change on top of it",
        )


def _over_budget(plan: Plan, request: ConfigureRequest) -> str | None:
    """The budget problem of the plan; 422 unless the request says it knows."""
    breach = plan.cost.breach if plan.cost is not None else None
    if breach is None or request.allow_over_budget:
        return breach
    raise ApiError(
        422,
        "over-budget",
        f"{breach}; lower the usage or pick a cheaper model, or confirm that you know "
        "(allowOverBudget) and the reviewers will see it at the top of the pull request",
        body={
            "error": {"code": "over-budget", "message": breach},
            "budget": plan.cost.as_dict() if plan.cost is not None else None,
        },
    )


def _require_apply(service: Service, principal: Principal, env: str) -> None:
    if principal.role < Role.ADMIN:
        raise ApiError(
            403, "forbidden", f"role '{principal.role.label}' may not apply; it needs 'admin'"
        )
    if not service.connections.environment(env).config.policy.serve_apply:
        raise ApiError(
            403,
            "forbidden",
            f"environment '{env}' does not allow direct apply (policy.serveApply is not true); "
            "send the change without apply to get a branch to review",
        )


def _answer(candidate: Candidate, loaded: LoadedEnvironment, plan: Plan) -> dict[str, Any]:
    item = next((i for i in plan.items if i.name == candidate.name), None)
    return {
        "env": candidate.env,
        "name": candidate.name,
        "action": item.action.value if item else "noop",
        "changes": [c.as_dict() for c in item.changes] if item else [],
        "previous": candidate.previous is not None,
        "manifest": candidate.path,
        "plan": plan_document(plan),
        "costDelta": _cost_delta(candidate, loaded),
        "warnings": [p.render() for p in candidate.warnings],
    }


def _cost_delta(candidate: Candidate, loaded: LoadedEnvironment) -> dict[str, str]:
    """Projected monthly cost of the environment before and after this one file changes."""
    after = project_environment(loaded).total
    mine = loaded.model(candidate.name)
    now = project_model(mine).monthly if mine else None
    was = _previous_monthly(candidate)
    before = after - (now or Decimal(0)) + (was or Decimal(0))
    return {"before": _usd(before), "after": _usd(after), "delta": _usd(after - before)}


def _previous_monthly(candidate: Candidate) -> Decimal | None:
    if candidate.previous is None:
        return None
    try:
        document = parse_yaml(candidate.previous, source=candidate.path)
        return project_model(build_model(document)).monthly
    except (FileRejected, KeyError, TypeError, AttributeError):
        return None  # the old file was not a valid manifest: it cost nothing that was priced


def _usd(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _branch(
    service: Service, principal: Principal, candidate: Candidate, plan: Plan, over: str | None
) -> dict[str, Any]:
    served = service.served
    if not candidate.changed:
        return {"branch": None, "commit": candidate.base, "pullRequest": None}
    message = _message(candidate, "configure")
    if over:
        message += f"\n\nOVER BUDGET, submitted knowingly: {over}"
    commit = commit_file(
        served,
        base=candidate.base,
        path=candidate.path,
        text=candidate.text,
        message=message,
        author=principal.author,
    )
    branch = new_branch(served, prefix=f"reconcile/{candidate.env}/{candidate.name}", commit=commit)
    out: dict[str, Any] = {"branch": branch, "commit": commit, "pullRequest": None}
    if service.settings.push:
        out |= _publish(service, candidate, plan, branch, over)
    return out


def pull_request_body(plan: Plan, env: str, over: str | None) -> str:
    """The plan as markdown; a change submitted over budget says so before anything else."""
    body = render_plan_markdown(plan, title=f"reconcile plan for {env}")
    if over:
        body = f"> [!WARNING]\n> **Over budget, submitted knowingly:** {over}\n\n" + body
    return body


def _publish(
    service: Service, candidate: Candidate, plan: Plan, branch: str, over: str | None
) -> dict[str, Any]:
    failed = push_branch(service.served, branch, remote=service.settings.remote)
    if failed:
        return {"pushed": False, "pushError": failed}
    environ = service.settings.environ
    if not environ.get("GITHUB_TOKEN") or not environ.get("GITHUB_REPOSITORY"):
        return {"pushed": True}
    url = open_pull_request(
        GitHubClient.from_env(environ),
        head=branch,
        base=service.served.branch,
        title=_message(candidate, "configure"),
        body=pull_request_body(plan, candidate.env, over),
    )
    return {"pushed": True, "pullRequest": url}


def _apply(service: Service, principal: Principal, candidate: Candidate) -> dict[str, Any]:
    served, commit, settings = service.served, candidate.base, service.settings
    if candidate.changed:
        # The manifests' lock, as import and promote hold it: no run on this machine reads
        # the environment while its checkout moves to the new commit.
        with manifest_lock(settings.root, candidate.env, timeout=settings.lock_timeout):
            commit = commit_on_branch(
                served,
                base=candidate.base,
                folder=served.path("environments", candidate.env),
                path=candidate.path,
                text=candidate.text,
                message=_message(candidate, "apply"),
                author=principal.author,
            )
    request = JobRequest(
        root=settings.root,
        environment=candidate.env,
        sandbox=settings.sandbox,
        commit=True,
        push=settings.push and not settings.sandbox,
        remote=settings.remote,
        environ=settings.environ,
        lock_timeout=settings.lock_timeout,
        lock_ttl=lock_ttl(settings.environ),
        actor=principal.actor,
        author=principal.author,
    )
    job = service.start_job(
        candidate.env,
        request,
        actor=principal.name,
        commit=commit,
        check=lambda: check_committed(served, candidate.env),
    )
    out: dict[str, Any] = {
        "branch": served.branch,
        "commit": commit,
        "pullRequest": None,
        "job": {"id": job.id, "status": job.status.value, "links": {"self": f"/api/jobs/{job.id}"}},
    }
    if settings.push and settings.sandbox:
        out |= {"pushed": False, "pushError": SANDBOX_KEEPS}
    return out


SANDBOX_KEEPS = (
    "a --sandbox service pushes nothing an apply commits: the manifest commit stays on the "
    "local branch and the records beside the emulator (.reconciler/sandbox/), since they "
    "describe the emulator, not the Gateway"
)


def _message(candidate: Candidate, verb: str) -> str:
    what = "update" if candidate.previous is not None else "add"
    return f"reconcile serve: {what} {candidate.env}/{candidate.name} ({verb})"
