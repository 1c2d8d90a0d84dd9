"""RECONCILE_<OPTION> variables for every option, and shell completion of names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click
from click.shell_completion import BashComplete

from reconciler.cli.main import cli
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, ConfigRepo
from tests.report.harness import reconcile


def every_command(command: click.Command, ctx: click.Context) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from every_command(sub, ctx)


def test_every_option_of_every_command_has_its_variable_in_help() -> None:
    ctx = click.Context(cli)
    checked = 0
    for command in every_command(cli, ctx):
        help_text = command.get_help(click.Context(command, info_name=command.name))
        for param in command.params:
            if not isinstance(param, click.Option) or not param.expose_value:
                continue
            flag = max((o for o in param.opts if o.startswith("--")), key=len)
            expected = "RECONCILE_" + flag[2:].replace("-", "_").upper()
            assert param.envvar == expected, (command.name, flag)
            assert expected in " ".join(help_text.split()), (command.name, flag)
            checked += 1
    assert checked > 80


def test_variables_set_what_the_flags_would(make_config_repo: Any) -> None:
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model")
    done = reconcile(repo, "plan", RECONCILE_ENV=ENV, RECONCILE_FORMAT="json")
    assert done.code == ExitCode.UNREACHABLE  # nothing listens on port 9
    assert json.loads(done.out)["error"]["code"] == "unreachable"
    # A variable meant for the subcommand is no stray group option; the command line wins.
    valid = reconcile(
        repo, "validate", "--format", "text", RECONCILE_ENV=ENV, RECONCILE_FORMAT="json"
    )
    assert valid.code == ExitCode.OK and valid.out.startswith("valid: 0 error(s)")


def test_a_format_only_validate_knows_can_come_from_the_environment(make_config_repo: Any) -> None:
    """RECONCILE_FORMAT=sarif reached the group's own --format too, whose choices are the
    main job's: every command, validate included, failed with "'sarif' is not one of"."""
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model")
    done = reconcile(repo, "validate", RECONCILE_FORMAT="sarif")
    assert done.code == ExitCode.OK, done.err
    assert json.loads(done.out)["version"] == "2.1.0"
    assert reconcile(repo, "validate", RECONCILE_FORMAT="github").code == ExitCode.OK
    # Usage errors: click's exit 2 in process, which the entry point turns into 1.
    main_job = reconcile(repo, "--env", ENV, "--dry-run", RECONCILE_FORMAT="sarif")
    assert main_job.code == 2 and "formats of reconcile validate" in main_job.err
    plan = reconcile(repo, "--format", "sarif", "plan", "--env", ENV)
    assert plan.code == 2 and "for 'plan'" in plan.err


def test_a_lock_timeout_that_is_not_a_number_is_refused(make_config_repo: Any) -> None:
    """NaN passed ``x>=0`` (every comparison with it is false): "waiting up to nans for the
    lock", and then waiting for as long as the lock was held."""
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    for value in ("nan", "-nan"):
        done = reconcile(repo, "plan", "--env", ENV, RECONCILE_LOCK_TIMEOUT=value)
        assert done.code == 2 and "not a number" in done.err, done.err


def completions(args: list[str], incomplete: str) -> list[str]:
    shell = BashComplete(cli, {}, "reconcile", "_RECONCILE_COMPLETE")
    return [c.value for c in shell.get_completions(args, incomplete)]


def test_completion_offers_environments_and_models(make_config_repo: Any) -> None:
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    repo.write_model("alpha-model")
    repo.write_model("beta-model")
    root = ["--root", str(repo.root)]
    assert completions(["plan", *root, "--env"], "") == [ENV]
    assert completions(["apply", *root, "--env", ENV, "--target"], "b") == ["beta-model"]
    assert completions(["invoke", *root, "--env", ENV], "al") == ["alpha-model"]
    assert completions(["promote", *root, "--from"], "st") == [ENV]


def test_init_completes_no_existing_names(make_config_repo: Any) -> None:
    repo: ConfigRepo = make_config_repo("http://127.0.0.1:9")
    assert completions(["init", "--envs"], "st") == []
    assert completions(["validate", "--root", str(repo.root), "--env"], "") == [ENV]
