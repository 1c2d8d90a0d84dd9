"""Options shared by every command, parsed once into a typed value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class CommonOptions:
    """What every command may be told; the engine receives this, never click."""

    root: Path
    fmt: str = "text"
    sandbox: bool = False
    prune: bool = False
    commit: bool = False
    push: bool = False
    yes: bool = False
    verbose: int = 0


def common_options(func: F) -> F:
    """Attach the common options of CONTRACT section 4 to a command."""
    decorators = [
        click.option(
            "--root",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Config repository (default: the current directory).",
        ),
        click.option(
            "--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format."
        ),
        click.option(
            "--sandbox",
            is_flag=True,
            default=None,
            help="Run against an embedded Gateway emulator (state in .reconciler/sandbox/).",
        ),
        click.option(
            "--prune",
            is_flag=True,
            default=None,
            help="Allow deleting managed endpoints that are absent from git.",
        ),
        click.option(
            "--commit",
            is_flag=True,
            default=None,
            help="Commit the state/ files this command writes.",
        ),
        click.option(
            "--push", is_flag=True, default=None, help="Push that commit (implies --commit)."
        ),
        click.option(
            "--yes", "-y", is_flag=True, default=None, help="Do not ask for confirmation."
        ),
        click.option("-v", "--verbose", count=True, help="More output; -v shows tracebacks."),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def build_options(ctx: click.Context, /, **given: Any) -> CommonOptions:
    """Merge options given to a subcommand with those given before it to the group."""
    parent: dict[str, Any] = dict(ctx.find_root().params) if ctx.parent else {}
    merged = {
        k: given.get(k) if given.get(k) not in (None, 0) else parent.get(k)
        for k in ("root", "fmt", "sandbox", "prune", "commit", "push", "yes", "verbose")
    }
    root = merged["root"] or Path.cwd()
    return CommonOptions(
        root=Path(root).resolve(),
        fmt=merged["fmt"] or "text",
        sandbox=bool(merged["sandbox"]),
        prune=bool(merged["prune"]),
        commit=bool(merged["commit"] or merged["push"]),
        push=bool(merged["push"]),
        yes=bool(merged["yes"]),
        verbose=int(merged["verbose"] or 0),
    )
