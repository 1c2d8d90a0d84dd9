"""Options, declared per command: each subcommand attaches only the options it uses.

An option a command would ignore is an error, as click makes it by default (``cost --push``
is "no such option", exit 1), instead of a flag that silently does nothing. Options given to
the group before a subcommand are merged in only where that subcommand declares them too.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from click.core import ParameterSource

from reconciler.gitops.locksettings import DEFAULT_REMOTE
from reconciler.report.view import View
from reconciler.structs.stamp import Stamp

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "markdown")
# The group accepts every format some subcommand does: RECONCILE_FORMAT reaches the group's
# --format as well as the subcommand's, so the group checking the main job's three would
# refuse RECONCILE_FORMAT=sarif before validate ever saw it. The main job and each command
# then hold the format to their own choices (``require_format``).
ANY_FORMAT = (*FORMATS, "github", "sarif")
COLORS = ("auto", "always", "never")


@dataclass(frozen=True)
class CommonOptions:
    """What a command was told; the engine receives this, never click."""

    root: Path
    fmt: str = "text"
    sandbox: bool = False
    prune: bool = False
    commit: bool = False
    push: bool = False
    remote: str = DEFAULT_REMOTE
    yes: bool = False
    verbose: int = 0
    full: bool = False
    color: str = "auto"

    def colour(self, stream: TextIO | None = None, environ: Mapping[str, str] = os.environ) -> bool:
        """Whether to colour ``stream``: ``--color``, then NO_COLOR and TERM=dumb, then a TTY."""
        if self.color != "auto":
            return self.color == "always"
        if environ.get("NO_COLOR") or environ.get("TERM") == "dumb":
            return False
        return (stream or sys.stdout).isatty()

    def view(self, *, stamp: Stamp | None = None) -> View:
        """What the reporters are asked to show on stdout."""
        return View(
            colour=self.colour(sys.stdout),
            full=self.full,
            verbose=self.verbose > 0,
            stamp=stamp,
        )


def _a_remote_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A name git reads as a remote: an empty one would quietly mean the default, one
    starting with "-" would reach ``git push`` and ``git ls-remote`` as an option, and one
    with a space or a control character is none git accepts (and broke the error's line)."""
    if value is not None and (
        not value.strip()
        or value.startswith("-")
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        raise click.BadParameter(
            f"{value!r} is not a git remote's name; give one of 'git remote' (e.g. upstream)"
        )
    return value


_DECLARATIONS: dict[str, Callable[[F], F]] = {
    "root": click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Config repository (default: the current directory).",
    ),
    "fmt": click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format."
    ),
    "any_fmt": click.option(
        "--format",
        "fmt",
        type=click.Choice(ANY_FORMAT),
        default=None,
        help="Output format (github and sarif: validate only).",
    ),
    "sandbox": click.option(
        "--sandbox",
        is_flag=True,
        default=None,
        help="Use an embedded Gateway emulator; its models and the records of runs against "
        "it stay in .reconciler/sandbox/, never committed.",
    ),
    "prune": click.option(
        "--prune",
        is_flag=True,
        default=None,
        help="Allow deleting managed endpoints that are absent from git.",
    ),
    "commit": click.option(
        "--commit", is_flag=True, default=None, help="Commit the state/ files this command writes."
    ),
    "push": click.option(
        "--push", is_flag=True, default=None, help="Push that commit (implies --commit)."
    ),
    "remote": click.option(
        "--remote",
        metavar="NAME",
        default=None,
        callback=_a_remote_name,
        help=f"The git remote that --push pushes to and holds the environment's lease on, and "
        f"that sync follows (default: {DEFAULT_REMOTE}; in a fork's checkout, the shared "
        "repository's remote).",
    ),
    "yes": click.option(
        "--yes", "-y", is_flag=True, default=None, help="Do not ask for confirmation."
    ),
    "verbose": click.option(
        "-v",
        "--verbose",
        count=True,
        help="More output: unchanged models, retries, 429 waits, token refreshes, tracebacks.",
    ),
    "full": click.option(
        "--full", is_flag=True, default=None, help="Show changed values whole, never shortened."
    ),
    "color": click.option(
        "--color",
        type=click.Choice(COLORS),
        default=None,
        help="Colour the terminal output (auto: on a terminal, unless NO_COLOR or TERM=dumb).",
    ),
}
_FIELDS = tuple(k for k in _DECLARATIONS if k != "any_fmt")


def options(*names: str) -> Callable[[F], F]:
    """Attach the named options (keys of ``CommonOptions``) to a command."""
    unknown = set(names) - set(_DECLARATIONS)
    if unknown:
        raise ValueError(f"no such common option: {', '.join(sorted(unknown))}")

    def attach(func: F) -> F:
        for name in reversed(names):
            func = _DECLARATIONS[name](func)
        return func

    return attach


