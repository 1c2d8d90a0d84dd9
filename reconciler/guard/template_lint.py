"""Lint a prompt template: injection phrases in it, and where it puts the user's input.

A template is the model's instructions with an ``{input}`` slot. Two things go wrong: the
template itself carries an injection phrase (copied from an example, or planted), or the slot
sits where user text can close the instructions, so that what the user types after their
question reads as more instructions. The lint returns messages that say what to change.
"""

from __future__ import annotations

import re

from reconciler.guard.policy import GuardPolicy
from reconciler.guard.scanner import scan

_PLACEHOLDER = re.compile(r"\{\{?\s*input\s*\}\}?")
_OPEN_TAG = re.compile(r"<([A-Za-z][\w-]*)[^<>/]*>")
_FENCES = ('"""', "'''", "```")
_WORD = re.compile(r"[^\W\d_]{2,}")


def lint_template(template: str) -> list[str]:
    """Return human-readable problems with ``template``; empty when it looks sound."""
    problems = _injection_phrases(template)
    slot = _PLACEHOLDER.search(template)
    if slot is None:
        return problems
    before, after = template[: slot.start()], template[slot.end() :]
    problems += _placement(before, after)
    return problems


def _injection_phrases(template: str) -> list[str]:
    verdict = scan(_PLACEHOLDER.sub(" ", template), GuardPolicy(mode="flag", model=False))
    if not verdict.flagged:
        return []
    found = "; ".join(verdict.reasons[:3])
    return [f"the template itself contains prompt-injection phrases ({found}); remove them"]


def _placement(before: str, after: str) -> list[str]:
    problems: list[str] = []
    if not _WORD.search(before) and _WORD.search(after):
        problems.append(
            "{input} comes before the instructions, so the user's text can frame or override"
            " them; put the instructions first and the input after them, fenced"
        )
    if not after.strip():
        problems.append(
            "{input} is the last thing in the template with no fence after it, so anything the"
            " user appends reads as instructions; wrap it in a delimiter (<input>...</input> or"
            ' """...""") and restate the task after it'
        )
    unclosed = _unclosed(before, after)
    if unclosed:
        problems.append(
            f"{{input}} sits inside {unclosed} that the template never closes, so the user can"
            " close it and continue with instructions; close it after {input}"
        )
    return problems


def _unclosed(before: str, after: str) -> str | None:
    """Describe the quote, fence or tag open at the placeholder and not closed after it."""
    for fence in _FENCES:
        if before.count(fence) % 2 == 1 and fence not in after:
            return f"an open {fence} fence"
    unmatched = [m.group(1) for m in _OPEN_TAG.finditer(before) if f"</{m.group(1)}>" not in before]
    for tag in reversed(unmatched):
        if f"</{tag}>" not in after:
            return f"an open <{tag}> tag"
    stripped = before
    for fence in _FENCES:
        stripped = stripped.replace(fence, "")
    if stripped.count('"') % 2 == 1 and '"' not in after:
        return "an open double quote"
    return None
