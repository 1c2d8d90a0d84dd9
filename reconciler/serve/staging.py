"""A candidate manifest checked in the context of its whole environment, off the work tree.

The environment folder of the served branch's tip is read from git into a temporary root,
the candidate is written there, and the very checks of ``reconcile validate`` run on it, so a
request sees exactly the problems a pull request with that file would. Nothing of the served
checkout is read or written (its uncommitted edits are not what a branch would contain).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reconciler.engine.plan.manifest_text import render_manifest
from reconciler.manifests.checking import MODELS_DIR, Checked, check_environment
from reconciler.manifests.loader import loaded_from
from reconciler.serve.branches import Served, file_at, read_folder
from reconciler.serve.payload import name_of
from reconciler.structs.manifests import LoadedEnvironment
from reconciler.structs.problems import Problem, Severity, errors_in


@dataclass(frozen=True)
class Candidate:
    """The candidate's file, the environment around it, and what the checks found."""

    env: str
    name: str
    base: str
    path: str  # of the manifest, relative to the repository's top folder
    text: str
    previous: str | None
    root: Path  # the temporary config root holding the candidate
    checked: Checked = field(repr=False)

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems

    @property
    def errors(self) -> list[Problem]:
        return errors_in(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def changed(self) -> bool:
        """Whether the content differs (a file written in another style but equal is not)."""
        if self.previous is None:
            return True
        try:
            return bool(yaml.safe_load(self.previous) != yaml.safe_load(self.text))
        except yaml.YAMLError:
            return True

    def load(self) -> LoadedEnvironment:
        return loaded_from(self.checked, self.root)


@contextmanager
def staged(
    served: Served, env: str, document: dict[str, Any], *, base: str | None = None
) -> Iterator[Candidate]:
    """Stage ``document`` as ``environments/<env>/models/<name>.yaml`` on ``base`` (by
    default the branch's tip)."""
    name = name_of(document)
    base = base or served.tip()
    folder = served.path("environments", env)
    path = f"{folder}/{MODELS_DIR}/{name}.yaml"
    previous = file_at(served, base, path)
    text = render_manifest(document, previous=previous)
    with tempfile.TemporaryDirectory(prefix="reconcile-serve-") as temp:
        top = Path(temp)
        read_folder(served, base, folder, top)
        root = top / Path(folder).parent.parent
        target = top / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        checked = check_environment(root, env)
        yield Candidate(env, name, base, path, text, previous, root, checked)
