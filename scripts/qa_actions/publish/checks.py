"""Check runs on the head commit, annotations sent in batches of at most 50 per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..render.checks import CheckRunSpec
from .budget import WriteBudget

if TYPE_CHECKING:
    from github.Repository import Repository


@dataclass(frozen=True)
class CreatedCheckRun:
    """A check run as created: its name, a line for the log, and its page (an output of `qa publish`)."""

    name: str
    line: str
    url: str | None


def create_check_run(repo: Repository, head_sha: str, spec: CheckRunSpec, external_id: str,
                     budget: WriteBudget) -> CreatedCheckRun:
    """Create one completed check run, then add the remaining annotations 50 at a time; its page goes to
    the comment's links and to the outputs.

    Each request spends one write of `budget` (BudgetSpent stops before a request it has no write for)."""
    batches = spec.batches()
    budget.spend(f"the check run {spec.name}")
    check = repo.create_check_run(
        name=spec.name, head_sha=head_sha, status="completed", conclusion=spec.conclusion,
        completed_at=datetime.now(UTC), external_id=external_id, output=spec.output(batches[0]),
    )
    for batch in batches[1:]:
        budget.spend(f"annotations of {spec.name}")
        check.edit(output=spec.output(batch))
    count = len(spec.annotations)
    annotated = f", {count} annotation{'s' if count != 1 else ''}" if count else ""
    return CreatedCheckRun(spec.name, f"{spec.name}: {spec.conclusion}{annotated}", check.html_url or None)
