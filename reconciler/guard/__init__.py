"""Input guard: screen end-user text for prompt injection before it reaches a model.

The guard never rewrites the meaning of the text. It builds separate detection views
(normalised, de-obfuscated, decoded), matches phrase families in English, German, French and
Spanish, and returns a verdict with a score and the reasons. The only change to what is sent
is the removal of NUL and other control characters.
"""

from reconciler.guard.policy import GuardPolicy, Verdict
from reconciler.guard.scanner import scan
from reconciler.guard.template_lint import lint_template

__all__ = ["GuardPolicy", "Verdict", "lint_template", "scan"]
