"""One issue for a failing nightly run: opened when it first fails, updated while it keeps failing,
closed when it is green again. Found again by a hidden marker in its body, never duplicated. Its
body is scrubbed like everything else qa-actions posts (scrub.py: secrets, then personal data)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .categories import CATEGORY_ORDER
from .model import RunResult
from .render import format as fmt
from .scrub import Scrubber

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.Repository import Repository

MAX_PROBLEMS = 50
MAX_MESSAGE = 300
MAX_BODY = 60_000  # GitHub refuses issue bodies over 65,536 characters
LABEL_COLOR = "b60205"


def marker(key: str) -> str:
    return f"<!-- qa-actions:nightly:{key} -->"


@dataclass(frozen=True)
class IssueOutcome:
    action: Literal["opened", "updated", "closed", "none"]
    number: int | None = None


def render_issue(run: RunResult, run_url: str | None, key: str, scrubber: Scrubber) -> str:
    """The issue body: what failed, most severe first, with a link to the run. Pure.

    The model is scrubbed before rendering (messages and test names come from tests and tools); the
    last pass looks for the exact secret values only, as `qa report` does."""
    run = scrubber.model(run)
    counts = Counter(p.category for p in run.problems)
    link = f"[run {run.run.run_id}]({run_url})" if run_url else f"run {run.run.run_id}"
    lines = [marker(key), f"The nightly QA {link} failed on `{run.run.commit or 'unknown commit'}`.", "",
             "Problems: " + ", ".join(f"{counts.get(c, 0)} {c}" for c in CATEGORY_ORDER), "", "## Tiers", ""]
    for tier in run.tiers.values():
        c = tier.counts
        detail = f"{c.failed + c.errors} of {c.tests} failed" if tier.status != "skipped" else (tier.reason or "")
        lines.append(f"- **{tier.name}**: {tier.status} — {detail}, coverage {fmt.coverage(tier.coverage)}")
    for scan in run.scans.values():
        lines.append(f"- **{scan.name}** (scan): {scan.status} — {len(scan.findings)} findings")
    lines += ["", "## Problems", ""]
    ordered = sorted(run.problems, key=lambda p: CATEGORY_ORDER.index(p.category))
    for problem in ordered[:MAX_PROBLEMS]:
        where = f" `{problem.file}:{problem.line}`" if problem.file and problem.line else ""
        lines.append(f"- {problem.category} · **{problem.source}** `{problem.code}`{where}: {_clip(problem.message)}")
    if len(ordered) > MAX_PROBLEMS:
        lines.append(f"- … and {len(ordered) - MAX_PROBLEMS} more: see `.errors/` in the run's artifacts")
    lines += ["", "This issue is updated by every failing nightly run and closed by the next green one."]
    return scrubber.values("\n".join(lines))[:MAX_BODY]


def _clip(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= MAX_MESSAGE else first[: MAX_MESSAGE - 1] + "…"


def find_open_issue(repo: Repository, key: str, label: str) -> Issue | None:
    """The oldest open issue carrying our label and marker (only fields of the listing are read, so
    finding it costs one request a page)."""
    ours = [issue for issue in repo.get_issues(state="open", labels=[label], sort="created", direction="asc")
            if marker(key) in (issue.body or "")]
    return ours[0] if ours else None


def sync_issue(repo: Repository, run: RunResult, *, key: str, label: str, title: str,
               run_url: str | None, scrubber: Scrubber) -> IssueOutcome:
    """Open, update or close the nightly issue to match `run.verdict`."""
    from github import GithubException

    issue = find_open_issue(repo, key, label)
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
