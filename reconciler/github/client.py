"""A minimal GitHub REST client: the handful of issue and comment calls the workflows need.

Configured the way Actions configures every step (``GITHUB_API_URL``, ``GITHUB_TOKEN``,
``GITHUB_REPOSITORY``), so it works unchanged on GitHub Enterprise Server. The token lives in a
private attribute and is attached per request by an auth object, so it is never in a repr,
a log line or an error message (and a ``~/.netrc`` cannot replace it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests

from reconciler.github.errors import GitHubUnavailable, error_for
from reconciler.structs.errors import ConfigError

DEFAULT_API_URL = "https://api.github.com"
TRANSIENT = (502, 503, 504)


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_Bearer(***)"


class GitHubClient:
    """Calls ``/repos/{repo}/...`` endpoints; retries transient failures twice."""

    def __init__(
        self,
        *,
        repo: str,
        token: str,
        api_url: str = DEFAULT_API_URL,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.repo = repo
        self.api_url = api_url.rstrip("/")
        self._auth = _Bearer(token)
        self._token = token
        self._timeout = timeout
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "llm-gateway-reconciler",
            }
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> GitHubClient:
        """Build from the variables GitHub Actions sets; name the one that is missing."""
        token = environ.get("GITHUB_TOKEN", "")
        repo = environ.get("GITHUB_REPOSITORY", "")
        if not token:
            raise ConfigError(
                "GITHUB_TOKEN is not set",
                hint="add 'env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}' to the workflow step",
            )
        if repo.count("/") != 1:
            raise ConfigError(
                f"GITHUB_REPOSITORY must be 'owner/name', got {repo!r}",
                hint="run inside GitHub Actions or export GITHUB_REPOSITORY",
            )
        return cls(repo=repo, token=token, api_url=environ.get("GITHUB_API_URL") or DEFAULT_API_URL)

    def __repr__(self) -> str:
        return f"GitHubClient(repo={self.repo!r}, api_url={self.api_url!r})"

    def call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """One request to ``/repos/{repo}{path}``; the decoded JSON answer."""
        response = self._send(
            method, f"{self.api_url}/repos/{self.repo}{path}", what=what, body=body, params=params
        )
        return response.json() if response.content else None

    def download(self, path: str, *, what: str) -> bytes:
        """The raw bytes of ``/repos/{repo}{path}`` (an artifact's zip). GitHub answers with a
        redirect to storage elsewhere; requests drops the token on the way there."""
        response = self._send(
            "GET", f"{self.api_url}/repos/{self.repo}{path}", what=what, body=None, params=None
        )
        return response.content

    def paged(
        self, path: str, *, what: str, params: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, following ``Link: rel="next"`` headers."""
        url: str | None = f"{self.api_url}/repos/{self.repo}{path}"
        query: dict[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            response = self._send("GET", url, what=what, body=None, params=query)
            yield from response.json()
            url, query = response.links.get("next", {}).get("url"), None

    def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        body: dict[str, Any] | None,
        params: dict[str, Any] | None,
    ) -> requests.Response:
        for attempt in range(3):
            try:
                response = self._session.request(
                    method, url, json=body, params=params, auth=self._auth, timeout=self._timeout
                )
            except requests.RequestException as exc:
                failure: Exception = GitHubUnavailable(
                    f"could not reach GitHub at {self.api_url} for {what}: "
                    f"{self._scrub(type(exc).__name__ + ': ' + str(exc))}",
                    hint="check GITHUB_API_URL and the runner's network",
                )
            else:
                if response.ok:
                    return response
                failure = self._error(response, what=what)
                if response.status_code not in TRANSIENT:
                    raise failure
            if attempt < 2:
                self._sleep(2.0**attempt)
        raise failure

    def _error(self, response: requests.Response, *, what: str) -> Exception:
        try:
            message = str(response.json().get("message", ""))
        except ValueError:
            message = response.text[:200]
        exhausted = response.headers.get("x-ratelimit-remaining") == "0"
        return error_for(
            response.status_code, what=what, message=self._scrub(message), rate_limited=exhausted
        )

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text
