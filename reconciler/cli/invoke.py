"""`reconcile invoke --env ENV NAME`: a guarded call to one endpoint.

Input comes from ``--input`` or stdin. Stdin is read only up to the model's input cap (its
worth of bytes, plus one character to see an overflow): an endless pipe or ``< /dev/zero``
costs a few kilobytes and a clear error, not gigabytes of memory. A blocked input is refused
with its reasons (exit 1, nothing sent); otherwise the result, latency, tokens and cost are
printed. Input that is not UTF-8 is refused first: stdin is read as bytes and decoded strictly,
and an argument Python could not decode arrives as lone surrogates, which no model (and no
JSON encoder) can take.
"""

from __future__ import annotations

import sys
from typing import Any, BinaryIO

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import CommonOptions, build_options, options
from reconciler.engine.jobs.invoke_job import InvokeRequest, run_invoke
from reconciler.report.invocation import InvocationReport
from reconciler.report.reporters import render
from reconciler.structs.errors import ConfigError


@click.command("invoke")
@click.option("--env", "env", required=True, metavar="ENV")
@click.argument("name")
@click.option("--input", "text", default=None, help="Input text (default: read stdin).")
@options("root", "fmt", "sandbox", "verbose")
@click.pass_context
def invoke(ctx: click.Context, /, env: str, name: str, text: str | None, **given: Any) -> None:
    """Screen INPUT with the prompt-injection guard, then invoke endpoint NAME."""
    options = build_options(ctx, **given)
    guarded(lambda: _run(env, name, text, options), verbose=options.verbose)


def _run(env: str, name: str, text: str | None, options: CommonOptions) -> int:
    given = (
        (lambda cap: read_capped(sys.stdin.buffer, cap=cap, where="stdin"))
        if text is None
        else _checked_argument(text)
    )
    request = InvokeRequest(
        root=options.root, environment=env, name=name, text=given, sandbox=options.sandbox
    )
    outcome = run_invoke(request)
    report = InvocationReport(outcome.as_dict())
    click.echo(render(report, options.fmt, options.view()), nl=False)
    return 1 if outcome.verdict.blocked else 0


def read_capped(stream: BinaryIO, *, cap: int, where: str) -> str:
    """At most ``cap`` characters from ``stream``, decoded as UTF-8, or a ConfigError when
    there are more. Reads at most ``4 * (cap + 1)`` bytes: that many bytes always hold more
    than ``cap`` characters, so a full read proves the overflow without reading on."""
    limit = 4 * (cap + 1)
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = stream.read(min(65_536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if size < limit or exc.end < len(raw):
            raise _not_utf8(where, f"byte 0x{raw[exc.start]:02x} at offset {exc.start}") from exc
        text = raw[: exc.start].decode("utf-8")  # a character cut at the limit: long anyway
    if len(text) > cap:
        raise ConfigError(
            f"the input on {where} is longer than the {cap}-character cap; it was read no "
            "further and nothing was sent",
            hint="shorten the input, or raise guard.maxInputChars for this model",
        )
    return text


def _checked_argument(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _not_utf8("--input", f"at character {exc.start}") from exc
    return text


def _not_utf8(where: str, detail: str) -> ConfigError:
    return ConfigError(
        f"the input on {where} is not valid UTF-8 text ({detail}); nothing was sent",
        hint="convert the text to UTF-8 first, e.g. with iconv -f LATIN1 -t UTF-8",
    )
