"""``promptTemplate`` rules: placeholders the Gateway fills, balanced braces, fenced input.

The starting point checked templates with a regex that rejected its own example; this scanner
reads the template the way ``str.format`` does (``{{`` and ``}}`` are literal braces) and
reports the exact line inside a block scalar. Unfenced user input is only a warning: it is the
most common way prompt injection gets in, but some templates are safe without fences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from reconciler.manifests.document import Document
from reconciler.manifests.rules.base import Context
from reconciler.structs.problems import Problem, Severity

PATH = ("spec", "promptTemplate")
KNOWN_PLACEHOLDERS = ("input", "context")
_ESCAPE_FIX = "write {{ and }} for literal braces"
_BRACE = re.compile(r"\{\{|\}\}|[{}]")
_OPENERS = re.compile(r'(```[\w-]*|"""|\'\'\'|---|<([A-Za-z][\w-]*)[^<>]*>)\s*$')


class TemplateError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def scan(template: str) -> Iterator[tuple[str, int]]:
    """Each ``{placeholder}`` with its offset; ``TemplateError`` at a stray brace.

    Jumps from brace to brace (``{{`` and ``}}`` first, as ``str.format`` reads them) instead of
    stepping through every character: templates are mostly prose.
    """
    i = 0
    while (brace := _BRACE.search(template, i)) is not None:
        i = brace.start()
        if len(brace.group()) == 2:
            i += 2
        elif brace.group() == "}":
            raise TemplateError("a '}' closes nothing", i)
        else:
            end = template.find("}", i)
            nested = template.find("{", i + 1)
            if end < 0 or 0 <= nested < end:
                raise TemplateError("a '{' is never closed", i)
            yield template[i + 1 : end], i
            i = end + 1


def placeholders(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rules ``template-braces``, ``template-placeholder``, ``template-input``."""
    template = doc.get(PATH)
    if not isinstance(template, str):
        return []
    found: list[tuple[str, int]] = []
    problems = []
    try:
        found.extend(scan(template))
    except TemplateError as exc:
        return [
            doc.problem(
                PATH,
                rule="template-braces",
                line=doc.line_in(PATH, exc.offset),
                message=f"spec.promptTemplate: unbalanced braces: {exc}",
                fix=_ESCAPE_FIX,
            )
        ]
    known = ", ".join(f"{{{name}}}" for name in KNOWN_PLACEHOLDERS)
    for name, offset in found:
        if name not in KNOWN_PLACEHOLDERS:
            shown = name if len(name) <= 30 else name[:30] + "…"
            problems.append(
                doc.problem(
                    PATH,
                    rule="template-placeholder",
                    line=doc.line_in(PATH, offset),
                    message=f"spec.promptTemplate: unknown placeholder {{{shown}}}",
                    fix=f"use {known}; {_ESCAPE_FIX}",
                )
            )
    if not any(name in KNOWN_PLACEHOLDERS for name, _ in found):
        problems.append(
            doc.problem(
                PATH,
                rule="template-input",
                message="spec.promptTemplate has no {input} or {context}",
                fix="add {input} where the user's text goes",
            )
        )
    return problems


def fencing(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``template-unfenced`` (warning): user text sits between delimiters."""
    template = doc.get(PATH)
    if not isinstance(template, str):
        return []
    try:
        found = list(scan(template))
    except TemplateError:
        return []
    return [
        doc.problem(
            PATH,
            rule="template-unfenced",
            severity=Severity.WARNING,
            line=doc.line_in(PATH, offset),
            message=f"spec.promptTemplate: {{{name}}} is not fenced by delimiters, "
            "so instructions in it read like part of the prompt",
            fix=f'wrap it, e.g. <{name}>{{{name}}}</{name}>, """{{{name}}}""" or ```',
        )
        for name, offset in found
        if name in KNOWN_PLACEHOLDERS and not _fenced(template, offset, len(name) + 2)
    ]


def _fenced(template: str, offset: int, size: int) -> bool:
    opener = _OPENERS.search(template[:offset])
    if opener is None:
        return False
    token, tag = opener.group(1), opener.group(2)
    closer = f"</{tag}>" if tag else token[:3]
    return template[offset + size :].lstrip().startswith(closer)
