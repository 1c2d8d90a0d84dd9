"""The single error boundary: every command runs through ``guarded``.

Expected failures (``ReconcileError``) print their message and exit with their code.
Ctrl-C exits 130. Anything else is a bug: one "unexpected error" line says where the traceback
was written, and ``-v`` prints it too. Everything the command prints, and the traceback file,
has every resolved secret blanked (``redacting``, ``structs.redaction``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable

import click

from reconciler.cli.redacting import redacted_streams
from reconciler.structs.errors import ExitCode, ReconcileError
from reconciler.structs.redaction import redact


def guarded(action: Callable[[], int], *, verbose: int = 0) -> None:
    """Run ``action`` and exit with its code, translating errors at one place."""
    with redacted_streams():
        code = _outcome(action, verbose=verbose)
    sys.exit(code)


def _outcome(action: Callable[[], int], *, verbose: int) -> int:
    try:
        code = action()
    except ReconcileError as exc:
        click.echo(f"error: {exc.render()}", err=True)
        code = int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        code = int(ExitCode.INTERRUPTED)
    except click.exceptions.Exit:
        raise
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    except Exception:
        code = _report_unexpected(verbose)
    return code


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
