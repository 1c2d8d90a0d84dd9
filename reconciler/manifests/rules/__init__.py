"""Every validation rule beyond the JSON Schema, listed in one place.

A rule is a function ``(document, context) -> problems``; it must tolerate documents that
failed the schema (it is run anyway, so one pass reports everything). To add a rule, write
the function in a module here and append it to the list of its kind; cross-file rules (names
unique per environment, ``policy.protected``) live in ``reconciler.manifests.checking``.
"""

from __future__ import annotations

from reconciler.manifests.rules import catalogue, environment, injection, model, secrets, template
from reconciler.manifests.rules.base import Context, Rule

MODEL_RULES: tuple[Rule, ...] = (
    secrets.literal_secrets,
    secrets.credential_refs,
    secrets.misplaced_refs,
    template.placeholders,
    template.fencing,
    injection.injection_lint,
    model.response_schema,
    model.provider_rules,
    model.reserved_labels,
    model.long_creative_output,
    catalogue.output_limit,
    catalogue.priced,
    catalogue.usage_declared,
)

ENVIRONMENT_RULES: tuple[Rule, ...] = (
    secrets.literal_secrets,
    secrets.credential_refs,
    secrets.misplaced_refs,
    environment.base_urls,
)

__all__ = ["ENVIRONMENT_RULES", "MODEL_RULES", "Context", "Rule"]