# What every command uses; a command adds the others it means.
common_options = options("root", "fmt", "verbose")
MAIN_JOB = (
    "root",
    "fmt",
    "sandbox",
    "prune",
    "commit",
    "push",
    "remote",
    "yes",
    "verbose",
    "full",
    "color",
)
# The group's own: the main job's, with the --format that lets every command's through.
GROUP = tuple("any_fmt" if o == "fmt" else o for o in MAIN_JOB)


def lock_timeout_option(func: F) -> F:
    """``--lock-timeout``, for the commands that take the environment's lock."""
    return click.option(
        "--lock-timeout",
        "lock_timeout",
        type=click.FloatRange(min=0),
        callback=_a_number,
        default=300.0,
        show_default=True,
        metavar="SECONDS",
        help="How long to wait for another run holding the environment's lock (then exit 5).",
    )(func)


def _a_number(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """NaN passes ``FloatRange(min=0)``, as every comparison with it is false."""
    if math.isnan(value):
        raise click.BadParameter("not a number; give seconds, e.g. 300 (inf waits forever)")
    return value


def build_options(ctx: click.Context, /, **given: Any) -> CommonOptions:
    """Merge options given to a subcommand with those given before it to the group; one the
    subcommand does not declare is a usage error, never silently ignored."""
    root = ctx.find_root()
    # Only what the user typed before the subcommand: a RECONCILE_<OPTION> variable reaches
    # the subcommand's own option as well, and is never a stray flag.
    parent: dict[str, Any] = {
        k: v
        for k, v in (root.params.items() if ctx.parent else ())
        if root.get_parameter_source(k) is ParameterSource.COMMANDLINE
    }
    stray = [k for k in _FIELDS if k not in given and parent.get(k) not in (None, 0, False)]
    if stray:
        flags = ", ".join("--format" if k == "fmt" else f"--{k}" for k in stray)
        raise click.UsageError(f"{flags} does nothing for '{ctx.info_name}'; leave it out")
    merged = {k: given.get(k) if given.get(k) not in (None, 0) else parent.get(k) for k in _FIELDS}
    require_format(ctx, merged["fmt"])
    _refuse_sandbox_writeback(merged)
    _log_to_stderr(bool(merged["verbose"]))
    return CommonOptions(
        root=Path(merged["root"] or Path.cwd()).resolve(),
        fmt=merged["fmt"] or "text",
        sandbox=bool(merged["sandbox"]),
        prune=bool(merged["prune"]),
        commit=bool(merged["commit"] or merged["push"]),
        push=bool(merged["push"]),
        remote=merged["remote"] or DEFAULT_REMOTE,
        yes=bool(merged["yes"]),
        verbose=int(merged["verbose"] or 0),
        full=bool(merged["full"]),
        color=merged["color"] or "auto",
    )


def _refuse_sandbox_writeback(merged: Mapping[str, Any]) -> None:
    """``--sandbox`` with ``--commit``/``--push`` is refused before anything runs: a sandbox
    run's records stay under ``.reconciler/sandbox/`` (``engine.record.place``)."""
    asked = [f"--{k}" for k in ("commit", "push") if merged.get(k)]
    if merged.get("sandbox") and asked:
        raise click.UsageError(
            f"--sandbox cannot go with {' and '.join(asked)}: a --sandbox run's records "
            "describe the emulator, not the Gateway; they stay under .reconciler/sandbox/ and "
            "are never committed. Drop --commit/--push, or point the environment at a "
            "sandbox server with loginBaseUrl/apiBaseUrl to test git write-back; nothing "
            "was changed"
        )


def require_format(ctx: click.Context, fmt: str | None) -> None:
    """A usage error unless ``ctx``'s command takes ``fmt``: the group passes on any format
    (see ``ANY_FORMAT``), so ``reconcile --format sarif plan`` is refused here."""
    if fmt is None:
        return
    param = next((p for p in ctx.command.params if p.name == "fmt"), None)
    choices = (
        param.type.choices
        if param is not None and isinstance(param.type, click.Choice)
        else FORMATS
    )
    if ctx.parent is None:  # the main job itself
        choices = FORMATS
    if fmt not in choices:
        raise click.UsageError(
            f"--format {fmt} is not one of {', '.join(choices)} for '{ctx.info_name}'"
            + ("; github and sarif are formats of reconcile validate" if fmt not in FORMATS else "")
        )


def _log_to_stderr(enabled: bool) -> None:
    """``-v``: the client's retries, 429 waits and token refreshes, one line each on stderr
    (the messages never carry a token or a key). Without it, nothing (also when one process
    runs several commands, as tests do)."""
    logger = logging.getLogger("reconciler")
    if not enabled:
        for handler in [h for h in logger.handlers if isinstance(h, _Stderr)]:
            logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        return
    if not any(isinstance(h, _Stderr) for h in logger.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


class _Stderr(logging.Handler):
    """Writes to whatever ``sys.stderr`` is when a record arrives, not when it was made."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")
