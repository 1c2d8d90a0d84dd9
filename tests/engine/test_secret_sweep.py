"""Canary sweep: every command, every format, every file and commit, no secret value anywhere.

The environment's OAuth client and the models' keys are canaries, and one model repeats the
client secret in its description: a value no pattern can recognise as a secret, in a field
validation has no reason to refuse. Another model's key holds quotes, a backslash, non-ASCII
and URL-special characters, and appears in its description, in a label value and as a property
name of its response schema (a mapping key): JSON, YAML, URL and markdown each escape it
differently, and every one of those forms is looked for. Only the redaction point stands
between them and the PR comment, the snapshot, the commit and the sandbox's state file, so this
test shows that point is on every path: stdout and stderr of each command in text, JSON and
markdown (with ``-v``), the files under the repository and every object of its git history, and
the state file of the sandbox the commands talked to.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import yaml
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.sandbox import ClientSpec, SandboxServer, SystemClock
from reconciler.structs.errors import ExitCode
from reconciler.structs.redaction import forget_all
from tests.fixtures_engine import ENV, ConfigRepo
from tests.fixtures_gitops import configure, git

CLIENT_ID = "canary-client-id-51c7e2d9"
CLIENT_SECRET = 'canary-client-secret-"0b8f\\3a6d é%41&x=y+z'
API_KEY = "sk-canary-sweep-3e9a7c1d5b2f8064aa"
ODD_KEY = 'sk-"q\\é%2F&=+ ü<b>|7d41'
CANARIES = (CLIENT_ID, CLIENT_SECRET, API_KEY, ODD_KEY)


def encodings(canary: str) -> set[str]:
    """Every form a canary may take on the way out: raw, JSON-escaped (ASCII or not, and
    twice, as a JSON string inside JSON), YAML-escaped, URL-encoded, HTML-escaped."""
    once = json.dumps(canary)[1:-1]
    forms = {canary, once, json.dumps(canary, ensure_ascii=False)[1:-1], json.dumps(once)[1:-1]}
    for unicode in (True, False):
        dumped = yaml.safe_dump(canary, default_style='"', allow_unicode=unicode, width=10**6)
        forms.add(dumped.strip()[1:-1])
    forms |= {quote(canary, safe=""), quote(canary), quote_plus(canary), canary.replace("'", "''")}
    forms |= {canary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}
    return forms


@pytest.fixture(autouse=True)
def fresh_redaction() -> Iterator[None]:
    forget_all()
    yield
    forget_all()


def _repo(server: SandboxServer, make_config_repo: Callable[[str], ConfigRepo]) -> ConfigRepo:
    repo = make_config_repo(server.base_url)
    repo.environ = {
        "GENESYS_CLIENT_ID": CLIENT_ID,
        "GENESYS_CLIENT_SECRET": CLIENT_SECRET,
        "OPENAI_API_KEY": API_KEY,
        "ODD_API_KEY": ODD_KEY,
    }
    repo.write_model("alpha-model", healthCheck={"input": "My order arrived broken"})
    repo.write_model("beta-model", description=f"escalate to ops, passphrase {CLIENT_SECRET}")
    _write_odd_model(repo)
    git(repo.root, "init", "--quiet", "-b", "main")
    configure(repo.root)
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "--quiet", "-m", "manifests")
    return repo


def _write_odd_model(repo: ConfigRepo) -> None:
    """A model whose key holds every character some encoding escapes, repeated in its
    description (past the width at which diffs wrap), a label value and a property name."""
    path = repo.write_model(
        "gamma-model",
        credentials={"apiKey": "${ODD_API_KEY}"},
        description=f"{'padding ' * 11}the key is {ODD_KEY} again",
        responseSchema={"type": "object", "properties": {ODD_KEY: {"type": "string"}}},
    )
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    manifest["metadata"]["labels"]["note"] = ODD_KEY
    path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")


def _add_environment(repo: ConfigRepo, name: str) -> None:
    """A second environment like the first, with no models: a target to promote to."""
    source = repo.root / "environments" / ENV / "environment.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    doc["metadata"]["name"] = name
    target = repo.root / "environments" / name / "environment.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def _git_objects(root: Path, *, skip: dict[Path, bytes] | None = None) -> Iterator[str]:
    for path in (root / ".git" / "objects").rglob("*"):
        if path.is_file() and len(path.parent.name) == 2 and path not in (skip or {}):
            yield zlib.decompress(path.read_bytes()).decode("utf-8", "replace")


def test_no_canary_in_any_output_file_commit_or_sandbox_state(
    tmp_path: Path,
    sandbox_factory: Callable[..., SandboxServer],
    make_config_repo: Callable[[str], ConfigRepo],
) -> None:
    state = tmp_path / "sandbox-state.json"
    server = sandbox_factory(
        clock=SystemClock(),
        provision_seconds=(0.0, 0.0),
        clients=(ClientSpec(CLIENT_ID, CLIENT_SECRET),),
        state_file=state,
    )
    repo = _repo(server, make_config_repo)
    # The user's own manifests hold the pasted passphrase: they are input, not our output.
    theirs = {p: p.read_bytes() for p in repo.root.rglob("*") if p.is_file()}
    runner = CliRunner()
    outputs: list[str] = []

    def run(*args: str, expect: tuple[int, ...] = (0,), stdin: str | None = None) -> Any:
        result = runner.invoke(
            cli, [*args, "--root", str(repo.root)], env=repo.environ, input=stdin
        )
        outputs.append(result.stdout + result.stderr)
        assert result.exit_code in expect, result.stdout + result.stderr
        return result

    env = ("--env", ENV)
    for fmt in ("text", "json", "markdown"):
        run("validate", *env, "--format", fmt)
        run(*env, "--dry-run", "--format", fmt, expect=(ExitCode.CHANGES_PENDING,))
    run(*env, "--yes", "--commit", "--format", "markdown", "-v")
    for fmt in ("text", "json", "markdown"):
        run(*env, "--yes", "--format", fmt)  # in sync: the report of an apply with no change
        run("drift", *env, "--format", fmt, expect=(0, ExitCode.CHANGES_PENDING))
        run("cost", *env, "--format", fmt)
        run("audit", "verify", *env, "--format", fmt)
        run("invoke", *env, "gamma-model", "--format", fmt, stdin="Where is my parcel?")
        run("unlock", *env, "--format", fmt, expect=(0, ExitCode.INVALID))
        run("import", *env, "--force", "--format", fmt, expect=(0, ExitCode.INVALID))
    _add_environment(repo, "prod")
    for fmt in ("text", "json", "markdown"):
        promote = ("promote", "--from", ENV, "--to", "prod", "--keep-refs", "--format", fmt)
        run(*promote, "--dry-run", expect=(0, ExitCode.CHANGES_PENDING))
    run(*promote, expect=(0,))
    files = [p for p in repo.root.rglob("*") if p.is_file() and p.read_bytes() != theirs.get(p)]
    texts = [
        *outputs,
        *(p.read_text(encoding="utf-8", errors="replace") for p in files),
        *_git_objects(repo.root, skip=theirs),
        state.read_text(encoding="utf-8"),
    ]
    assert any("beta-model" in text for text in outputs[6:7]), "the sweep reads real output"
    assert any("snapshot.json" in text for text in _git_objects(repo.root)), "and the commit"
    forms = {form: canary for canary in CANARIES for form in encodings(canary)}
    leaks = [(form, text[:200]) for form in forms for text in texts if form in text]
    assert leaks == []


def test_no_canary_in_a_validation_failure_in_any_format(
    sandbox_factory: Callable[..., SandboxServer],
    make_config_repo: Callable[[str], ConfigRepo],
) -> None:
    """A problem message quotes what it found: an unknown field named after the key, an
    unknown placeholder holding it. Validation runs before any secret is resolved, so nothing
    was remembered yet and text, JSON, markdown, the GitHub annotations (which escape ``%`` as
    ``%25`` before the redacting stream sees them) and SARIF all printed the key."""
    server = sandbox_factory(clock=SystemClock(), clients=(ClientSpec(CLIENT_ID, CLIENT_SECRET),))
    repo = _repo(server, make_config_repo)
    path = repo.write_model(
        "delta-model",
        credentials={"apiKey": "${ODD_API_KEY}"},
        promptTemplate=f"Classify <ticket>{{input}}</ticket> {{{ODD_KEY}}}",
    )
    manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
    manifest["spec"][CLIENT_SECRET] = 1
    path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    runner = CliRunner()
    outputs = []
    commands = [("validate", "--format", f) for f in ("text", "json", "markdown", "github")]
    commands += [("validate", "--format", "sarif"), ("plan", "--env", ENV, "--format", "json")]
    for args in commands:
        result = runner.invoke(cli, [*args, "--root", str(repo.root)], env=repo.environ)
        assert result.exit_code == ExitCode.INVALID, result.stdout + result.stderr
        assert "schema-unknown-field" in result.stdout + result.stderr
        outputs.append(result.stdout + result.stderr)
    forms = {form for canary in CANARIES for form in encodings(canary)}
    forms |= {form.replace("%", "%25") for form in set(forms)}  # a GitHub annotation's escape
    leaks = [(form, text[:300]) for form in forms for text in outputs if form in text]
    assert leaks == []
