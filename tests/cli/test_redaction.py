"""The one redaction point: a remembered secret is blanked from whatever the CLI prints or
writes, however it got there (an error message, a hint, a crash, a commit message)."""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import click
import pytest
import yaml

from reconciler.cli.boundary import guarded
from reconciler.gitops.audit import AuditLog
from reconciler.gitops.chain import verify_log
from reconciler.gitops.snapshot import write_snapshot
from reconciler.structs.errors import ConfigError
from reconciler.structs.redaction import MASK, forget_all, redact, redact_value, remember

CANARY = "correct-horse-battery-staple-4711"


@pytest.fixture(autouse=True)
def remembered() -> Iterator[None]:
    remember(CANARY)
    yield
    forget_all()


def test_redact_blanks_every_remembered_value_longest_first() -> None:
    remember(CANARY + "-extended")
    remember("short")  # too short to blank without mangling ordinary words
    assert redact(f"a {CANARY}-extended b {CANARY} short") == f"a {MASK} b {MASK} short"
    assert redact_value({CANARY: [CANARY, 3, None]}) == {MASK: [MASK, 3, None]}


def test_two_secrets_used_as_property_names_both_stay_in_the_record() -> None:
    other = "tr0ub4dor-and-3-more-words"
    remember(other)
    tags = {CANARY: "a", other: "b", MASK: "c", "plain": "d"}
    assert redact_value({"tags": tags}) == {
        "tags": {MASK: "a", f"{MASK} (2)": "b", f"{MASK} (3)": "c", "plain": "d"}
    }


def test_everything_the_boundary_prints_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    def action() -> int:
        click.echo(f"stdout {CANARY}")
        print(f"stderr {CANARY}", file=sys.stderr)
        raise ConfigError(f"bad value {CANARY}", hint=f"hint {CANARY}")

    with pytest.raises(SystemExit) as done:
        guarded(action)
    out = capsys.readouterr()
    assert done.value.code == 1
    assert CANARY not in out.out + out.err
    assert out.out == f"stdout {MASK}\n" and f"bad value {MASK}" in out.err


def test_a_crash_log_is_redacted_too(capsys: pytest.CaptureFixture[str]) -> None:
    def action() -> int:
        raise RuntimeError(f"a bug holding {CANARY}")

    with pytest.raises(SystemExit):
        guarded(action, verbose=1)
    err = capsys.readouterr().err
    log = Path(re.search(r"traceback written to (\S+?)\)", err).group(1))  # type: ignore[union-attr]
    text = log.read_text(encoding="utf-8")
    log.unlink()
    assert f"a bug holding {MASK}" in text and CANARY not in text + err


def test_state_files_get_the_redacted_value_and_the_chain_still_verifies(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "state" / "staging" / "audit.jsonl")
    log.append(
        environment="staging",
        action="MODEL_CREATED",
        model="m",
        model_id=f"id-{CANARY}",
        payload_hash="0" * 64,
        actor=CANARY,
        git_commit=None,
        correlation_id="run-1",
        result="ACTIVE",
    )
    write_snapshot(
        tmp_path, "staging", models=[{"name": "m", "description": CANARY}], git_commit=None
    )
    written = "".join(p.read_text() for p in (tmp_path / "state" / "staging").iterdir())
    assert CANARY not in written and MASK in written
    assert verify_log(log.path).ok


ODD = "sk-\"q\\é%2F&=+ ü<b>|'x"


def _encodings(value: str) -> list[str]:
    once = json.dumps(value)[1:-1]
    dumped = [
        yaml.safe_dump(value, default_style='"', allow_unicode=u, width=10**6).strip()[1:-1]
        for u in (True, False)
    ]
    return [
        value,
        once,
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(once)[1:-1],
        *dumped,
        value.replace("'", "''"),
        quote(value, safe=""),
        re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), quote(value, safe="")),
        quote_plus(value),
        html.escape(value),
        value.replace("|", "\\|"),
    ]


def test_every_encoding_of_a_secret_is_blanked() -> None:
    remember(ODD)
    for form in _encodings(ODD):
        assert redact(f"<{form}>") == f"<{MASK}>", form


def test_reporters_redact_the_structure_before_serialising_keys_and_wrapped_lines() -> None:
    from reconciler.report.changes import diff_lines, inline
    from reconciler.structs.diffs import DiffOp, FieldChange

    remember(ODD)
    long_text = "word " * 19 + ODD + " tail"  # the secret straddles the 100-column wrap
    change = FieldChange(DiffOp.CHANGE, ("description",), old="short", new=long_text)
    shown = "\n".join(diff_lines(change, full=True))
    schema = {"properties": {ODD: {"description": ODD}}}
    rendered = [shown, inline(schema, full=True), inline({ODD: 1}, limit=12)]
    for text in rendered:
        assert not any(piece in text for piece in ("sk-", "q\\", "ü<b>")), text
    assert MASK in shown and inline(schema, full=True).count(MASK) == 2
