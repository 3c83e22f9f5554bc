"""The one sticky comment: found by its hidden marker and its author, created once, then updated in place.

Only a comment the token itself wrote is ours: anyone can paste the marker into a comment of theirs,
and such a comment is neither edited nor deleted. Several of ours (two jobs that raced, a retried
request that had in fact succeeded) heal on the next run: the oldest is kept and updated, the others
are deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config.report import CommentMode
from ..render.context import MARKER_PREFIX
from .budget import WriteBudget

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.IssueComment import IssueComment

    from .client import Identity

MAX_DUPLICATES_DELETED = 5  # per run; more heal on the next one
_DIGEST = re.compile(rf"<!-- {MARKER_PREFIX}-digest:([0-9a-f]+) -->")


@dataclass(frozen=True)
class CommentResult:
    """What was done, for the log, and the page of the sticky comment when there is one (an output)."""

    done: str
    url: str | None = None

    def __str__(self) -> str:
        return f"{self.done} {self.url or ''}".strip()


def upsert_comment(issue: Issue, body: str, marker: str, mode: CommentMode, failed: bool, me: Identity,
                   budget: WriteBudget) -> CommentResult:
    """Create, update or leave the comment as `mode` says; returns what was done and the comment's page."""
    if mode == "off":
        return CommentResult("not posted (comment-mode = off)")
    marked = [c for c in issue.get_comments() if _carries(c, marker)]
    ours = [c for c in marked if me.wrote(c)]
    for duplicate in ours[1:1 + MAX_DUPLICATES_DELETED]:
        budget.spend("deleting a duplicate comment")
        duplicate.delete()
    existing = ours[0] if ours else None
    if existing is None:
        if mode == "failures" and not failed:
            return CommentResult("not posted: nothing failed (comment-mode = failures)")
        budget.spend("the comment")
        created = issue.create_comment(body)
        return CommentResult("created", created.html_url or None)
    if existing.body == body:
        return CommentResult("unchanged", existing.html_url or None)
    if mode == "changes" and _digest(existing.body) == _digest(body):
        return CommentResult("unchanged: same results (comment-mode = changes)", existing.html_url or None)
    budget.spend("the comment")
    existing.edit(body)
    return CommentResult("updated", existing.html_url or None)


def _carries(comment: IssueComment, marker: str) -> bool:
    """Ours when the first line is exactly the marker (a marker quoted in other text does not count)."""
    return (comment.body or "").split("\n", 1)[0].strip() == marker


def _digest(body: str | None) -> str | None:
    match = _DIGEST.search(body or "")
    return match[1] if match else None
