"""Rules ``template-injection`` and ``template-input-placement``: the guard reads the template.

A template that itself carries an injection phrase is an error (it would instruct the model on
every call); input placed where user text can close the instructions is a warning, because it
is a design choice some teams make knowingly. Placement warnings are skipped when the input is
not fenced at all: ``template-unfenced`` already says so.

The lint is a pure function of the template's text, and a repository repeats its templates
(promotion copies a spec to every environment), so each distinct text is linted once per
process: the guard's scan was a fifth of a validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from reconciler.guard import lint_template
from reconciler.manifests.document import Document
from reconciler.manifests.rules.base import Context
from reconciler.manifests.rules.template import fencing
from reconciler.structs.problems import Problem, Severity

PATH = ("spec", "promptTemplate")


def injection_lint(doc: Document, ctx: Context) -> Iterable[Problem]:
    template = doc.get(PATH)
    if not isinstance(template, str):
        return []
    problems = []
    already_unfenced = bool(list(fencing(doc, ctx)))
    for message in _lint(template):
        phrase = "injection phrases" in message
        if not phrase and already_unfenced:
            continue  # ``template-unfenced`` has said it; one warning per cause
        problems.append(
            doc.problem(
                PATH,
                rule="template-injection" if phrase else "template-input-placement",
                severity=Severity.ERROR if phrase else Severity.WARNING,
                message=f"spec.promptTemplate: {message}",
                fix="rewrite the template as the message says"
                if phrase
                else "move {input} inside a closed delimiter after the instructions",
            )
        )
    return problems


@lru_cache(maxsize=4_096)
def _lint(template: str) -> tuple[str, ...]:
    """``lint_template``'s messages, remembered by text (bounded: a hostile repository of
    distinct templates costs only the scans it would have cost anyway)."""
    return tuple(lint_template(template))
