"""The PyGithub client: GitHub or GitHub Enterprise Server, retries with backoff, and what a refusal means.

Retries cover 5xx answers, connection errors and rate limits (primary and secondary), waiting as
`Retry-After` or the rate-limit reset says, never longer than `max-retry-wait`. A 401/403/404 that
is not a rate limit is a permission problem: `qa publish` reports it and carries on.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import __version__
from ..config.report import ReportConfig
from ..github_env import GitHubEnv

if TYPE_CHECKING:
    from github import Github, GithubRetry
    from github.GithubException import GithubException

TIMEOUT_S = 30
# who GITHUB_TOKEN (an installation token, for which `GET /user` is refused) writes as
ACTIONS_BOT = "github-actions[bot]"
PERMISSION_STATUSES = frozenset({401, 403, 404})
# urllib3 retries neither POST nor PATCH by default; updating a comment or a check run is a PATCH
RETRIED_METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"})


def connect(env: GitHubEnv, config: ReportConfig) -> Github:
    """A client for `GITHUB_API_URL` with the token, retries and write pacing of the configuration."""
    from github import Auth, Github

    assert env.token is not None
    _log_retries_to_stderr()
    return Github(base_url=env.api_url, auth=Auth.Token(env.token), retry=retry_policy(config), timeout=TIMEOUT_S,
                  per_page=100, user_agent=f"qa-actions/{__version__}", lazy=True,
                  seconds_between_requests=min(config.write_interval, 0.25),
                  seconds_between_writes=config.write_interval)


class Identity:
    """Who the token writes as: what marks a comment or an issue as ours, besides the hidden marker.

    Anyone may paste our marker into a comment; only what the token itself wrote is edited or deleted.
    A personal or OAuth token names its user (`GET /user`); an installation token such as GITHUB_TOKEN
    may not ask, and writes as `github-actions[bot]`. Asked once, and only when something carries the marker.
    """

    def __init__(self, client: Github | None, login: str | None = None) -> None:
        self._client = client
        self._login = login

    @classmethod
    def known(cls, login: str) -> Identity:
        """An identity that is not asked for (a test's, or a login given by configuration)."""
        return cls(None, login)

    @property
    def login(self) -> str:
        from github.GithubException import GithubException

        if self._login is None:
            assert self._client is not None
            try:
                self._login = self._client.get_user().login
            except GithubException as exc:
                if exc.status not in PERMISSION_STATUSES:
                    raise
                self._login = ACTIONS_BOT
        return self._login

    def wrote(self, item: object) -> bool:
        """True when `item` (a comment or an issue from a listing) was written by this token."""
        user = getattr(item, "user", None)
        return user is not None and (user.login or "").lower() == self.login.lower()


def retry_policy(config: ReportConfig) -> GithubRetry:
    """PyGithub's rate-limit-aware retry, with our counts, backoff and longest wait."""
    from github import GithubRetry

    class CappedRetry(GithubRetry):
        """Honours Retry-After, but never waits longer than `max-retry-wait`."""

        def parse_retry_after(self, retry_after: str) -> float:
            return min(super().parse_retry_after(retry_after), config.max_retry_wait)

    return CappedRetry(
        total=config.retries,
        status_forcelist=[429, *range(500, 600)],  # GithubRetry adds 403, retried when it is a rate limit
        allowed_methods=RETRIED_METHODS,
        backoff_factor=config.retry_backoff / 2,  # urllib3 waits factor * 2**(n-1): the 2nd retry waits retry-backoff
        backoff_max=max(config.max_retry_wait, config.retry_backoff),
        secondary_rate_wait=min(60.0, config.max_retry_wait),
        max_rate_limit_wait=config.max_retry_wait,
        raise_on_status=False,
    )


class _CurrentStderr(logging.Handler):
    """Writes to whatever sys.stderr is now (PyGithub's own handler keeps the stream of import time)."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def _log_retries_to_stderr() -> None:
    """PyGithub says when it retries and how long it waits; show that, once, in our format."""
    logger = logging.getLogger("github")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("qa publish: github: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False


@dataclass(frozen=True)
class Refusal:
    """GitHub said no for lack of permission: which permissions would do, and what GitHub said."""

    status: int
    permissions: tuple[str, ...]  # alternatives, each as a workflow spells it: `checks: write`
    message: str

    def explain(self, what: str, fork: bool) -> str:
        needed = " or ".join(f"`{p}`" for p in self.permissions)
        if self.status == 401:
            advice = "The token was rejected: check the `github-token` input or `GITHUB_TOKEN`."
        else:
            advice = f"The token lacks {needed}: add it to the job's `permissions:`."
        text = f"**{what}**: GitHub answered {self.status} ({self.message}). {advice}"
        if fork:
            text += (" This pull request comes from a fork, and GitHub gives its workflows a read-only token: "
                     "publish from a `workflow_run` workflow instead (see docs/publishing.md).")
        return text


def refusal(exc: GithubException, permission: str) -> Refusal | None:
    """A Refusal when `exc` is a permission problem (not a rate limit), else None.

    GitHub names what would have worked in `X-Accepted-GitHub-Permissions` (`issues=write; pull_requests=write`:
    sets separated by `;`); without that header, `permission` is what the request needs.
    """
    from github.GithubException import RateLimitExceededException

    if isinstance(exc, RateLimitExceededException) or exc.status not in PERMISSION_STATUSES:
        return None
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    if headers.get("x-ratelimit-remaining") == "0":
        return None
    accepted = [", ".join(_permission_name(p) for p in group.split(",") if "=" in p)
                for group in headers.get("x-accepted-github-permissions", "").split(";")]
    alternatives = tuple(a for a in accepted if a)
    if permission in alternatives:
        alternatives = (permission, *(a for a in alternatives if a != permission))
    message = exc.message or (exc.data.get("message") if isinstance(exc.data, dict) else None) or "no message"
    return Refusal(exc.status, alternatives or (permission,), str(message))


def _permission_name(pair: str) -> str:
    """`pull_requests=write` (GitHub's header) as workflows spell it: `pull-requests: write`."""
    scope, _, level = pair.strip().partition("=")
    return f"{scope.replace('_', '-')}: {level}"
