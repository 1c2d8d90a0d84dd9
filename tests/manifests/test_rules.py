"""Rules that the example files cannot show alone: context, secrecy, template details."""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest

from reconciler.manifests import validate_environments
from reconciler.manifests.rules import ENVIRONMENT_RULES, MODEL_RULES
from reconciler.manifests.rules.secrets import find_secret, may_hold_secret
from reconciler.manifests.rules.template import TemplateError, scan
from reconciler.structs.problems import Severity
from tests.fixtures_manifests import EXAMPLE_ENV, EXAMPLES

INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))


def test_unpriced_model_is_only_a_warning_without_a_budget(shipped_config: Path) -> None:
    model = shipped_config / "environments" / "dev" / "models" / "reply-drafter.yaml"
    model.write_text(model.read_text().replace("claude-sonnet-4-5-20250929", "claude-next-1"))
    problems = validate_environments(shipped_config, ["dev"])
    assert {(p.rule, p.severity) for p in problems} == {
        ("model-unknown", Severity.WARNING),
        ("price-missing", Severity.WARNING),
    }


def test_negotiated_price_makes_an_unknown_model_acceptable_under_budget(
    shipped_config: Path,
) -> None:
    model = shipped_config / "environments" / "prod" / "models" / "reply-drafter.yaml"
    text = model.read_text().replace("claude-haiku-4-5-20251001", "claude-next-1")
    model.write_text(text + "  pricing: {inputUsdPer1M: 1, outputUsdPer1M: 5}\n")
    problems = validate_environments(shipped_config, ["prod"])
    assert [(p.rule, p.severity) for p in problems] == [("model-unknown", Severity.WARNING)]


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_no_message_repeats_a_pasted_secret(
    case: Path, example_env: Callable[[Path], Path]
) -> None:
    raw = case.read_bytes().decode("utf-8", errors="replace")
    found = find_secret(raw)
    problems = validate_environments(example_env(case), [EXAMPLE_ENV])
    rendered = "\n".join(p.render() for p in problems)
    if found is not None:
        secret = found[1].group()
        assert secret[:5] not in rendered


def test_random_keys_are_caught_but_prose_and_ids_are_not() -> None:
    assert find_secret(f"token {secrets.token_hex(16)}") is not None
    assert find_secret("ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlMDAwMDAw") is not None
    assert find_secret("-----BEGIN RSA PRIVATE KEY-----") is not None
    missed = sum(find_secret(secrets.token_urlsafe(32)) is None for _ in range(200))
    assert missed < 20
    for harmless in (
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "https://contoso-support-prod-swc.openai.azure.com/openai/deployments/gpt-4o",
        "CustomerSupportTicketClassifierV2Production",
        "${PROD_OPENAI_API_KEY}",
        "You are a careful assistant that classifies customer support tickets.",
    ):
        assert find_secret(harmless) is None, harmless


def test_template_scanner_understands_escapes() -> None:
    text = 'JSON {{"a": {{"b": 1}}}} then {input}'
    assert list(scan(text)) == [("input", text.index("{input}"))]
    with pytest.raises(TemplateError) as info:
        list(scan("open { never closed"))
    assert info.value.offset == 5


def _scan_like_str_format(template: str) -> list[tuple[str, int]] | int:
    """The reference reading, one character at a time: placeholders, or the bad brace's offset."""
    found, i = [], 0
    while i < len(template):
        if template[i : i + 2] in ("{{", "}}"):
            i += 2
        elif template[i] == "{":
            end, nested = template.find("}", i), template.find("{", i + 1)
            if end < 0 or 0 <= nested < end:
                return i
            found.append((template[i + 1 : end], i))
            i = end + 1
        elif template[i] == "}":
            return i
        else:
            i += 1
    return found


def test_template_scanner_reads_braces_as_the_reference_does() -> None:
    rng = random.Random(5)
    for _ in range(3_000):
        text = "".join(rng.choice("{}{}ab \n") for _ in range(rng.randint(0, 14)))
        try:
            got: list[tuple[str, int]] | int = list(scan(text))
        except TemplateError as exc:
            got = exc.offset
        assert got == _scan_like_str_format(text), text


