"""The JSON Schemas the package ships, by the short names ``reconcile schema`` takes.

Editors and CI need the schemas of the version they run, not of whatever the repository's main
holds, so they come out of the installed package: the two manifest kinds
(``environment``, ``model-endpoint``) and one per command's ``--format json`` output
(``plan``, ``apply``, ``drift``, ...), named after the command.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from reconciler.structs.errors import ConfigError

_SUFFIX = ".schema.json"


def _folder() -> Traversable:
    return resources.files("reconciler").joinpath("schemas")


def schema_names() -> dict[str, str]:
    """Name -> what it describes, manifests first, then the outputs, each sorted."""
    inputs = {
        f.name.removesuffix(_SUFFIX): "manifest"
        for f in _folder().iterdir()
        if f.name.endswith(_SUFFIX)
    }
    outputs = {
        f.name.removesuffix(_SUFFIX): "output of --format json"
        for f in _folder().joinpath("output").iterdir()
        if f.name.endswith(_SUFFIX)
    }
    return dict(sorted(inputs.items())) | dict(sorted(outputs.items()))


def schema_text(name: str) -> str:
    """The text of the schema called ``name``; a ConfigError naming the choices otherwise."""
    kind = schema_names().get(name)
    if kind is None:
        raise ConfigError(
            f"no schema called {name!r}",
            hint="use one of: " + ", ".join(schema_names()) + " (`reconcile schema` lists them)",
        )
    folder = _folder() if kind == "manifest" else _folder().joinpath("output")
    return folder.joinpath(name + _SUFFIX).read_text(encoding="utf-8")
