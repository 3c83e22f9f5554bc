"""One issue for a failing nightly run: opened when it first fails, updated while it keeps failing,
closed when it is green again. Found again by the hidden marker in its body and by its author (the
token's own login: an issue someone else opened with the marker and the label is not ours), never
duplicated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..errors import QaError
from ..github_env import GitHubEnv, warning_command
from ..model import RunResult
from ..render.nightly_issue import marker, render_issue
from ..scrub import Scrubber
from .client import Identity

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.Repository import Repository

LABEL_COLOR = "b60205"


@dataclass(frozen=True)
class IssueOutcome:
    action: Literal["opened", "updated", "closed", "none"]
    number: int | None = None


def find_open_issue(repo: Repository, key: str, label: str, me: Identity) -> Issue | None:
    """The oldest open issue we wrote carrying our label and marker (only fields of the listing are
    read, so finding it costs one request a page, and one for who we are when an issue carries the marker)."""
    marked = [issue for issue in repo.get_issues(state="open", labels=[label], sort="created", direction="asc")
              if (issue.body or "").startswith(marker(key))]
    ours = [issue for issue in marked if me.wrote(issue)]
    return ours[0] if ours else None


def sync_issue(repo: Repository, run: RunResult, *, key: str, label: str, title: str,
               run_url: str | None, scrubber: Scrubber, me: Identity) -> IssueOutcome:
    """Open, update or close the nightly issue to match `run.verdict`."""
    from github import GithubException

    issue = find_open_issue(repo, key, label, me)
    where = run_url or f"run {run.run.run_id}"
    if run.verdict == "passed":
        if issue is None:
            return IssueOutcome("none")
        issue.create_comment(f"The nightly QA run is green again: {where}. Closing.")
        issue.edit(state="closed", state_reason="completed")
        return IssueOutcome("closed", issue.number)
    body = render_issue(run, run_url, key, scrubber)
    if issue is not None:
        issue.edit(body=body)
        issue.create_comment(f"Still failing in {where}.")
        return IssueOutcome("updated", issue.number)
    try:
        repo.create_label(label, LABEL_COLOR, "Opened and closed by the qa-actions nightly workflow")
    except GithubException as exc:
        if exc.status != 422:  # 422: the label exists already
            raise
    created = repo.create_issue(title=title, body=body, labels=[label])
    return IssueOutcome("opened", created.number)


def sync_nightly_issue(env: GitHubEnv, run: RunResult, *, key: str, label: str, title: str,
                       scrubber: Scrubber) -> IssueOutcome:
    """`sync_issue` through a client for the run's repository; a refused permission is a warning and no action."""
    from github import Auth, Github, GithubException
    from requests.exceptions import RequestException

    assert env.token is not None and env.repository is not None
    client = Github(base_url=env.api_url, auth=Auth.Token(env.token), lazy=True)
    try:
        return sync_issue(client.get_repo(env.repository), run, key=key, label=label, title=title,
                          run_url=env.run_url, scrubber=scrubber, me=Identity(client))
    except GithubException as exc:
        if exc.status in (403, 404):
            print(warning_command("qa nightly-issue", f"GitHub refused ({exc.status}): give the job "
                                  "`permissions: issues: write` to open and close the nightly issue"))
            return IssueOutcome("none")
        raise QaError(f"GitHub API error {exc.status} while syncing the nightly issue: {exc.data}") from None
    except RequestException as exc:
        raise QaError(f"cannot reach the GitHub API: {exc}") from None
    finally:
        client.close()
