"""Which pull request a run reports on: from the event payload, or looked up from the commit.

`pull_request` and `pull_request_target` name it. A `push` may belong to an open pull request whose
head is the pushed commit. A `workflow_run` (the fork-safe publisher) lists it when the PR is in the
same repository; for a fork it is found by the fork's branch, and accepted only when its head is the
commit that was tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..github_env import GitHubEvent

if TYPE_CHECKING:
    from github.PullRequest import PullRequest
    from github.Repository import Repository

LOOKUP_EVENTS = frozenset({"push", "workflow_run"})


def find_pull_request(repo: Repository, event: GitHubEvent) -> int | None:
    """The number of the open pull request this run is about, or None."""
    if event.pull is not None:
        return event.pull.number
    if event.name not in LOOKUP_EVENTS or event.head_sha is None:
        return None
    if event.head_branch and event.head_owner:
        pulls = repo.get_pulls(state="open", head=f"{event.head_owner}:{event.head_branch}")
        found = _tested(pulls, event.head_sha)
        if found is not None:
            return found
    return _tested(repo.get_commit(event.head_sha).get_pulls(), event.head_sha)


def _tested(pulls: Iterable[PullRequest], sha: str) -> int | None:
    """The first open pull request whose head is `sha` (a merged PR's commit on main is not one)."""
    return next((pull.number for pull in pulls if pull.state == "open" and pull.head.sha == sha), None)
