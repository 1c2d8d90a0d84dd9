"""Markers that find our comments and issues again, and bodies that fit GitHub's limits.

GitHub rejects a comment or issue body over 65,536 characters, and a plan for many endpoints
can exceed that. Cutting blindly would leave an open ``<details>`` or code fence that swallows
the rest of the page, so the cut falls on a line boundary, every open block is closed, and a
note says what happened and where the full report is. The summary is on top of every report,
so truncating from the bottom keeps what a reviewer reads first.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.structs.redaction import redact

GITHUB_BODY_LIMIT = 65_536
COMMENT_CAP = 65_000
STEP_SUMMARY_CAP = 1_000_000
TRUNCATED_NOTE = (
    "> [!NOTE]\n> This report was truncated to fit GitHub's {limit:,}-character limit "
    "({shown:,} of {total:,} lines shown). The full report is in the workflow run's job summary "
    "and log."
)


def comment_marker(env: str) -> str:
    """The hidden first line of the one plan comment per environment on a pull request."""
    return f"<!-- reconcile:plan:{env} -->"


def drift_marker(env: str) -> str:
    """The hidden first line of the one open drift issue per environment."""
    return f"<!-- reconcile:drift:{env} -->"


@dataclass(frozen=True)
class _State:
    length: int
    fence: str | None
    details: int

    def closers(self) -> str:
        parts = ([self.fence] if self.fence else []) + ["</details>"] * self.details
        return "".join(f"\n{p}" for p in parts)


def fit_body(text: str, *, cap: int = COMMENT_CAP) -> str:
    """``text`` itself if it fits in ``cap`` characters, else its head, closed, with a note;
    every body posted or summarised passes here, so here remembered secrets are blanked."""
    text = redact(text)
    if len(text) <= cap:
        return text
    lines = text.split("\n")
    budget = cap - len(_note(shown=len(lines), total=len(lines)))
    states = _states(lines)
    # Lengths only grow, so the last k that fits with its closers is the longest head.
    keep = max(
        (k for k, s in enumerate(states) if s.length + len(s.closers()) <= budget), default=0
    )
    # A first line longer than the cap is cut mid-line: better than an empty comment.
    head = "\n".join(lines[:keep]) if keep else lines[0][: max(budget, 0)]
    return head + states[keep].closers() + _note(shown=keep, total=len(lines))


def _note(*, shown: int, total: int) -> str:
    return "\n\n" + TRUNCATED_NOTE.format(limit=GITHUB_BODY_LIMIT, shown=shown, total=total)


def _states(lines: list[str]) -> list[_State]:
    """The state after keeping the first k lines, for every k (index k)."""
    out = [_State(0, None, 0)]
    length, fence, details = -1, None, 0
    for line in lines:
        length += len(line) + 1
        stripped = line.strip()
        if fence is not None:
            fence = (
                None if stripped.startswith(fence) and not stripped[len(fence) :].strip() else fence
            )
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[: len(stripped) - len(stripped.lstrip(stripped[0]))]
        else:
            details += stripped.count("<details") - stripped.count("</details>")
            details = max(details, 0)
        out.append(_State(length, fence, details))
    return out
