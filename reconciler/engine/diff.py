"""Field-level differences between two normalised documents, computed by deepdiff.

deepdiff finds every changed leaf of nested ``configuration``, ``responseSchema`` and
``labels`` exactly; this module only turns its report into typed ``FieldChange`` values.
Lists are one value to a reviewer (a JSON Schema's ``required`` or ``enum``), so a change
inside a list is reported as a change of the whole list. ``1`` and ``1.0`` are the same
number (YAML and JSON disagree on them); ``true`` and ``1`` are not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deepdiff import DeepDiff
from deepdiff.helper import NotPresent

from reconciler.structs.diffs import FieldChange, Path, change

_REPORTS = (
    "values_changed",
    "type_changes",
    "dictionary_item_added",
    "dictionary_item_removed",
    "iterable_item_added",
    "iterable_item_removed",
)


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """Every value that differs, sorted by path; ``None`` stands for an absent value."""
    # threshold_to_diff_deeper=0: never report a whole mapping as changed because few of its
    # keys are shared (an empty "before" would otherwise hide every field of a create).
    tree = DeepDiff(dict(old), dict(new), view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    paths: set[Path] = set()
    for report in _REPORTS:
        for level in tree.get(report, ()):
            if not _same_number(level.t1, level.t2):
                paths.add(_up_to_list(tuple(level.path(output_format="list"))))
    found = [change(p, _at(old, p), _at(new, p)) for p in paths]
    return tuple(sorted(found, key=lambda c: [str(k) for k in c.path]))


def _same_number(old: Any, new: Any) -> bool:
    """deepdiff's own numeric option also equates ``true`` with ``1``, so it is not used."""
    numbers = (int, float)
    if isinstance(old, bool) or isinstance(new, bool):
        return False
    return isinstance(old, numbers) and isinstance(new, numbers) and float(old) == float(new)


def _up_to_list(path: Path) -> Path:
    """The path of the outermost list a change is inside of, or the path itself."""
    for index, key in enumerate(path):
        if isinstance(key, int):
            return path[:index]
    return path


def _at(document: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(document, Mapping) or key not in document:
            return None
        document = document[key]
    return None if isinstance(document, NotPresent) else document
