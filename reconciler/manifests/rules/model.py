"""Model rules about fields the schema cannot judge alone: provider needs, the response schema,
reserved labels and risky generation settings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from reconciler.manifests.document import Document, dotted
from reconciler.manifests.metaschema import is_schema
from reconciler.manifests.quoting import quoted, shown
from reconciler.manifests.refs import REF
from reconciler.manifests.rules.base import Context
from reconciler.structs.manifests import RESERVED_LABEL_PREFIX
from reconciler.structs.problems import Problem, Severity

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_AWS_REGION = re.compile(r"\A[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]\Z")
_CONFIG = ("spec", "configuration")


def provider_rules(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rules ``provider-endpoint``, ``provider-region``, ``provider-temperature``."""
    provider = doc.get(("spec", "provider"))
    creds = doc.get(("spec", "credentials"))
    creds = creds if isinstance(creds, dict) else {}
    if provider == "azure" and not creds.get("endpoint"):
        yield doc.problem(
            ("spec", "credentials"),
            rule="provider-endpoint",
            message="azure needs spec.credentials.endpoint",
            fix="add endpoint: https://<resource>.openai.azure.com",
        )
    if provider == "bedrock" and not creds.get("region"):
        yield doc.problem(
            ("spec", "credentials"),
            rule="provider-region",
            message="bedrock needs spec.credentials.region",
            fix="add region: us-east-1 (the AWS region the model runs in)",
        )
    yield from _endpoint_url(doc, creds.get("endpoint"))
    region = creds.get("region")
    if isinstance(region, str) and not REF.search(region) and not _AWS_REGION.match(region):
        yield doc.problem(
            ("spec", "credentials", "region"),
            rule="provider-region",
            message=f"spec.credentials.region {quoted(region, limit=20)} is not an AWS region",
            fix="use a region name such as us-east-1 or eu-central-1",
        )
    temperature = doc.get((*_CONFIG, "temperature"))
    if provider == "anthropic" and _number(temperature) and temperature > 1:
        yield doc.problem(
            (*_CONFIG, "temperature"),
            rule="provider-temperature",
            message=f"anthropic accepts temperature 0 to 1, got {temperature}",
            fix="use a temperature of at most 1",
        )


def _endpoint_url(doc: Document, endpoint: object) -> Iterable[Problem]:
    if isinstance(endpoint, str) and not endpoint.startswith(("https://", "${")):
        yield doc.problem(
            ("spec", "credentials", "endpoint"),
            rule="provider-endpoint",
            message="spec.credentials.endpoint must be an https:// URL",
            fix="write the provider's https base URL (or a ${VAR} reference)",
        )


def response_schema(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``response-schema``: a valid draft 2020-12 schema of an object with properties."""
    path = ("spec", "responseSchema")
    schema = doc.get(path)
    if not isinstance(schema, dict):
        return
    # The quick verdict first; jsonschema (1.5 ms a schema) only to word what is wrong.
    for error in () if is_schema(schema) else _metaschema().iter_errors(schema):
        where = (*path, *error.absolute_path)
        yield doc.problem(
            where,
            rule="response-schema",
            # jsonschema's message quotes the value it rejects: shown short and masked.
            message=f"{dotted(where)} is not valid JSON Schema: {shown(error.message, limit=160)}",
            fix="see https://json-schema.org/draft/2020-12 for the keyword",
        )
    if schema.get("type") != "object":
        yield doc.problem(
            path,
            rule="response-schema",
            message="spec.responseSchema must have type: object",
            fix="describe the answer as an object with properties",
        )
    if not isinstance(schema.get("properties"), dict) or not schema["properties"]:
        yield doc.problem(
            path,
            rule="response-schema",
            message="spec.responseSchema must list the answer's properties",
            fix="add properties: with one entry per field of the answer",
        )


@cache
def _metaschema() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only to word a failure

    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


def reserved_labels(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``reserved-label``: ``reconcile/`` keys are written by the reconciler only."""
    labels = doc.get(("metadata", "labels"))
    for key in labels if isinstance(labels, dict) else {}:
        if str(key).startswith(RESERVED_LABEL_PREFIX):
            yield doc.problem(
                ("metadata", "labels", key),
                rule="reserved-label",
                message=f"label {quoted(key)} uses the reserved prefix '{RESERVED_LABEL_PREFIX}'",
                fix="choose another key; the reconciler sets these labels itself",
            )


def long_creative_output(doc: Document, ctx: Context) -> Iterable[Problem]:
    """Rule ``temperature-max-tokens`` (warning): high temperature with long completions."""
    temperature = doc.get((*_CONFIG, "temperature"))
    max_tokens = doc.get((*_CONFIG, "maxTokens"))
    if _number(temperature) and _number(max_tokens) and temperature > 0.7 and max_tokens > 4000:
        yield doc.problem(
            (*_CONFIG, "temperature"),
            rule="temperature-max-tokens",
            severity=Severity.WARNING,
            message=f"temperature {temperature} with maxTokens {max_tokens} tends "
            "to produce long, wandering and costly answers",
            fix="lower temperature to 0.7 or less, or maxTokens to 4000 or less",
        )


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
