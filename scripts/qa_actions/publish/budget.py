"""A fixed number of GitHub API writes per report, whatever the results hold.

The renderers cap what one report posts (tiers with a check run, annotations, failures); this is the
backstop that makes the cost of a hostile or simply huge artifact a constant: every create, update
and delete in publish/ spends one write, and once the budget is spent publishing stops with one line
saying so (the whole report is still in the job summary and the results folder).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..render.markdown import escape

# 20 tier check runs + security, coverage and verdict (23 creates), 10 more annotation batches
# (render/checks.py: 500 annotations per report), the comment and a few duplicates healed: under 40
MAX_WRITES = 50
COMMENT_WRITES = 6  # kept for the comment while the check runs (posted first, so it can link them) spend


class BudgetSpent(Exception):  # a signal, not an error: publishing stops, the job goes on
    """The report's writes are spent; `what` is the write that was not made."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass
class WriteBudget:
    limit: int = MAX_WRITES
    used: int = 0

    def spend(self, what: str) -> None:
        """Count one write about to be made; raise BudgetSpent instead when none is left."""
        if self.used >= self.limit:
            raise BudgetSpent(what)
        self.used += 1

    @contextmanager
    def keeping(self, writes: int) -> Iterator[None]:
        """Spend as if `writes` fewer were left, so that what comes after still has them."""
        self.limit -= writes
        try:
            yield
        finally:
            self.limit += writes

    def note(self, what: str) -> str:
        """The one line that says publishing stopped, for the job summary and the log (`what` may hold a
        tier's name: escaped)."""
        return (f"**Stopped after {self.used} GitHub API writes**, the most one report makes: {escape(what)} and "
                "what would follow were not posted. The whole report is in the job summary.")
