"""The single error boundary: every command runs through ``guarded``.

Expected failures (``ReconcileError``) print their message and exit with their code.
Ctrl-C exits 130. Anything else is a bug: one "unexpected error" line says where the traceback
was written, and ``-v`` prints it too.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from reconciler.structs.errors import ExitCode, ReconcileError


def guarded(action: Callable[[], int], *, verbose: int = 0) -> None:
    """Run ``action`` and exit with its code, translating errors at one place."""
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
    except Exception:
        code = _report_unexpected(verbose)
    sys.exit(code)


def _report_unexpected(verbose: int) -> int:
    text = traceback.format_exc()
    log = Path(tempfile.gettempdir()) / f"reconcile-crash-{time.strftime('%Y%m%dT%H%M%S')}.log"
    try:
        log.write_text(text, encoding="utf-8")
        where = f"traceback written to {log}"
    except OSError:
        where = "traceback could not be written"
    click.echo(
        f"error: an unexpected error occurred ({where}); please report it with that file", err=True
    )
    if verbose:
        click.echo(text, err=True)
    return int(ExitCode.INVALID)
