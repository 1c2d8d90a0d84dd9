"""What ``reconcile import`` wrote, as text, JSON (``formatVersion: 1``) and markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reconciler.report.markdown import code, text
from reconciler.structs.redaction import redacted_json

UNMANAGED = (
    "unmanaged: add label reconcile/managed-by: reconcile to the live endpoint "
    "to let reconcile manage it"
)


class Imported(Protocol):
    """One file import wrote (``engine.importer.Imported``; reporters never import the engine)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def variable(self) -> str: ...
    @property
    def managed(self) -> bool: ...
    @property
    def overwritten(self) -> bool: ...


@dataclass(frozen=True)
class ImportReport:
    environment: str
    root: Path
    written: Sequence[Imported]
    warnings: Sequence[str] = ()

    def rel(self, item: Imported) -> str:
        return item.path.relative_to(self.root).as_posix()


def import_text(report: ImportReport) -> str:
    """Warnings go to stderr (the CLI writes them); this is what was written."""
    lines = []
    for item in report.written:
        note = "" if item.managed else f" ({UNMANAGED})"
        lines.append(f"wrote {report.rel(item)}: set ${{{item.variable}}} to its API key{note}")
    lines.append(f"{len(report.written)} manifest(s) written")
    return "\n".join(lines) + "\n"


def import_json(report: ImportReport) -> str:
    doc = {
        "formatVersion": 1,
        "environment": report.environment,
        "written": [
            {
                "name": item.name,
                "path": report.rel(item),
                "variable": item.variable,
                "managed": item.managed,
                "overwritten": item.overwritten,
            }
            for item in report.written
        ],
        "warnings": list(report.warnings),
    }
    return redacted_json(doc, indent=2) + "\n"


def import_markdown(report: ImportReport) -> str:
    into = code(report.environment, table=False)
    lines = [f"**Imported {len(report.written)} manifest(s) into {into}.**", ""]
    for item in report.written:
        verb = "overwrote" if item.overwritten else "wrote"
        note = "" if item.managed else f" ({UNMANAGED})"
        path, ref = code(report.rel(item), table=False), code(f"${{{item.variable}}}", table=False)
        lines.append(f"- {verb} {path}: set {ref}{note}")
    if report.warnings:
        lines += ["", "Skipped:", *(f"- {text(w)}" for w in report.warnings)]
    return "\n".join(lines) + "\n"
