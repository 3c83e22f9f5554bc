"""What a test-impact selection did to one tier's run (docs/impact.md), as `tier.json` records it
and `results.json` carries it to the report: the same record in both, so one type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# selected: only the tests the change can break ran; full: selection was asked for but everything ran
# (the reason says why); recorded: a full run that measured per-test contexts, from which a map is built
SelectionMode = Literal["selected", "full", "recorded"]
FULL_RUN_LABEL = "qa:full-run"  # a pull request's label that runs every test


@dataclass
class CarriedCoverage:
    """Line coverage of a selected run: the blocks the change left alone carry the counts of the map's
    full run (codecov's carryforward, per function), the changed and new ones are measured now."""

    covered: int  # lines
    statements: int
    carried_blocks: int = 0
    measured_blocks: int = 0
    base_commit: str | None = None
    covered_branches: int = 0  # a run measured with branches, as coverage.py counts them
    branches: int = 0

    @property
    def consistent(self) -> bool:
        """Counts that can be true (read from a tier.json, which anyone who made the results wrote)."""
        counts = (self.covered, self.statements, self.covered_branches, self.branches)
        return (all(type(n) is int and n >= 0 for n in counts) and self.covered <= self.statements
                and self.covered_branches <= self.branches)

    @property
    def percent(self) -> float:
        """coverage.py's own figure: lines and branches together."""
        total = self.statements + self.branches
        return 100.0 * (self.covered + self.covered_branches) / total if total else 100.0


@dataclass
class TierSelection:
    mode: SelectionMode
    explanation: str = ""  # "ran 41 of 612 unit tests: 37 affected by 3 changed functions, 4 new"
    reason: str | None = None  # why everything ran
    selected: int = 0  # tests run
    total: int = 0  # tests of the tier
    map_commit: str | None = None  # the full run whose map decided
    map_branch: str | None = None
    map_verdict: str | None = None  # how that run ended (`passed`, `failed`), when the history has it
    base: str | None = None  # the commit the change is compared with
    coverage: CarriedCoverage | None = None
    misses: list[str] = field(default_factory=list)  # failing tests an earlier selection would have left out
    # a recording run: the project folder it measured in (the data file's paths are under it, which
    # another job's checkout may not be)
    measured_in: str | None = None
