"""Check one environment folder completely: every file, every rule, every problem.

Nothing stops at the first error: a file that cannot be parsed is one problem and the others
are still checked, so a pull request shows its whole list at once. Cross-file rules (file
names, duplicate names, ``policy.protected``) are here because they need the whole folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.manifests.document import Document
from reconciler.manifests.quoting import quoted
from reconciler.manifests.reading import (
    FileRejected,
    not_regular,
    not_regular_problem,
    read_text,
)
from reconciler.manifests.rules import ENVIRONMENT_RULES, MODEL_RULES, Context, Rule
from reconciler.manifests.rules.secrets import remember_referenced
from reconciler.manifests.schemas import ENVIRONMENT_SCHEMA, MODEL_SCHEMA, schema_problems
from reconciler.manifests.yamltree import parse_yaml
from reconciler.structs.paths import MANIFEST_SUFFIXES, OUTSIDE_HINT, escapes, outside_message
from reconciler.structs.problems import Problem, Severity

ENVIRONMENT_FILE = "environment.yaml"
MODELS_DIR = "models"


@dataclass
class Checked:
    """The parsed documents of one environment and everything found wrong with them."""

    environment: Document | None = None
    models: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_environment(root: Path, env: str) -> Checked:
    """Parse and check ``environments/<env>/`` under ``root``."""
    folder = root / "environments" / env
    out = Checked()
    out.environment = _document(root, folder / ENVIRONMENT_FILE, out.problems)
    context = Context(environment=env)
    if out.environment is not None:
        env_doc = out.environment
        context = Context(environment=env, has_budget=bool(env_doc.get(("spec", "budget"))))
        _check(env_doc, schema=ENVIRONMENT_SCHEMA, rules=ENVIRONMENT_RULES, ctx=context, into=out)
        _expect_name(env_doc, env, what="the folder name", into=out.problems)
    files = model_files(folder)
    # Resolved once for this pass (not cached beyond it: a folder may be relinked later).
    real_models = (folder / MODELS_DIR).resolve() if files else None
    for path in files:
        model = _document(root, path, out.problems, real_parent=real_models)
        if model is None:
            continue
        out.models.append(model)
        _check(model, schema=MODEL_SCHEMA, rules=MODEL_RULES, ctx=context, into=out)
        _expect_name(model, _stem(path), what="the file name", into=out.problems)
    out.problems.extend(_duplicate_names(out.models))
    out.problems.extend(_unknown_protected(out.environment, out.models))
    return out


def model_files(folder: Path) -> list[Path]:
    """The model manifests of an environment folder, sorted."""
    models = folder / MODELS_DIR
    if not models.is_dir():
        return []
    # Every entry with a manifest's suffix, whatever it is: one that is not a regular file (a
    # FIFO, a looping symlink) is reported by ``_document``, never skipped in silence.
    return sorted(p for p in models.iterdir() if p.suffix in MANIFEST_SUFFIXES)


def _document(
    root: Path, path: Path, problems: list[Problem], *, real_parent: Path | None = None
) -> Document | None:
    source = _relative(root, path)
    what = not_regular(path)
    if what is not None:
        problems.append(not_regular_problem(path, what, source=source))
        return None
    target = escapes(root, path, real_parent=real_parent)
    if target is not None:
        problems.append(
            Problem(
                Severity.ERROR,
                source,
                None,
                "path-outside-root",
                outside_message(root, path, target),
                OUTSIDE_HINT,
            )
        )
        return None
    if not path.is_file():
        problems.append(
            Problem(
                Severity.ERROR,
                source,
                None,
                "file-missing",
                "the file does not exist",
                "create it (see CONTRACT section 3)",
            )
        )
        return None
    try:
        return parse_yaml(read_text(path, source=source), source=source)
    except FileRejected as exc:
        problems.append(exc.problem)
        return None


def _check(
    doc: Document, *, schema: str, rules: tuple[Rule, ...], ctx: Context, into: Checked
) -> None:
    if not isinstance(doc.data, dict):
        into.problems.append(
            doc.problem(
                (),
                rule="schema-type",
                message="the file must hold a mapping (apiVersion, kind, metadata, spec)",
                fix="start from an example in environments/",
            )
        )
        return
    remember_referenced(doc, os.environ)
    into.problems.extend(schema_problems(doc, schema=schema))
    for rule in rules:
        into.problems.extend(rule(doc, ctx))
    doc.forget_strings()


def _expect_name(doc: Document, expected: str, *, what: str, into: list[Problem]) -> None:
    name = doc.get(("metadata", "name"))
    if isinstance(name, str) and name != expected:
        into.append(
            doc.problem(
                ("metadata", "name"),
                rule="name-mismatch",
                message=f"metadata.name {quoted(name)} differs from {what} {quoted(expected)}",
                fix="rename the file or change metadata.name so that they match",
            )
        )


def _duplicate_names(models: list[Document]) -> list[Problem]:
    seen: dict[str, Document] = {}
    out = []
    for doc in models:
        name = doc.get(("metadata", "name"))
        if not isinstance(name, str):
            continue
        if name in seen:
            out.append(
                doc.problem(
                    ("metadata", "name"),
                    rule="duplicate-name",
                    message=f"model {quoted(name)} is also defined in {seen[name].source}",
                    fix="names are unique per environment; rename or remove one",
                )
            )
        seen.setdefault(name, doc)
    return out


def _unknown_protected(env: Document | None, models: list[Document]) -> list[Problem]:
    protected = env.get(("spec", "policy", "protected")) if env else None
    if env is None or not isinstance(protected, list):
        return []
    names = {doc.get(("metadata", "name")) for doc in models}
    return [
        env.problem(
            ("spec", "policy", "protected", i),
            rule="protected-unknown",
            severity=Severity.WARNING,
            message=f"protected model {quoted(name)} has no manifest in this environment",
            fix="fix the spelling or remove it from policy.protected",
        )
        for i, name in enumerate(protected)
        if name not in names
    ]


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0]


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
