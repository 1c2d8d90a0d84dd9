"""configure-model: a validated manifest on a new branch, the served checkout untouched."""

from __future__ import annotations

import threading
from typing import Any

import yaml

from tests.fixtures_engine import ConfigRepo, model_manifest
from tests.fixtures_gitops import git
from tests.fixtures_serve import Api


def flat(name: str, **overrides: Any) -> dict[str, Any]:
    """The starting point's flat shape."""
    spec = model_manifest(name)["spec"]
    return {"name": name, **spec, **overrides}


def branches(repo: ConfigRepo) -> list[str]:
    return git(repo.root, "branch", "--format=%(refname:short)").split()


def checkout_state(repo: ConfigRepo) -> tuple[str, str, str]:
    root = repo.root
    return (
        git(root, "rev-parse", "HEAD"),
        git(root, "status", "--porcelain", "--untracked-files=all"),
        git(root, "symbolic-ref", "HEAD"),
    )


def test_flat_shape_is_committed_on_a_new_branch(api: Api, served_repo: ConfigRepo) -> None:
    before = checkout_state(served_repo)
    answer = api(
        "POST",
        "/api/configure-model",
        role="editor",
        json={"env": "staging", "model": flat("ticket-triage")},
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["action"] == "create" and body["name"] == "ticket-triage"
    assert body["manifest"] == "environments/staging/models/ticket-triage.yaml"
    assert body["branch"].startswith("reconcile/staging/ticket-triage-")
    assert body["pullRequest"] is None
    assert [i["name"] for i in body["plan"]["create"]] == ["support-classifier", "ticket-triage"]
    delta = body["costDelta"]
    assert float(delta["after"]) > float(delta["before"]) > 0
    assert float(delta["delta"]) == round(float(delta["after"]) - float(delta["before"]), 2)
    # the branch holds exactly the one new file, on top of main
    root = served_repo.root
    assert git(root, "rev-parse", f"{body['branch']}^") == git(root, "rev-parse", "main")
    changed = git(root, "diff", "--name-status", "main", body["branch"]).split()
    assert changed == ["A", body["manifest"]]
    text = git(root, "show", f"{body['commit']}:{body['manifest']}")
    assert yaml.safe_load(text)["spec"]["credentials"] == {"apiKey": "${OPENAI_API_KEY}"}
    assert checkout_state(served_repo) == before
    assert not (root / body["manifest"]).exists()


def test_full_manifest_updates_an_existing_model(api: Api, served_repo: ConfigRepo) -> None:
    manifest = model_manifest("support-classifier")
    manifest["spec"]["configuration"]["temperature"] = 0.7
    request = {"env": "staging", "model": manifest, "replaceExisting": True}
    answer = api("POST", "/api/configure-model", role="editor", json=request)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["action"] == "create"  # nothing is live yet: the plan creates it
    diff = git(served_repo.root, "diff", "main", body["branch"])
    assert "temperature: 0.7" in diff and "temperature: 0.1" in diff


def test_unchanged_manifest_makes_no_branch(api: Api, served_repo: ConfigRepo) -> None:
    path = served_repo.root / "environments/staging/models/support-classifier.yaml"
    manifest = yaml.safe_load(path.read_text())
    before = branches(served_repo)
    request = {"env": "staging", "model": manifest, "replaceExisting": True}
    body = api("POST", "/api/configure-model", json=request).json()
    assert (
        body["branch"] is None
        and body["commit"] == git(served_repo.root, "rev-parse", "main").strip()
    )
    assert branches(served_repo) == before


def test_literal_key_is_refused_and_nothing_is_written(api: Api, served_repo: ConfigRepo) -> None:
    before = (checkout_state(served_repo), branches(served_repo))
    key = "sk-proj-" + "a1b2c3d4" * 6
    model = flat("ticket-triage", credentials={"apiKey": key})
    answer = api(
        "POST", "/api/configure-model", role="editor", json={"env": "staging", "model": model}
    )
    assert answer.status_code == 400
    problems = answer.json()["problems"]
    secret = [p for p in problems if p["rule"] == "secret-literal"]
    assert secret and secret[0]["path"] == "spec.credentials.apiKey"
    assert secret[0]["file"] == "environments/staging/models/ticket-triage.yaml"
    assert "${" in secret[0]["hint"] and secret[0]["line"] > 0
    assert key not in answer.text and key[:12] not in answer.text
    assert (checkout_state(served_repo), branches(served_repo)) == before


def test_invalid_model_lists_every_problem_like_validate(api: Api) -> None:
    model = flat("ticket-triage", provider="mystery", configuration={"temperature": 9})
    answer = api(
        "POST", "/api/configure-model", role="editor", json={"env": "staging", "model": model}
    )
    assert answer.status_code == 400
    items = answer.json()["problems"]
    assert {"file", "line", "path", "rule", "message", "hint"} <= set(items[0])
    paths = {p["path"] for p in items}
    assert {"spec.provider", "spec.configuration.temperature"} <= paths
    same = api("POST", "/api/validate", role="viewer", json={"env": "staging", "model": model})
    assert same.status_code == 200 and same.json()["problems"] == items


def test_validate_is_empty_for_a_valid_model_and_names_bad_names(api: Api) -> None:
    ok = api(
        "POST",
        "/api/validate",
        role="viewer",
        json={"env": "staging", "model": flat("ticket-triage")},
    )
    assert ok.json()["problems"] == []
    bad = api(
        "POST", "/api/validate", role="viewer", json={"env": "staging", "model": flat("Bad Name")}
    )
    assert bad.status_code == 200 and bad.json()["problems"][0]["path"] == "metadata.name"


def test_duplicate_name_in_another_file_is_a_problem_of_the_environment(
    api: Api, served_repo: ConfigRepo
) -> None:
    manifest = model_manifest("ticket-triage")
    manifest["metadata"]["name"] = "support-classifier"
    served_repo.write_model("other-model")
    (served_repo.root / "environments/staging/models/other-model.yaml").write_text(
        yaml.safe_dump(manifest)
    )
    git(served_repo.root, "add", "-A")
    git(served_repo.root, "commit", "-qm", "a second file naming support-classifier")
    answer = api(
        "POST", "/api/configure-model", json={"env": "staging", "model": flat("ticket-triage")}
    )
    assert answer.status_code == 400
    rules = {p["rule"] for p in answer.json()["problems"]}
    assert "duplicate-name" in rules or "name-mismatch" in rules


def test_dry_run_previews_without_committing(api: Api, served_repo: ConfigRepo) -> None:
    before = branches(served_repo)
    answer = api(
        "POST",
        "/api/configure-model",
        role="editor",
        json={"env": "staging", "model": flat("ticket-triage"), "dryRun": True},
    )
    assert answer.status_code == 200
    assert answer.json()["action"] == "create" and answer.json()["branch"] is None
    assert branches(served_repo) == before


def test_concurrent_requests_each_get_their_own_branch(api: Api, served_repo: ConfigRepo) -> None:
    names = [f"model-{i:02d}" for i in range(6)]
    answers: dict[str, Any] = {}

    def send(name: str) -> None:
        answers[name] = api(
            "POST",
            "/api/configure-model",
            role="editor",
            json={"env": "staging", "model": flat(name)},
        )

    threads = [threading.Thread(target=send, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {n: a.status_code for n, a in answers.items()} == dict.fromkeys(names, 201)
    root = served_repo.root
    main = git(root, "rev-parse", "main").strip()
    for name, answer in answers.items():
        body = answer.json()
        assert git(root, "rev-parse", f"{body['branch']}^").strip() == main
        files = git(root, "diff", "--name-only", "main", body["branch"]).split()
        assert files == [f"environments/staging/models/{name}.yaml"]
    assert len(set(branches(served_repo))) == len(names) + 1
    assert git(root, "status", "--porcelain") == ""


def test_field_errors_are_400(api: Api) -> None:
    for body in (
        {"model": {}},
        {"env": "staging"},
        {"env": 3, "model": {}},
        {"env": "staging", "model": [1]},
        {"env": "staging", "model": {}, "apply": "yes"},
    ):
        answer = api("POST", "/api/configure-model", json=body)
        assert answer.status_code == 400, body
    missing = api("POST", "/api/configure-model", json={"env": "nope", "model": flat("abc")})
    assert missing.status_code == 404


def test_a_name_with_a_trailing_newline_is_refused_before_any_branch(
    api: Api, served_repo: ConfigRepo
) -> None:
    before = branches(served_repo)
    for model in (flat("nlname\n"), {**flat("nlname"), "labels": {"team\n": "x"}}):
        answer = api(
            "POST",
            "/api/configure-model",
            role="editor",
            json={"env": "staging", "model": model},
        )
        assert answer.status_code in (400, 422), answer.text
    assert branches(served_repo) == before


def test_the_git_layer_refuses_invalid_names_whoever_calls_it(served_repo: ConfigRepo) -> None:
    import pytest

    from reconciler.serve.branches import commit_file, new_branch, open_served
    from reconciler.structs.errors import ConfigError

    served = open_served(served_repo.root)
    base = served.tip()
    for path in ("environments/staging/models/nlname\n.yaml", "environments/../x.yaml"):
        with pytest.raises(ConfigError):
            commit_file(served, base=base, path=path, text="x", message="m")
    with pytest.raises(ConfigError):
        new_branch(served, prefix="reconcile/staging/nlname\n", commit=base)
    assert "nlname" not in git(served_repo.root, "for-each-ref")
