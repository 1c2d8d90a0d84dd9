"""``reconcile init``: the files of a team's own config repository.

A team keeps its manifests in a repository of its own and pins a version of this tool, so the
scaffold is everything such a repository needs on day one: one environment folder per
environment with an example model, the JSON Schemas (editors complete offline through the
manifests' modelines), a pre-commit hook, and GitHub workflows that call this tool's reusable
workflows at the pinned version. The file texts are templates shipped as package data; this
package only fills them in and writes them, refusing to overwrite without ``force``.
"""

from reconciler.scaffold.layout import DEFAULT_ENVS, ScaffoldRequest, scaffold_files, write_scaffold
from reconciler.scaffold.workflows import ToolSource, caller_workflows

__all__ = [
    "DEFAULT_ENVS",
    "ScaffoldRequest",
    "ToolSource",
    "caller_workflows",
    "scaffold_files",
    "write_scaffold",
]
