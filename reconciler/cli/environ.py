"""Every option from the environment (``RECONCILE_<OPTION>``), and shell completion of names.

CI sets ``RECONCILE_ROOT``, ``RECONCILE_ENV``, ``RECONCILE_FORMAT`` once for a job instead of
repeating them on every step. The variable is named after the option's long flag (``--lock-
timeout`` is ``RECONCILE_LOCK_TIMEOUT``), the same for every command, and ``--help`` shows it;
a flag on the command line wins. Click's own ``auto_envvar_prefix`` would name them per
subcommand (``RECONCILE_PLAN_ENV``), so they are set here, when a command is loaded.

Completion is click's (``_RECONCILE_COMPLETE=bash_source reconcile``); environment options
complete the names under ``<root>/environments/``, model options and arguments the manifests
of the environment given (of every environment when none is).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from click.shell_completion import CompletionItem

PREFIX = "RECONCILE_"
ENVIRONMENT_PARAMS = frozenset({"env", "envs", "source", "target"})  # --from/--to of promote
MODEL_PARAMS = frozenset({"targets", "names", "name"})
Complete = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def envvar_name(option: click.Option) -> str:
    """``RECONCILE_`` and the longest flag, upper-cased: ``--lock-timeout`` -> LOCK_TIMEOUT."""
    flag = max((o for o in option.opts if o.startswith("--")), key=len, default=option.opts[0])
    return PREFIX + flag.lstrip("-").replace("-", "_").upper()


def from_environment(command: click.Command) -> click.Command:
    """Give every option of ``command`` (and of its subcommands) its ``RECONCILE_`` variable
    and every name parameter its completion. Idempotent; returns ``command``."""
    for param in command.params:
        if isinstance(param, click.Option) and param.expose_value and param.envvar is None:
            param.envvar = envvar_name(param)
            param.show_envvar = True
        completion = _completion_for(command, param)
        if completion is not None and param._custom_shell_complete is None:
            param._custom_shell_complete = completion
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            from_environment(sub)
    return command


def _completion_for(command: click.Command, param: click.Parameter) -> Complete | None:
    if command.name == "init":  # it names environments and folders that do not exist yet
        return None
    if param.name in MODEL_PARAMS:
        return complete_models
    if param.name in ENVIRONMENT_PARAMS and isinstance(param, click.Option):
        return complete_environments
    return None


def complete_environments(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return [CompletionItem(n) for n in environment_names(_root(ctx)) if n.startswith(incomplete)]


def complete_models(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    root = _root(ctx)
    env = ctx.params.get("env") or ctx.params.get("source")
    envs = [str(env)] if isinstance(env, str) and env else environment_names(root)
    names = sorted({n for e in envs for n in model_names(root, e)})
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def environment_names(root: Path) -> list[str]:
    base = root / "environments"
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "environment.yaml").is_file())


def model_names(root: Path, env: str) -> list[str]:
    """Model names by manifest file (``models/<name>.yaml``, CONTRACT section 2): no YAML is
    parsed while a shell waits."""
    models = root / "environments" / env / "models"
    if not models.is_dir():
        return []
    return sorted(p.stem for p in models.iterdir() if p.suffix in (".yaml", ".yml"))


def _root(ctx: click.Context) -> Path:
    """``--root`` as given so far on the line being completed, else RECONCILE_ROOT, else cwd."""
    here: click.Context | None = ctx
    while here is not None:
        if here.params.get("root"):
            return Path(str(here.params["root"]))
        here = here.parent
    return Path(os.environ.get(PREFIX + "ROOT") or ".")
