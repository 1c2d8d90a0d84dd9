"""A fake of the GitHub REST endpoints ``reconciler.github`` uses, on 127.0.0.1 port 0.

It keeps issues and comments in memory, pages list answers with real ``Link`` headers (a small
page size so paging is exercised with a handful of items), checks the bearer token, and can be
told to refuse writes with 403 the way a read-only ``GITHUB_TOKEN`` is refused.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROUTES = [
    ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<n>\d+)/comments", "list_comments"),
    ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<n>\d+)/comments", "create_comment"),
    ("PATCH", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/comments/(?P<id>\d+)", "update_comment"),
    ("DELETE", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/comments/(?P<id>\d+)", "delete_comment"),
    ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues", "list_issues"),
    ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/issues", "create_issue"),
    ("PATCH", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<n>\d+)", "update_issue"),
    ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/pulls", "list_pulls"),
    ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/pulls", "create_pull"),
    ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/commits/(?P<sha>\w+)/pulls", "commit_pulls"),
    ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/actions/artifacts", "list_artifacts"),
    ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/actions/artifacts/(?P<id>\d+)/zip", "artifact_zip"),
]


@dataclass
class FakeGitHub:
    """State and behaviour switches; ``url`` is set once the server runs."""

    token: str
    repo: str = "acme/config"
    page_size: int = 2
    read_only: bool = False
    fail_next: list[int] = field(default_factory=list)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    # Workflow artifacts (newest last) and the pull requests each commit belongs to.
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    commit_pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    url: str = ""
    _next_id: int = 100

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_comment(self, issue: int, body: str, *, login: str = "someone") -> dict[str, Any]:
        cid = self.new_id()
        self.comments[cid] = {
            "id": cid,
            "issue": issue,
            "body": body,
            "user": {"login": login},
            "html_url": f"https://github.test/{self.repo}/pull/{issue}#c{cid}",
        }
        return self.comments[cid]

    def add_issue(
        self, *, title: str, body: str, labels: list[str], pull_request: bool = False
    ) -> dict[str, Any]:
        number = self.new_id()
        issue: dict[str, Any] = {
            "number": number,
            "title": title,
            "body": body,
            "state": "open",
            "labels": [{"name": n} for n in labels],
            "html_url": f"https://github.test/{self.repo}/issues/{number}",
        }
        if pull_request:
            issue["pull_request"] = {"url": "x"}
        self.issues[number] = issue
        return issue

    def add_artifact(self, name: str, files: dict[str, bytes]) -> dict[str, Any]:
        """Store an artifact as upload-artifact does: a zip of ``files``."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            for member, data in files.items():
                zipped.writestr(member, data)
        artifact = {"id": self.new_id(), "name": name, "expired": False, "zip": buffer.getvalue()}
        self.artifacts.append(artifact)
        return artifact

    def comments_on(self, issue: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["issue"] == issue]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        fake.requests.append((method, self.path))
        if self.headers.get("Authorization") != f"Bearer {fake.token}":
            return self._send(401, {"message": "Bad credentials"})
        if fake.fail_next:
            return self._send(fake.fail_next.pop(0), {"message": "Server Error"})
        if method != "GET" and fake.read_only:
            return self._send(403, {"message": "Resource not accessible by integration"})
        for verb, pattern, name in ROUTES:
            match = re.fullmatch(pattern, parts.path)
            if verb == method and match:
                if match["repo"] != fake.repo:
                    return self._send(404, {"message": "Not Found"})
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else {}
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                return getattr(self, name)(match.groupdict(), body, query)
        return self._send(404, {"message": "Not Found"})

    def list_comments(self, m: dict[str, str], _: Any, query: dict[str, str]) -> None:
        self._page(self.fake.comments_on(int(m["n"])), query)

    def create_comment(self, m: dict[str, str], body: dict[str, Any], _: Any) -> None:
        self._check_size(body["body"]) or self._send(
            201, self.fake.add_comment(int(m["n"]), body["body"], login="github-actions[bot]")
        )

    def update_comment(self, m: dict[str, str], body: dict[str, Any], _: Any) -> None:
        comment = self.fake.comments.get(int(m["id"]))
        if comment is None:
            return self._send(404, {"message": "Not Found"})
        if not self._check_size(body["body"]):
            comment["body"] = body["body"]
            self._send(200, comment)
        return None

    def delete_comment(self, m: dict[str, str], _: Any, __: Any) -> None:
        self.fake.comments.pop(int(m["id"]), None)
        self._send(204, None)

    def list_issues(self, _: Any, __: Any, query: dict[str, str]) -> None:
        label, state = query.get("labels"), query.get("state", "open")
        found = [
            i
            for i in self.fake.issues.values()
            if i["state"] == state and (label is None or label in [x["name"] for x in i["labels"]])
        ]
        self._page(found, query)

    def create_issue(self, _: Any, body: dict[str, Any], __: Any) -> None:
        self._check_size(body["body"]) or self._send(
            201,
            self.fake.add_issue(
                title=body["title"], body=body["body"], labels=body.get("labels", [])
            ),
        )

    def update_issue(self, m: dict[str, str], body: dict[str, Any], _: Any) -> None:
        issue = self.fake.issues.get(int(m["n"]))
        if issue is None:
            return self._send(404, {"message": "Not Found"})
        if not self._check_size(str(body.get("body", ""))):
            issue.update(body)
            self._send(200, issue)
        return None

    def list_pulls(self, _: Any, __: Any, query: dict[str, str]) -> None:
        head = query.get("head", "").split(":", 1)[-1]
        found = [
            p
            for p in self.fake.pulls.values()
            if p["state"] == query.get("state", "open") and head in ("", p["head"]["ref"])
        ]
        self._page(found, query)

    def create_pull(self, _: Any, body: dict[str, Any], __: Any) -> None:
        number = self.fake.new_id()
        pull = {
            "number": number,
            "state": "open",
            "title": body["title"],
            "body": body["body"],
            "head": {"ref": body["head"]},
            "base": {"ref": body["base"]},
            "html_url": f"https://github.test/{self.fake.repo}/pull/{number}",
        }
        self.fake.pulls[number] = pull
        self._check_size(body["body"]) or self._send(201, pull)

    def commit_pulls(self, m: dict[str, str], _: Any, __: Any) -> None:
        self._send(200, self.fake.commit_pulls.get(m["sha"], []))

    def list_artifacts(self, _: Any, __: Any, query: dict[str, str]) -> None:
        found = [
            {k: v for k, v in a.items() if k != "zip"}
            for a in reversed(self.fake.artifacts)  # newest first, as GitHub lists them
            if a["name"] == query.get("name", a["name"])
        ]
        self._send(200, {"total_count": len(found), "artifacts": found})

    def artifact_zip(self, m: dict[str, str], _: Any, __: Any) -> None:
        [artifact] = [a for a in self.fake.artifacts if a["id"] == int(m["id"])]
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(artifact["zip"])))
        self.end_headers()
        self.wfile.write(artifact["zip"])

    def _check_size(self, text: str) -> bool:
        if len(text) > 65_536:
            self._send(
                422,
                {"message": "Validation Failed: body is too long (maximum is 65536 characters)"},
            )
            return True
        return False

    def _page(self, items: list[dict[str, Any]], query: dict[str, str]) -> None:
        size = self.fake.page_size
        page = int(query.get("page", "1"))
        chunk = items[(page - 1) * size : page * size]
        links = {}
        if page * size < len(items):
            path = urlsplit(self.path).path
            links["Link"] = f'<{self.fake.url}{path}?page={page + 1}>; rel="next"'
        self._send(200, chunk, headers=links)

    def _send(self, status: int, payload: Any, *, headers: dict[str, str] | None = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


class FakeGitHubServer:
    """Runs a ``FakeGitHub`` in a daemon thread; use as a context manager."""

    def __init__(self, fake: FakeGitHub) -> None:
        handler = type("Handler", (_Handler,), {"fake": fake})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        fake.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.fake = fake
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
