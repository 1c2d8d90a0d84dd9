"""A click group whose subcommands are imported only when one of them runs.

Each subcommand pulls in its own world (requests, git, jsonschema, the sandbox server,
the guard's phrase tables); importing them all to print ``--help`` or to run ``validate`` cost
0.6 s of CPU per process, paid by every CI step. The group therefore knows its subcommands as
``Lazy`` entries (where the command lives and its one-line help) and imports a module only when
click asks for that command. ``tests/cli/test_lazy.py`` holds the entries' help to the
commands' own docstrings, and ``reconcile --help``'s imports to an allow-list.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class Lazy:
    """A subcommand not imported yet: ``target`` is ``"package.module:attribute"``."""

    name: str
    target: str
    short_help: str

    def load(self) -> click.Command:
        """Import the module and return the click command it exports."""
        command = load(self.target)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


def load(target: str) -> Any:
    """The object named by ``"package.module:attribute"``, importing its module now."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


class LazyGroup(click.Group):
    """A ``click.Group`` listing ``Lazy`` entries by name and help, loading one on demand."""

    def __init__(
        self,
        *args: Any,
        lazy: Sequence[Lazy] = (),
        on_load: Callable[[click.Command], click.Command] = lambda command: command,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = {entry.name: entry for entry in lazy}
        self.on_load = on_load  # what every subcommand gets when it is loaded

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.on_load(self.lazy[cmd_name].load()), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's own listing, with the short help taken from the entries (no imports)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self._short_help(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str, limit: int) -> str:
        if name in self.commands or name not in self.lazy:
            command = super().get_command(ctx, name)
            return command.get_short_help_str(limit) if command else ""
        # A bare command holding the help gives click's own truncation, without the import.
        return click.Command(name, help=self.lazy[name].short_help).get_short_help_str(limit)
