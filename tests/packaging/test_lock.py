"""requirements.lock: every runtime dependency of pyproject pinned, with hashes, and nothing else
at the top, so a change to pyproject's dependencies that was not re-locked fails here (offline).

Regenerate with the command in the lock's header (docs/ci-and-supply-chain.md).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"
COMMAND = (
    "uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes"
    " -o requirements.lock"
)
_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?: ; (?P<marker>.+?))? \\$")


def _entries(text: str) -> dict[str, list[dict[str, object]]]:
    """name -> its pins (version, marker, hash count, who it is there for); a universal lock
    pins one package twice when no release serves every Python (numpy: one for 3.11, one for
    3.12 and newer), each under a ``python_full_version`` marker."""
    entries: dict[str, list[dict[str, object]]] = {}
    current: dict[str, object] | None = None
    for line in text.splitlines():
        if m := _ENTRY.match(line):
            current = {"version": Version(m["version"]), "marker": m["marker"], "hashes": 0}
            current["via"] = []
            entries.setdefault(canonicalize_name(m["name"]), []).append(current)
        elif current is not None and line.strip().startswith("--hash=sha256:"):
            current["hashes"] = int(str(current["hashes"])) + 1
        elif current is not None and line.strip().startswith("#"):
            via = line.strip().lstrip("#").strip().removeprefix("via").strip()
            if via:
                current["via"].append(via)  # type: ignore[attr-defined]
    return entries


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"]]


def test_the_lock_says_how_it_was_made() -> None:
    assert COMMAND in LOCK.read_text().splitlines()[1]


def test_every_declared_dependency_is_pinned_within_its_range_with_hashes() -> None:
    entries = _entries(LOCK.read_text())
    for requirement in _declared():
        pins = entries.get(canonicalize_name(requirement.name))
        assert pins, f"{requirement.name} is not in requirements.lock: re-lock"
        for entry in pins:
            assert requirement.specifier.contains(entry["version"], prereleases=True), (
                f"requirements.lock pins {requirement.name}=={entry['version']}, outside "
                f"pyproject's {requirement.specifier}: re-lock"
            )
        if len(pins) == 1:
            assert bool(pins[0]["marker"]) == bool(requirement.marker), requirement
        else:  # one pin per range of Python versions, and only that
            assert all("python_full_version" in str(e["marker"]) for e in pins), requirement
    assert all(int(str(e["hashes"])) >= 1 for pins in entries.values() for e in pins)


def test_nothing_is_pinned_for_pyproject_that_pyproject_no_longer_asks_for() -> None:
    declared = {canonicalize_name(r.name) for r in _declared()}
    direct = {
        name
        for name, pins in _entries(LOCK.read_text()).items()
        for entry in pins
        if "llm-gateway-reconciler (pyproject.toml)" in entry["via"]  # type: ignore[operator]
    }
    assert direct == declared, (direct ^ declared, "re-lock")
