"""A live endpoint's name that is a workflow command stays inert in every text report: the
Actions runner obeys '::cmd::' after leading spaces and the legacy '##[cmd]' anywhere in a
line of a log (actions/runner ActionCommand). Found by a review; values from the Gateway are
validated by nothing."""

from __future__ import annotations

import re
from typing import Any

from tests.fixtures_engine import ENV, Run, default_client
from tests.report.harness import reconcile
from tests.report.test_hostile_markdown import _body

NAMES = ["::error title=pwn::modern-form", "x ##[error]legacy-form ##[add-mask]x"]
MODERN = re.compile(r"^\s*::[a-z-]+")
LEGACY = re.compile(r"##\[[a-z-]+")


def test_a_workflow_command_in_a_live_name_is_written_inert(run: Run, sandbox: Any) -> None:
    run.repo.write_model("support-classifier")
    assert run() == 0
    with default_client(sandbox) as client:
        live = next(iter(client.list_models()))
        made = [client.create_model({**_body(live), "name": f"tmp-{i}"}) for i in range(2)]
    for m, name in zip(made, NAMES, strict=True):
        sandbox.app.store._records[m["id"]].fields["name"] = name
    found = []
    reports = (
        ("--env", ENV, "--dry-run"),
        ("drift", "--env", ENV),
        ("--env", ENV, "--dry-run", "--format", "github"),
    )
    for args in reports:
        done = reconcile(run.repo, *args)
        for line in (done.out + done.err).splitlines():
            if MODERN.match(line) or LEGACY.search(line):
                found.append((args[-1], line))
    assert not found, found
    assert "##\\u005Berror]legacy-form" in reconcile(run.repo, "drift", "--env", ENV).out
