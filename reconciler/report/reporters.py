"""One reporter interface: a command builds a value and asks for it in a format, by name.

``render(value, fmt, view)`` picks the text, JSON or markdown reporter registered for the
value's type, so no command branches on the format and a new output is one row here. ``View``
carries what a reader asked to see (colour, whole values, unchanged models) and where the
report comes from (``Stamp``); a reporter uses what it needs and ignores the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.cost.projection import CostProjection
from reconciler.report.annotations import github_annotations, sarif_log
from reconciler.report.apply_result import (
    render_result_markdown,
    render_result_text,
    result_document,
)
from reconciler.report.audit import AuditReport, audit_json, audit_markdown, audit_text
from reconciler.report.changes import fenced
from reconciler.report.cost import render_projection_markdown, render_projection_text
from reconciler.report.drift import render_drift_json, render_drift_markdown, render_drift_text
from reconciler.report.imports import ImportReport, import_json, import_markdown, import_text
from reconciler.report.invocation import InvocationReport, invocation_json, invocation_text
from reconciler.report.plan_json import plan_document, render_json
from reconciler.report.plan_markdown import render_plan_markdown
from reconciler.report.plan_text import TextView, render_plan_text
from reconciler.report.promotions import (
    PromotionReport,
    promotion_json,
    promotion_markdown,
    promotion_text,
)
from reconciler.report.unlock import UnlockReport, unlock_json, unlock_text
from reconciler.report.validation import (
    ValidationReport,
    validation_json,
    validation_markdown,
    validation_text,
)
from reconciler.report.view import View
from reconciler.structs.drift import DriftReport
from reconciler.structs.outcome import Applied
from reconciler.structs.plan import Plan

FORMATS = ("text", "json", "markdown")
ONE_DOCUMENT = frozenset({"json"})  # a command prints one document, not one per step


def one_document(fmt: str) -> bool:
    return fmt in ONE_DOCUMENT


def _text_view(view: View) -> TextView:
    return TextView(colour=view.colour, full=view.full, verbose=view.verbose)


Renderer = Callable[[Any, View], str]


def _plan_json(plan: Plan, _view: View) -> str:
    return render_json(plan_document(plan))


def _applied_json(applied: Applied, _view: View) -> str:
    return render_json(plan_document(applied.plan) | {"result": result_document(applied.result)})


def _plain(function: Callable[[Any], str]) -> Renderer:
    """A reporter that needs nothing from the view."""
    return lambda value, _view: function(value)


REPORTERS: dict[type, dict[str, Renderer]] = {
    Plan: {
        "text": lambda plan, view: render_plan_text(plan, _text_view(view)),
        "json": _plan_json,
        "markdown": lambda plan, view: render_plan_markdown(plan, stamp=view.stamp) + "\n",
    },
    Applied: {
        "text": lambda a, _view: render_result_text(a.plan, a.result),
        "json": _applied_json,
        "markdown": lambda a, _view: render_result_markdown(a.plan, a.result),
    },
    DriftReport: {
        "text": lambda report, view: render_drift_text(report, full=view.full),
        "json": _plain(render_drift_json),
        "markdown": _plain(render_drift_markdown),
    },
    CostProjection: {
        "text": _plain(render_projection_text),
        "json": _plain(lambda p: render_json(p.as_dict())),
        "markdown": _plain(render_projection_markdown),
    },
    ImportReport: {
        "text": _plain(import_text),
        "json": _plain(import_json),
        "markdown": _plain(import_markdown),
    },
    PromotionReport: {
        "text": _plain(promotion_text),
        "json": _plain(promotion_json),
        "markdown": _plain(promotion_markdown),
    },
    AuditReport: {
        "text": _plain(audit_text),
        "json": _plain(audit_json),
        "markdown": _plain(audit_markdown),
    },
    ValidationReport: {
        "text": _plain(validation_text),
        "json": _plain(validation_json),
        "markdown": _plain(validation_markdown),
        "github": _plain(github_annotations),
        "sarif": _plain(sarif_log),
    },
    UnlockReport: {
        "text": _plain(unlock_text),
        "json": _plain(unlock_json),
        "markdown": _plain(unlock_text),
    },
    InvocationReport: {
        "text": lambda i, view: invocation_text(i.doc, view.verbose),
        "json": _plain(lambda i: invocation_json(i.doc)),
        # The model's answer is untrusted text: in a comment it is a code block, never markup.
        "markdown": lambda i, view: (
            "\n".join(fenced(invocation_text(i.doc, view.verbose).splitlines(), "text")) + "\n"
        ),
    },
}


def render(value: object, fmt: str, view: View | None = None) -> str:
    """``value`` in format ``fmt`` (text, json or markdown) by the reporter for its type."""
    for kind in type(value).__mro__:
        if kind in REPORTERS:
            return REPORTERS[kind][fmt](value, view or View())
    raise TypeError(f"no reporter for {type(value).__name__}")
