"""What a release ships: the wheel carries its license, notices, type marker and schemas, and
its metadata declares every third-party module the package imports."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

from reconciler.guard.scanner import ALL_RULES, COMPACT_RULES

REPO = Path(__file__).resolve().parents[2]
# Import name -> distribution name, where they differ.
DISTRIBUTIONS = {"yaml": "pyyaml", "prometheus_client": "prometheus-client"}
OPTIONAL = {"onnxruntime", "tokenizers", "numpy"}  # the guard-ml extra, imported lazily


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zipped:
        return zipped.namelist()


def test_the_wheel_ships_license_notice_type_marker_and_every_schema(wheel_file: Path) -> None:
    names = _names(wheel_file)
    licenses = {Path(n).name for n in names if "/licenses/" in n}
    assert licenses == {"LICENSE", "NOTICE"}, licenses
    assert "reconciler/py.typed" in names
    shipped = {n.removeprefix("reconciler/schemas/") for n in names if "/schemas/" in n}
    expected = {str(p.relative_to(REPO / "schemas")) for p in (REPO / "schemas").rglob("*.json")}
    assert expected <= shipped, expected - shipped
    assert "output/plan.schema.json" in shipped


def test_the_license_is_the_apache_text_and_the_notice_names_each_shipped_data_source() -> None:
    license_text = (REPO / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    notice = (REPO / "NOTICE").read_text()
    for data in ("pricing.json", "confusables.json", "regions.json", "lexicon"):
        assert f"reconciler/data/{data}" in notice or f"reconciler/guard/{data}" in notice
    assert "Berri AI" in notice and "Unicode License" in notice


def test_the_metadata_has_classifiers_urls_and_the_python_versions_ci_runs(
    wheel_file: Path,
) -> None:
    with zipfile.ZipFile(wheel_file) as zipped:
        [meta] = [n for n in zipped.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(zipped.read(meta).decode())
    classifiers = metadata.get_all("Classifier") or []
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert {u.split(",")[0] for u in metadata.get_all("Project-URL") or []} >= {"Source", "Issues"}
    assert metadata["License-Expression"] == "Apache-2.0"


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "reconciler").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "reconciler"}


def test_every_imported_third_party_module_is_a_declared_dependency(wheel_file: Path) -> None:
    with zipfile.ZipFile(wheel_file) as zipped:
        [meta] = [n for n in zipped.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = Parser().parsestr(zipped.read(meta).decode())
    declared = {Requirement(r).name.lower() for r in metadata.get_all("Requires-Dist") or []}
    imported = {DISTRIBUTIONS.get(m, m).replace("_", "-").lower() for m in _third_party_imports()}
    assert imported - OPTIONAL <= declared, imported - OPTIONAL - declared


def test_no_private_standard_library_module_is_imported() -> None:
    """Neither imported nor loaded by name: a private module's shape changes between Pythons."""
    offenders = []
    for path in (REPO / "reconciler").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
                names = [a.value for a in node.args if isinstance(a, ast.Constant)]
            for name in names:
                parts = name.split(".")
                private = any(p.startswith("_") for p in parts) and parts[0] != "__future__"
                if parts[0] in sys.stdlib_module_names and private:
                    offenders.append(f"{path.relative_to(REPO)}: {name}")
                if parts[0] in ("sre_parse", "sre_constants", "sre_compile"):
                    offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert offenders == []


def test_the_installed_wheel_carries_and_reads_every_phrase_table(
    tmp_path: Path, wheel_bin: Path
) -> None:
    """The guard's rules are data files: a wheel without them would import and find nothing."""
    tables = sorted(p.name for p in (REPO / "reconciler" / "guard" / "phrases").glob("*.json"))
    script = (
        "import reconciler.guard.phrase_tables as t, reconciler.guard.scanner as s;"
        "print(t.__file__); print(len(s.ALL_RULES), len(s.COMPACT_RULES));"
        "print(' '.join(sorted(p.name for p in t.TABLES.glob('*.json'))))"
    )
    done = subprocess.run(
        [str(wheel_bin / "python"), "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    where, counts, shipped = done.stdout.splitlines()
    assert where.startswith(str(wheel_bin.parent)), where  # the wheel's copy, not the tree
    # as many rules as the tree builds (a table left out of the wheel would lower the count)
    assert counts == f"{len(ALL_RULES)} {len(COMPACT_RULES)}"
    assert shipped.split() == tables
