"""`reconcile validate`: offline checks of manifests and environments.

Every environment is checked by default and every problem is printed, so one run shows the
whole list. Errors exit 1; warnings are printed and exit 0 unless ``--strict`` (for CI that
wants a clean tree). Nothing here contacts the API.
"""

from __future__ import annotations

import json
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, common_options
from reconciler.manifests import list_environments, validate_environments
from reconciler.structs.errors import ExitCode
from reconciler.structs.problems import Problem, Severity, errors_in


@click.command("validate")
@click.option(
    "--env",
    "envs",
    multiple=True,
    metavar="ENV",
    help="Environment to check (repeatable; default: every environment).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@common_options
@click.pass_context
def validate(ctx: click.Context, /, envs: tuple[str, ...], strict: bool, **given: Any) -> None:
    """Check manifests and environments offline; exit 1 on any error."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(list(envs), strict=strict, options=options), verbose=options.verbose)


def _run(envs: list[str], *, strict: bool, options: CommonOptions) -> int:
    problems = validate_environments(options.root, envs or None)
    checked = envs or list_environments(options.root)
    failed = bool(errors_in(problems)) or (strict and bool(problems))
    render = {"json": _json, "markdown": _markdown}.get(options.fmt, _text)
    click.echo(render(problems, checked=checked, valid=not failed), nl=False)
    return int(ExitCode.INVALID if failed else ExitCode.OK)


def _summary(problems: list[Problem], *, checked: list[str], valid: bool) -> str:
    errors = len(errors_in(problems))
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    verdict = "valid" if valid else "invalid"
    return (
        f"{verdict}: {errors} error(s), {warnings} warning(s) in "
        f"{len(checked)} environment(s) ({', '.join(checked)})"
    )


def _text(problems: list[Problem], *, checked: list[str], valid: bool) -> str:
    lines = [p.render() for p in problems]
    return "\n".join([*lines, _summary(problems, checked=checked, valid=valid)]) + "\n"


def _json(problems: list[Problem], *, checked: list[str], valid: bool) -> str:
    body = {
        "formatVersion": 1,
        "valid": valid,
        "environments": checked,
        "problems": [p.as_dict() for p in problems],
    }
    return json.dumps(body, indent=2) + "\n"


def _markdown(problems: list[Problem], *, checked: list[str], valid: bool) -> str:
    lines = [f"**reconcile validate**: {_summary(problems, checked=checked, valid=valid)}", ""]
    for p in problems:
        where = f"{p.file}:{p.line}" if p.line else p.file
        fix = f" (fix: {p.fix})" if p.fix else ""
        lines.append(f"- {p.severity.value} `{where}` [{p.rule}] {p.message}{fix}")
    return "\n".join(lines) + "\n"
