"""Names and values from manifests and the live Gateway are shown, never rendered.

The plan is a pull-request comment and drift the nightly issue: a live endpoint's name (which
nothing validates) or a label key with a newline, a backtick, ``|``, ``</details>``, an
``<img onerror>`` or an ``@mention`` broke the table, ended its code span or the fold, and
rendered HTML and notified people in the bot's comment. Each report here is rendered as
CommonMark with GFM tables (markdown-it-py) and its structure checked, not its text.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reconciler.report.invocation import InvocationReport
from reconciler.report.markdown import code, text
from reconciler.report.reporters import render
from reconciler.structs.display import listed, visible
from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, KEYS, Run, default_client
from tests.report.harness import reconcile

HOSTILE_NAME = (
    "</details> @octocat <img src=x onerror=alert(1)> | pipe | `tick` #99\n\n# H1"
    "\n::error file=a::x"
)
HOSTILE_TEXT = (
    "</summary></details>\n\n@octocat #123 <img src=x onerror=alert(1)> | x | y |\n```\n\u202eevil"
)
HOSTILE_KEY = "@evil | <b>k</b>"
HOSTILE_LABEL = "</details>@octocat|`x`"
HOSTILE_ID = "gpt-x</details><img src=x onerror=alert(1)>@octocat|a|"
ZERO_WIDTH = "a\u200b\u200d\ufeffb"
OUR_HTML = re.compile(r"(<details><summary>[A-Za-z ]+</summary>|</details>|<sub>|</sub>)")
REFERENCE = re.compile(r"@[A-Za-z0-9]|#\d|GH-\d")
HEADINGS = re.compile(r"(reconcile (plan|drift): |Changed outside git$|Changes from git$)")

# what GitHub links in plain text by itself
LINKED = re.compile(r"https?://|www\.|@[0-9a-f]{7}|\w@\w")


def _tokens(markdown: str) -> list[Token]:
    flat: list[Token] = []
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        flat += [token, *(token.children or [])]
    return flat


def assert_inert(markdown: str) -> list[Token]:
    """Only the report's own HTML and headings; no mention or issue link in text; every table
    row as wide as its header. Returns the tokens for more checks."""
    tokens = _tokens(markdown)
    html = [t.content.strip() for t in tokens if t.type in ("html_block", "html_inline")]
    assert all(OUR_HTML.fullmatch(h) for h in html), html
    assert sum(h.startswith("<details>") for h in html) == html.count("</details>"), html
    texts = [t.content for t in tokens if t.type == "text"]
    assert not [t for t in texts if REFERENCE.search(t)], texts
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(HEADINGS.match(h) for h in headings), headings
    width = 0
    for token in tokens:
        if token.type == "thead_open":
            width = 0
        if token.type == "tr_open":
            cells = 0
        if token.type in ("th_open", "td_open"):
            cells += 1
        if token.type == "tr_close":
            width = width or cells
            assert cells == width
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in rows), rows
    return tokens


def _code_spans(tokens: list[Token]) -> list[str]:
    return [t.content for t in tokens if t.type == "code_inline"]


def _hostile_live(run: Run, sandbox: Any) -> None:
    """support-classifier applied, then changed outside git; an unmanaged endpoint beside it
    whose name the Gateway took as it is (the sandbox's own check is bypassed, as a Gateway
    that does not check would)."""
    run.repo.write_model("support-classifier")
    assert run() == ExitCode.OK
    with default_client(sandbox) as client:
        live = next(iter(client.list_models()))
        other = client.create_model({**_body(live), "name": "to-rename"})
    records = sandbox.app.store._records
    fields = records[live["id"]].fields
    fields["description"] = HOSTILE_TEXT
    fields["labels"] = {**fields["labels"], "team": HOSTILE_LABEL, HOSTILE_KEY: "v"}
    unmanaged = records[other["id"]].fields
    unmanaged["name"], unmanaged["labels"] = HOSTILE_NAME, {}


def _body(live: dict[str, Any]) -> dict[str, Any]:
    keep = ("provider", "modelId", "configuration", "promptTemplate")
    credentials = {"apiKey": KEYS["OPENAI_API_KEY"]}
    return {k: live[k] for k in keep if k in live} | {"labels": {}, "credentials": credentials}


def test_live_names_keys_and_values_stay_inert_in_plan_and_drift(run: Run, sandbox: Any) -> None:
    _hostile_live(run, sandbox)
    for args in (("--env", ENV, "--dry-run"), ("drift", "--env", ENV)):
        done = reconcile(run.repo, *args, "--format", "markdown")
        assert done.code == ExitCode.CHANGES_PENDING, done.err
        spans = _code_spans(assert_inert(done.out))
        assert visible(HOSTILE_NAME) in spans, spans
        assert any(visible(f"labels.{HOSTILE_KEY}") in span for span in spans), spans
        assert "\u202e" not in done.out and "\\u202E" in done.out


def test_text_reports_keep_each_live_name_on_its_line(run: Run, sandbox: Any) -> None:
    _hostile_live(run, sandbox)
    for args in (("--env", ENV, "--dry-run"), ("drift", "--env", ENV)):
        out = reconcile(run.repo, *args).out
        assert visible(HOSTILE_NAME) in out
        assert not [line for line in out.splitlines() if line.startswith(("# H1", "::"))], out
        assert "\u202e" not in out


def test_warnings_are_text_not_markup(run: Run) -> None:
    run.repo.write_model("support-classifier", modelId=HOSTILE_ID)
    plan = reconcile(run.repo, "--env", ENV, "--dry-run", "--format", "markdown")
    assert "Warnings" in plan.out
    assert_inert(plan.out)
    validated = reconcile(run.repo, "validate", "--env", ENV, "--format", "markdown")
    assert "model-unknown" in validated.out
    tokens = assert_inert(validated.out)
    assert any("gpt-x</details><img src=x onerror=alert(1)>" in t.content for t in tokens)


def test_created_and_updated_labels_escape_the_same_characters(run: Run) -> None:
    """One label and one description with zero-width characters, on a model created and on
    one updated: all four show the same escapes (the created label's YAML escaped U+FEFF only,
    the updated one's JSON none)."""
    run.repo.write_model("support-classifier")
    assert run() == ExitCode.OK
    for name in ("support-classifier", "ticket-router"):
        path = run.repo.write_model(name, description=ZERO_WIDTH)
        labelled = path.read_text().replace(
            "team: support", f"team: support\n    zw: '{ZERO_WIDTH}'"
        )
        path.write_text(labelled)
    for fmt in ("text", "markdown"):
        out = reconcile(run.repo, "--env", ENV, "--dry-run", "--format", fmt).out
        assert not re.search("[\u200b\u200d\ufeff]", out), out
        assert out.count("a\\u200B\\u200D\\uFEFFb") == 4, out


@pytest.mark.parametrize(
    "value", ["plain", "`tick`", "a``b", "x|y", "a\\|b", "@octocat #1", "</details>", "` `"]
)
def test_a_code_span_shows_its_value_whole_in_a_table_and_outside(value: str) -> None:
    table = assert_inert(f"| a | b |\n|---|---|\n| {code(value)} | {text(value)} |\n")
    assert _code_spans(table)[0] == value
    assert _code_spans(_tokens(code(value, table=False)))[0] == value


def test_a_models_answer_is_a_code_block_in_markdown() -> None:
    answer = {"a": "x\n````\n</details><img src=x onerror=alert(1)>\n@octocat #1"}
    doc = {
        "guard": {"blocked": False, "flagged": False, "reasons": [], "score": 0.0},
        "result": answer,
        "usage": {"promptTokens": 1, "completionTokens": 2},
        "costUsd": None,
        "latencyMs": 3,
        "requestId": "r",
    }
    tokens = assert_inert(render(InvocationReport(doc), "markdown"))
    assert [t.type for t in tokens if t.type in ("fence", "paragraph_open")] == ["fence"]


@pytest.mark.parametrize(
    "value",
    [
        "sign in again at https://evil.example/login",
        "see www.evil.example today",
        "tracked in https://github.com/o/r/issues/1",
        "fixed by o/r@abcdef1",
        "write to boss@evil.example",
    ],
)
def test_text_puts_what_github_would_link_in_a_code_span(value: str) -> None:
    """GitHub links a URL, an e-mail address and owner/repo@sha in plain text by itself (and
    cross-references the issue a URL names): a review found them live in text()."""
    tokens = _tokens(text(value))
    assert not [t for t in tokens if t.type == "text" and LINKED.search(t.content)], tokens
    assert len(_code_spans(tokens)) == 1


def test_a_refusals_list_of_file_names_shows_each_escaped_and_counts_the_rest() -> None:
    names = ["clear\x1b[2J.yaml", "snapshot.json\u200b", "##[error]x", "plain.yaml", "more.yaml"]
    assert listed(names, 4) == (
        "clear\\u001B[2J.yaml, snapshot.json\\u200B, ##\\u005Berror]x, plain.yaml and 1 more"
    )
    assert listed(names[:1], 5) == "clear\\u001B[2J.yaml"
