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
    if same(old, new):
        return ()  # most models of a plan are in sync; deepdiff costs 3 ms to say so
    return deep_changes(old, new)


def deep_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """``field_changes`` without the equality shortcut: deepdiff's report, typed."""
    # Imported here: deepdiff brings numpy (0.2 s), and a plan of models in sync needs neither.
    from deepdiff import DeepDiff  # noqa: PLC0415

    # threshold_to_diff_deeper=0: never report a whole mapping as changed because few of its
    # keys are shared (an empty "before" would otherwise hide every field of a create).
    tree = DeepDiff(dict(old), dict(new), view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    paths: set[Path] = set()
    for report in _REPORTS:
        for level in tree.get(report, ()):
            if not _same_number(level.t1, level.t2):
                paths.add(_up_to_list(tuple(level.path(output_format="list"))))
    from deepdiff.helper import NotPresent  # noqa: PLC0415

    found = [change(p, _at(old, p, NotPresent), _at(new, p, NotPresent)) for p in paths]
    return tuple(sorted(found, key=lambda c: [str(k) for k in c.path]))


def same(old: Any, new: Any) -> bool:
    """Equal as this module compares: ``1`` is ``1.0``, ``true`` is not ``1``, key order and
    nothing else is ignored. When this says equal, deepdiff reports nothing that counts."""
    if old is new and type(old) in (dict, list):
        return True  # a live value shared with the desired one (``normalize.shared_with``)
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return old.keys() == new.keys() and all(same(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(map(same, old, new))
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return _same_number(old, new)
    return type(old) is type(new) and bool(old == new)


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


def _at(document: Any, path: Path, absent: type) -> Any:
    for key in path:
        if not isinstance(document, Mapping) or key not in document:
            return None
        document = document[key]
    return None if isinstance(document, absent) else document