@pytest.mark.parametrize(
    "template",
    [
        '"""{input}"""',
        "'''\n{input}\n'''",
        "```text\n{input}\n```",
        "---\n{input}\n---",
        '<ticket id="1">\n{input}\n</ticket>',
    ],
)
def test_fenced_input_is_not_warned(shipped_config: Path, template: str) -> None:
    _set_template(shipped_config, template)
    assert validate_environments(shipped_config, ["dev"]) == []


@pytest.mark.parametrize("template", ["Ticket: {input}", "<a>{input}</b>", '"{input}"'])
def test_unfenced_input_is_warned(shipped_config: Path, template: str) -> None:
    _set_template(shipped_config, template)
    problems = validate_environments(shipped_config, ["dev"])
    assert [(p.rule, p.severity) for p in problems] == [("template-unfenced", Severity.WARNING)]


def test_rules_are_listed_in_one_place() -> None:
    names = {rule.__name__ for rule in MODEL_RULES + ENVIRONMENT_RULES}
    assert {"literal_secrets", "credential_refs", "placeholders", "fencing"} <= names
    assert len(MODEL_RULES) == len(set(MODEL_RULES))


def _set_template(root: Path, template: str) -> None:
    path = root / "environments" / "dev" / "models" / "support-classifier.yaml"
    text = path.read_text()
    start = text.index("  promptTemplate: |")
    end = text.index("  responseSchema:")
    block = "  promptTemplate: |\n" + "".join(f"    {line}\n" for line in template.splitlines())
    path.write_text(text[:start] + block + text[end:])
    assert re.search(r"\{input\}", path.read_text())


def test_a_template_repeated_in_another_file_is_reported_there_too(
    example_env: Callable[[Path], Path],
) -> None:
    """The lint is remembered by text; each file still gets its own finding and line."""
    root = example_env(EXAMPLES / "invalid" / "template-injection.yaml")
    models = root / "environments" / EXAMPLE_ENV / "models"
    text = (models / "template-injection.yaml").read_text()
    copy = text.replace("name: template-injection}", "name: template-injection-2}")
    (models / "template-injection-2.yaml").write_text("# a copy\n\n" + copy)
    found = [
        (p.file.rsplit("/", 1)[-1], p.line)
        for p in validate_environments(root, [EXAMPLE_ENV])
        if p.rule == "template-injection"
    ]
    assert found == [("template-injection-2.yaml", 10), ("template-injection.yaml", 8)]


def test_the_whole_file_look_misses_no_secret_a_string_would_show() -> None:
    """``may_hold_secret`` on a file's text is False only when every string is clean."""
    rng = random.Random(20261202)
    pieces = [
        "sk-ant-api03-" + secrets.token_urlsafe(24),
        "sk-proj-" + secrets.token_urlsafe(20),
        "AKIA" + "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", k=16)),
        "ABSK" + secrets.token_urlsafe(20),
        secrets.token_hex(16),
        "ghp_" + secrets.token_hex(16),
        "xoxb-" + secrets.token_hex(6),
        "-----BEGIN RSA PRIVATE KEY-----",
        secrets.token_urlsafe(32),
        "${OPENAI_API_KEY}",
        "${" + "A" * 40 + "}",
        "https://contoso-support-dev-eastus.openai.azure.com",
        "claude-sonnet-4-5-20250929",
        " ",
        "\n",
        "é",
        "/",
        "=",
        "-",
        ":",
        "Classify the ticket",
    ]
    caught = 0
    for _ in range(3000):
        strings = ["".join(rng.choices(pieces, k=rng.randint(1, 4))) for _ in range(3)]
        strings = [s[rng.randint(0, 3) :] for s in strings]  # cut into the pieces too
        if any(find_secret(s) is not None for s in strings):
            caught += 1
            assert may_hold_secret("\n".join(strings)), strings
    assert caught > 1000
