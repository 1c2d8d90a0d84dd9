"""`reconcile promote --from ENV --to ENV [NAME...]`: copy model specs between environments.

Text output is the unified diff of every changed file followed by a field-level summary;
``--dry-run`` writes nothing and exits 2 when something would change (0 when nothing would),
like the main job's dry run.
"""

from __future__ import annotations

import json
import re
from typing import Any

import click

from reconciler.cli.boundary import guarded
from reconciler.cli.options import (
    CommonOptions,
    build_options,
    common_options,
    lock_timeout_option,
)
from reconciler.engine.promote import Promotion, run_promote
from reconciler.structs.diffs import FieldChange
from reconciler.structs.errors import ExitCode


@click.command("promote")
@click.option("--from", "source", required=True, metavar="ENV")
@click.option("--to", "target", required=True, metavar="ENV")
@click.option("--dry-run", is_flag=True, help="Show the diff; write nothing; exit 2 if any.")
@click.option(
    "--keep-refs",
    is_flag=True,
    help="For models new to the target, copy ${VAR} references that do not start with "
    "the source's prefix unchanged instead of refusing.",
)
@click.argument("names", nargs=-1)
@lock_timeout_option
@common_options
@click.pass_context
def promote(
    ctx: click.Context,
    /,
    *,
    source: str,
    target: str,
    dry_run: bool,
    keep_refs: bool,
    names: tuple[str, ...],
    lock_timeout: float,
    **given: Any,
) -> None:
    """Copy model specs; the target keeps its credentials refs, labels, usage, pricing, guard."""
    options = build_options(ctx, **given)
    guarded(
        lambda: _run(
            source,
            target,
            names,
            options,
            dry_run=dry_run,
            keep_refs=keep_refs,
            lock_timeout=lock_timeout,
        ),
        verbose=options.verbose,
    )


def _run(
    source: str,
    target: str,
    names: tuple[str, ...],
    options: CommonOptions,
    *,
    dry_run: bool,
    keep_refs: bool,
    lock_timeout: float,
) -> int:
    done = run_promote(
        options.root,
        source_env=source,
        target_env=target,
        names=names,
        dry_run=dry_run,
        keep_refs=keep_refs,
        lock_timeout=lock_timeout,
    )
    changed = [p for p in done if p.diff]
    if options.fmt == "json":
        click.echo(_as_json(done, options, source=source, target=target, dry_run=dry_run))
    elif options.fmt == "markdown":
        click.echo(_as_markdown(done, source=source, target=target, dry_run=dry_run), nl=False)
    else:
        for item in changed:
            click.echo(item.diff, nl=False)
        for item in changed:
            click.echo(_summary(item), nl=False)
        verb = "would change" if dry_run else "changed"
        click.echo(f"{len(changed)} of {len(done)} manifest(s) {verb} in '{target}'")
    return int(ExitCode.CHANGES_PENDING if dry_run and changed else ExitCode.OK)


def _summary(item: Promotion) -> str:
    head = "new in the target" if item.created else f"{len(item.changes)} field(s) changed"
    lines = [f"{item.name}: {head}"]
    if not item.created:
        lines += [f"  {c.dotted}: {_show(c.old)} -> {_show(c.new)}" for c in item.changes]
    lines += [f"  note: {note}" for note in item.notes]
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, str) and "\n" in value:
        return f"({value.count(chr(10)) + 1} lines of text)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _as_json(
    done: list[Promotion], options: CommonOptions, *, source: str, target: str, dry_run: bool
) -> str:
    report = {
        "formatVersion": 1,
        "from": source,
        "to": target,
        "dryRun": dry_run,
        "models": [
            {
                "name": p.name,
                "path": p.path.relative_to(options.root).as_posix(),
                "changed": bool(p.diff),
                "created": p.created,
                "changes": [c.as_dict() for c in p.changes],
                "notes": list(p.notes),
                "diff": p.diff,
            }
            for p in done
        ],
    }
    return json.dumps(report, indent=2, ensure_ascii=False)


def _as_markdown(done: list[Promotion], *, source: str, target: str, dry_run: bool) -> str:
    changed = [p for p in done if p.diff]
    verb = "would change" if dry_run else "changed"
    out = [
        f"**Promote `{source}` → `{target}`: {len(changed)} of {len(done)} manifest(s) {verb}.**"
    ]
    for item in changed:
        fence = "`" * max(3, _longest_backtick_run(item.diff) + 1)
        out += ["", "<details>", f"<summary>{_md_summary(item)}</summary>", ""]
        out += [f"- `{c.dotted}`: {_show(c.old)} → {_show(c.new)}" for c in _fields(item)]
        out += [f"- note: {note}" for note in item.notes]
        out += ["", f"{fence}diff", item.diff.rstrip("\n"), fence, "", "</details>"]
    return "\n".join(out) + "\n"


def _md_summary(item: Promotion) -> str:
    what = "new" if item.created else f"{len(item.changes)} field(s)"
    return f"<code>{item.name}</code>: {what}"


def _fields(item: Promotion) -> tuple[FieldChange, ...]:
    return () if item.created else item.changes


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
