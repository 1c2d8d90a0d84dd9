"""`reconcile invoke --env ENV NAME`: a guarded call to one endpoint.

Input comes from ``--input`` or stdin. A blocked input is refused with its reasons (exit 1,
nothing sent); otherwise the result, latency, tokens and cost are printed.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, common_options
from reconciler.engine.invoke_job import InvokeRequest, run_invoke
from reconciler.report.invocation import render_invocation


@click.command("invoke")
@click.option("--env", "env", required=True, metavar="ENV")
@click.argument("name")
@click.option("--input", "text", default=None, help="Input text (default: read stdin).")
@common_options
@click.pass_context
def invoke(ctx: click.Context, /, env: str, name: str, text: str | None, **given: Any) -> None:
    """Screen INPUT with the prompt-injection guard, then invoke endpoint NAME."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(env, name, text, options), verbose=options.verbose)


def _run(env: str, name: str, text: str | None, options: CommonOptions) -> int:
    if text is None:
        text = sys.stdin.read()
    request = InvokeRequest(
        root=options.root, environment=env, name=name, text=text, sandbox=options.sandbox
    )
    outcome = run_invoke(request)
    click.echo(render_invocation(outcome.as_dict(), fmt=options.fmt))
    return 1 if outcome.verdict.blocked else 0
