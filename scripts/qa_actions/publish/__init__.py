"""`qa publish`: the check runs and the sticky PR comment. The only code that talks to GitHub.

The check runs go first, so that the comment (and the job summary) can link each one's page.

Publishing never fails a job for lack of permission (a fork's read-only token, a missing
`permissions:` entry): what could not be posted becomes a note on top of the job summary and a
warning in the log. Errors GitHub keeps answering after the retries do fail, with one clear line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config.report import CommentMode, ReportConfig
from ..errors import QaError
from ..github_env import GitHubEnv
from .budget import COMMENT_WRITES, BudgetSpent, WriteBudget
from .checks import create_check_run
from .client import Identity, connect, refusal
from .comment import upsert_comment
from .pulls import find_pull_request

if TYPE_CHECKING:
    from github.GithubException import GithubException
    from github.Repository import Repository

    from ..render.report import Report


class PublishError(QaError):
    """GitHub kept failing (after retries) or refused a request for a reason other than permissions."""


@dataclass
class PublishOutcome:
    done: list[str] = field(default_factory=list)  # what was posted, for the log
    notes: list[str] = field(default_factory=list)  # Markdown: what could not be posted, and why
    comment_url: str | None = None  # the sticky comment's page, posted or found unchanged
    check_runs: dict[str, str] = field(default_factory=dict)  # name -> page of each check run created
    report: Report | None = None  # the report as posted: with the check runs' links, once they exist


def publish_report(report: Report, env: GitHubEnv, config: ReportConfig, mode: CommentMode) -> PublishOutcome:
    """Post the check runs, then the comment (as `mode` says) linking them, for the run described by `env`.

    The check runs spend the write budget first but leave the comment its writes: running out while
    posting them costs their links, not the comment."""
    import requests
    from github.GithubException import GithubException

    if not env.repository:
        raise PublishError("GITHUB_REPOSITORY is not set, so there is nowhere to publish (owner/name expected)")
    outcome = PublishOutcome(report=report)
    client = connect(env, config)
    repo = client.get_repo(env.repository)
    budget = WriteBudget()
    try:
        if config.check_runs:
            try:
                with budget.keeping(COMMENT_WRITES if mode != "off" else 0):
                    _check_runs(outcome, repo, report, env, budget)
            except BudgetSpent as spent:
                outcome.notes.append(budget.note(spent.what))
            report = outcome.report = report.with_check_links(outcome.check_runs)
        if mode != "off":
            try:
                _comment(outcome, repo, report, env, mode, Identity(client), budget)
            except BudgetSpent as spent:
                outcome.notes.append(budget.note(spent.what))
    except GithubException as exc:
        raise PublishError(f"GitHub API ({env.api_url}) answered {exc.status}: {_message(exc)}") from None
    except requests.RequestException as exc:
        raise PublishError(f"cannot reach the GitHub API at {env.api_url}: {type(exc).__name__}: {exc}") from None
    return outcome


def _comment(outcome: PublishOutcome, repo: Repository, report: Report, env: GitHubEnv, mode: CommentMode,
             me: Identity, budget: WriteBudget) -> None:
    from github.GithubException import GithubException

    try:
        number = find_pull_request(repo, env.event)
    except GithubException as exc:
        _refused(outcome, exc, "pull-requests: read", "The pull request of this commit could not be looked up", env)
        return
    if number is None:
        outcome.done.append(f"no open pull request for this {env.event.name} event: no comment")
        return
    try:
        result = upsert_comment(repo.get_issue(number), report.comment, report.ctx.marker, mode,
                                failed=report.run.verdict == "failed", me=me, budget=budget)
    except GithubException as exc:
        _refused(outcome, exc, "pull-requests: write", "The pull-request comment was not posted", env)
        return
    outcome.comment_url = result.url
    outcome.done.append(f"comment on pull request #{number}: {result}")


def _check_runs(outcome: PublishOutcome, repo: Repository, report: Report, env: GitHubEnv,
                budget: WriteBudget) -> None:
    """Create each check run; `outcome.check_runs` gets the page of each one created."""
    from github.GithubException import GithubException

    head = env.event.head_sha
    if head is None:
        outcome.notes.append("**No check runs**: the event names no commit (GITHUB_SHA is not set).")
        return
    for spec in report.check_runs:
        try:
            created = create_check_run(repo, head, spec, report.ctx.marker_key, budget)
        except GithubException as exc:
            _refused(outcome, exc, "checks: write", "The check runs were not created", env)
            return
        if created.url:
            outcome.check_runs[created.name] = created.url
        outcome.done.append(f"check run {created.line}")


def _refused(outcome: PublishOutcome, exc: GithubException, permission: str, what: str, env: GitHubEnv) -> None:
    """Note a refusal for lack of permission; anything else is an error that stops publishing."""
    found = refusal(exc, permission)
    if found is None:
        raise exc
    outcome.notes.append(found.explain(what, env.event.from_fork))


def _message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.message or "no message")
    errors = data.get("errors")
    return f"{message} {errors}" if errors else message
