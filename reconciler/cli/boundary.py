"""The single error boundary: every command runs through ``guarded``.

Expected failures (``ReconcileError``) print their message and exit with their code.
Ctrl-C exits 130. Anything else is a bug: one "unexpected error" line says where the traceback
was written, and ``-v`` prints it too. With ``--format json`` every failure also prints one
JSON document on stdout (``failure_document``), so a script reads one run's answer whatever
its exit code instead of running the command again for it. Everything the command prints, and
the traceback file, has every resolved secret blanked (``redacting``, ``structs.redaction``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

import click

from reconciler.cli.redacting import redacted_streams
from reconciler.structs.errors import ExitCode, ReconcileError
from reconciler.structs.redaction import redact

FORMAT_VERSION = 1


def guarded(action: Callable[[], int], *, verbose: int = 0, fmt: str | None = None) -> None:
    """Run ``action`` and exit with its code, translating errors at one place. ``fmt`` is the
    command's output format (default: the ``--format`` its click context was given)."""
    json_failures = (fmt or _context_format()) == "json"
    with redacted_streams():
        code = _outcome(action, verbose=verbose, json_failures=json_failures)
    sys.exit(code)


def failure_document(code: str, message: str, exit_code: int, **details: Any) -> dict[str, Any]:
    """What ``--format json`` prints for a failure: CONTRACT section 4."""
    error = {"code": code, "message": message, "exitCode": exit_code}
    return {"formatVersion": FORMAT_VERSION, "error": error, **details}


def echo_failure(document: dict[str, Any]) -> None:
    click.echo(json.dumps(document, indent=2, default=str))


def _context_format() -> str | None:
    """``--format`` as given to the running command, or before it to the group."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("fmt"):
            return str(ctx.params["fmt"])
        ctx = ctx.parent
    return None


def _outcome(action: Callable[[], int], *, verbose: int, json_failures: bool) -> int:
    failure: dict[str, Any] | None = None
    try:
        code = action()
    except ReconcileError as exc:
        click.echo(f"error: {exc.render()}", err=True)
        code = int(exc.exit_code)
        failure = failure_document(exc.failure_code, exc.render(), code, **exc.details())
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        code = int(ExitCode.INTERRUPTED)
        failure = failure_document("interrupted", "interrupted", code)
    except click.exceptions.Exit:
        raise
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except Exception:
        code = _report_unexpected(verbose)
        failure = failure_document("unexpected", "an unexpected error occurred", code)
    if json_failures and failure is not None and not _printed():
        echo_failure(failure)  # one document: a plan already printed stays the answer
    return code


def _printed() -> bool:
    """Whether the command already wrote to stdout (a JSON document, in JSON mode)."""
    return bool(getattr(sys.stdout, "written", 0))


BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader went away


def _quiet_broken_pipe() -> int:
    """``reconcile ... | head`` closed the pipe: no traceback, but no false success either
    (the real outcome was not seen, so it must not read as 0 under ``set -o pipefail``)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return BROKEN_PIPE


def _report_unexpected(verbose: int) -> int:
    text = redact(traceback.format_exc())
    try:
        fd, name = tempfile.mkstemp(prefix="reconcile-crash-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as log:
            log.write(text)
        where = f"traceback written to {name}"
    except OSError:
        where = "traceback could not be written"
    click.echo(
        f"error: an unexpected error occurred ({where}); please report it with that file", err=True
    )
    if verbose:
        click.echo(text, err=True)
    return int(ExitCode.INVALID)
