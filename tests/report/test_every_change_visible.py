"""Plans a reviewer can trust: every change is visible in text and markdown, none cut."""

from __future__ import annotations

import re
from typing import Any

from reconciler.structs.errors import ExitCode
from tests.fixtures_engine import ENV, Run
from tests.report.harness import reconcile

WORDS = " ".join(f"word{i}" for i in range(120))
PROMPT = f"You sort support tickets. {WORDS} Answer politely.\n<ticket>{{input}}</ticket>\n"
EDITED = PROMPT.replace("word60", "wordSIXTY")


def applied(run: Run, **spec: Any) -> None:
    run.repo.write_model("support-classifier", promptTemplate=PROMPT, **spec)
    run.repo.write_model("ticket-router")
    assert run() == ExitCode.OK


def test_a_one_word_prompt_edit_is_visible_in_text_and_markdown(run: Run) -> None:
    applied(run)
    run.repo.write_model("support-classifier", promptTemplate=EDITED)
    text = reconcile(run.repo, "--env", ENV, "--dry-run")
    assert text.code == ExitCode.CHANGES_PENDING, text.err
    removed = [line for line in text.out.splitlines() if line.strip().startswith("-")]
    added = [line for line in text.out.splitlines() if line.strip().startswith("+")]
    assert any("word60" in line for line in removed), text.out
    assert any("wordSIXTY" in line for line in added), text.out
    assert not any("word60 " in line for line in added)

    markdown = reconcile(run.repo, "--env", ENV, "--dry-run", "--format", "markdown").out
    block = markdown.split("```diff", 1)[1].split("```", 1)[0]
    assert "@@ promptTemplate @@" in block
    assert re.search(r"^-.*\bword60\b", block, re.M) and re.search(r"^\+.*wordSIXTY", block, re.M)
    assert markdown.index("<details>") < markdown.index("```diff")


def test_noops_collapse_to_a_count_unless_verbose(run: Run) -> None:
    applied(run)
    run.repo.write_model("support-classifier", promptTemplate=EDITED)
    quiet = reconcile(run.repo, "--env", ENV, "--dry-run").out
    assert "1 unchanged (-v lists them)" in quiet and "ticket-router" not in quiet
    loud = reconcile(run.repo, "--env", ENV, "--dry-run", "-v").out
    assert "= ticket-router (noop)" in loud


def test_full_prints_values_whole(run: Run) -> None:
    applied(run)
    run.repo.write_model("support-classifier", promptTemplate=EDITED)
    short = reconcile(run.repo, "--env", ENV, "--dry-run").out
    full = reconcile(run.repo, "--env", ENV, "--dry-run", "--full").out
    assert "word0" not in short, "without --full only the changed lines and context"
    assert "word0" in full and "word119 Answer" in full and "<ticket>{input}</ticket>" in full


def test_markdown_warns_of_deletes_and_replaces_and_ends_with_commit_run_and_time(
    run: Run,
) -> None:
    applied(run)
    run.repo.write_environment(policy={"prune": True, "maxParallel": 4, "requestsPerMinute": 6000})
    run.repo.remove_model("ticket-router")
    run.repo.write_model(
        "support-classifier",
        promptTemplate=PROMPT,
        provider="anthropic",
        modelId="claude-3-5-haiku-20241022",
        credentials={"apiKey": "${ANTHROPIC_API_KEY}"},
    )
    actions = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/gateway-config",
        "GITHUB_RUN_ID": "4242",
    }
    md = reconcile(
        run.repo, "--env", ENV, "--dry-run", "--prune", "--format", "markdown", **actions
    )
    assert md.code == ExitCode.CHANGES_PENDING, md.err
    warning = md.out.split("> [!WARNING]", 1)[1].split("\n\n", 1)[0]
    assert "`ticket-router` is deleted" in warning
    assert "`support-classifier` is replaced" in warning
    assert md.out.index("> [!WARNING]") < md.out.index("| | model |")
    last = md.out.strip().splitlines()[-1]
    assert "https://github.com/acme/gateway-config/actions/runs/4242" in last
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", last)
    assert "uncommitted tree" in last or "commit `" in last
