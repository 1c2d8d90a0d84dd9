"""The lazy command table: ``--help`` imports only click and the table, and the table's one-line
help is each command's own (so a docstring change cannot leave a stale listing)."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from reconciler.cli.main import COMMANDS, cli

# What ``reconcile --help`` may import besides the standard library and click.
HELP_ALLOWED = {
    "reconciler",
    "reconciler.cli",
    "reconciler.cli.main",
    "reconciler.cli.lazy",
    "reconciler.cli.options",
    "reconciler.cli.boundary",
    "reconciler.cli.redacting",  # the boundary's redacting streams: standard library only
    "reconciler.cli.environ",  # RECONCILE_<OPTION> variables and completion: click only
    "reconciler.report",  # a docstring
    "reconciler.gitops",  # a docstring
    "reconciler.gitops.locksettings",  # --remote's default (figures, a dataclass; no git)
    "reconciler.report.view",  # what a reader asked to see (options build it): a dataclass
    "reconciler.structs.stamp",  # a dataclass
    "reconciler.structs",
    "reconciler.structs.errors",
    "reconciler.structs.redaction",
}

_PROBE = """
import json, sys
before = set(sys.modules)
sys.argv = ["reconcile", *json.loads(sys.argv[1])]
try:
    from reconciler.cli.main import main
    main()
except SystemExit:
    pass
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _imported_by(*args: str) -> set[str]:
    """Modules a fresh interpreter imports to run ``reconcile ARGS``."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _third_party(modules: set[str]) -> set[str]:
    stdlib = sys.stdlib_module_names
    return {
        m
        for m in modules
        if m.split(".")[0] not in stdlib
        and m.split(".")[0] != "click"
        and not m.startswith("__editable__")
        and not m.startswith("_")
    }


def test_help_imports_only_click_and_the_command_table() -> None:
    extra = _third_party(_imported_by("--help")) - HELP_ALLOWED
    assert not extra, f"reconcile --help imports {sorted(extra)}"


def test_a_subcommand_loads_its_own_module_and_not_the_others() -> None:
    imported = _imported_by("validate", "--help")
    assert "reconciler.cli.validate" in imported
    others = {entry.target.partition(":")[0] for entry in COMMANDS} - {"reconciler.cli.validate"}
    assert not imported & others
    assert "requests" not in imported and "git" not in imported


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda entry: entry.name)
def test_table_help_is_the_commands_own(entry: object) -> None:
    command = entry.load()  # type: ignore[attr-defined]
    assert command.name == entry.name  # type: ignore[attr-defined]
    assert entry.short_help == command.get_short_help_str(limit=10_000)  # type: ignore[attr-defined]


def test_help_lists_every_command_as_click_would() -> None:
    listed = CliRunner().invoke(cli, ["--help"]).output
    eager = click.Group(name="reconcile", commands=[entry.load() for entry in COMMANDS])
    with click.Context(eager, info_name="reconcile", terminal_width=80) as ctx:
        formatter = ctx.make_formatter()
        eager.format_commands(ctx, formatter)
    assert formatter.getvalue() in listed


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output
