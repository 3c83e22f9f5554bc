"""The effectiveness questions a QA lead asks, answered from the history. Pure: data in, numbers out.

Definitions (docs/dashboard.md repeats them for readers):
- pass rate: passed tests (flaky ones included) / tests that ran (not skipped), over tier runs that ran;
- flaky rate: flaky tests / tests that ran;
- duration: mean and p95 (nearest rank) of a tier's wall time over the runs in which it ran;
- a flaky run of a test: it failed, then passed on rerun, in one run;
- a flip: a test's result (pass or fail; flaky counts as pass) differs from its previous result on the
  same branch; flip rate = flips / comparisons (consecutive pairs on one branch);
- new failures: failing in a run, not failing in the base run; fixed: failing in the base run, passing now;
- time to green: from the first failed run after a passed one (on one branch) to the next passed run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .store import ERROR, FAILED, FLAKY, PASSED, SKIPPED, RunRow, TierOutcomes, TierRow

FAILING = frozenset({FAILED, ERROR})
RAN = ("passed", "failed")


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by nearest rank (a value that occurred); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


@dataclass
class TierStats:
    tier: str
    runs: int = 0
    tests: int = 0  # that ran (not skipped), summed over the runs
    passed: int = 0
    flaky: int = 0
    durations: list[float] = field(default_factory=list)
    coverage: float | None = None  # of the latest run that measured it
    coverage_gate: float | None = None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.tests if self.tests else None

    @property
    def flaky_rate(self) -> float | None:
        return self.flaky / self.tests if self.tests else None

    @property
    def mean_duration_s(self) -> float:
        return mean(self.durations)

    @property
    def p95_duration_s(self) -> float:
        return p95(self.durations)


def tier_stats(runs: Sequence[RunRow], tiers: dict[int, list[TierRow]]) -> dict[str, TierStats]:
    """Per tier, over `runs` (oldest first): pass and flaky rates, durations, latest coverage."""
    stats: dict[str, TierStats] = {}
    for run in runs:
        for row in tiers.get(run.key, []):
            if row.status not in RAN:
                continue
            stat = stats.setdefault(row.tier, TierStats(row.tier))
            stat.runs += 1
            stat.tests += row.counts.tests - row.counts.skipped
            stat.passed += row.counts.passed
            stat.flaky += row.counts.flaky
            stat.durations.append(row.duration_s)
            if row.coverage is not None:
                stat.coverage, stat.coverage_gate = row.coverage, row.coverage_gate
    return stats


def green_rate(runs: Sequence[RunRow]) -> float | None:
    """Share of `runs` whose verdict passed."""
    return sum(run.verdict == "passed" for run in runs) / len(runs) if runs else None


@dataclass
class Stability:
    """How one test behaved over a window of runs."""

    test: int  # id in the history's test table
    runs: int = 0  # runs in which it ran (not skipped)
    flaky_runs: int = 0
    failed_runs: int = 0
    flips: int = 0
    comparisons: int = 0
    last_flaky: int | None = None  # time of the latest flaky run

    @property
    def flip_rate(self) -> float:
        return self.flips / self.comparisons if self.comparisons else 0.0


def stability(runs: Sequence[RunRow], outcomes: dict[int, list[TierOutcomes]]) -> dict[int, Stability]:
    """Flaky runs, failures and flips of every test over `runs` (oldest first), by test id."""
    found: dict[int, Stability] = {}
    previous: dict[tuple[int, str | None], bool] = {}  # (test, branch) -> failed last time
    for run in runs:
        for part in outcomes.get(run.key, []):
            for test, code in zip(part.tests, part.outcomes, strict=True):
                if code == SKIPPED:
                    continue
                stat = found.get(test)
                if stat is None:
                    stat = found[test] = Stability(test)
                stat.runs += 1
                failed = code in FAILING
                stat.failed_runs += failed
                if code == FLAKY:
                    stat.flaky_runs += 1
                    stat.last_flaky = run.time
                before = previous.get((test, run.branch))
                if before is not None:
                    stat.comparisons += 1
                    stat.flips += before != failed
                previous[(test, run.branch)] = failed
    return found


def flaky_tests(found: dict[int, Stability], limit: int | None = 50) -> list[Stability]:
    """Tests that were flaky or flipped, most flaky runs first, then most flips (all of them for limit None)."""
    unstable = [s for s in found.values() if s.flaky_runs or s.flips]
    unstable.sort(key=lambda s: (-s.flaky_runs, -s.flips, -s.flip_rate, s.test))
    return unstable[:limit]


@dataclass
class Timing:
    test: int
    runs: int
    mean_s: float
    max_s: float
    last_s: float


def slowest_tests(runs: Sequence[RunRow], outcomes: dict[int, list[TierOutcomes]], limit: int = 20) -> list[Timing]:
    """Tests with the highest mean duration over `runs` (oldest first) in which they ran."""
    durations: dict[int, list[int]] = {}
    for run in runs:
        for part in outcomes.get(run.key, []):
            for test, code, ms in zip(part.tests, part.outcomes, part.durations_ms, strict=True):
                if code != SKIPPED:
                    durations.setdefault(test, []).append(ms)
    timings = [Timing(test, len(ms), sum(ms) / len(ms) / 1000, max(ms) / 1000, ms[-1] / 1000)
               for test, ms in durations.items()]
    timings.sort(key=lambda t: (-t.mean_s, t.test))
    return timings[:limit]


@dataclass
class Comparison:
    """Failures of a run against a base run, as test ids."""

    new: list[int]
    fixed: list[int]


def results_by_test(parts: Iterable[TierOutcomes]) -> dict[int, int]:
    return {test: code for part in parts for test, code in zip(part.tests, part.outcomes, strict=True)}


def compare(run: dict[int, int], base: dict[int, int]) -> Comparison:
    """New failures (failing in `run`, not in `base`) and fixed ones (failing in `base`, passing in `run`)."""
    new = sorted(test for test, code in run.items() if code in FAILING and base.get(test) not in FAILING)
    fixed = sorted(test for test, code in base.items() if code in FAILING and run.get(test) in (PASSED, FLAKY))
    return Comparison(new, fixed)


def base_run(runs: Sequence[RunRow], run: RunRow, base_branch: str) -> RunRow | None:
    """The latest run of `base_branch` up to `run`'s time (never `run` itself), from `runs` oldest first.

    Runs recorded without a branch (outside git) count as branch "".
    """
    found = None
    for candidate in runs:
        if candidate.time > run.time:
            break
        if (candidate.branch or "") == base_branch and candidate.run_id != run.run_id:
            found = candidate
    return found


@dataclass
class TimeToGreen:
    recoveries: list[int]  # seconds from turning red to the next green run, oldest first
    red_since: int | None  # when the current red streak began, if the latest run failed

    @property
    def mean_s(self) -> float | None:
        return mean(self.recoveries) if self.recoveries else None

    @property
    def max_s(self) -> int | None:
        return max(self.recoveries) if self.recoveries else None


def time_to_green(runs: Sequence[RunRow]) -> TimeToGreen:
    """Red streaks of one branch's runs (oldest first) and how long each took to turn green."""
    recoveries: list[int] = []
    red_since: int | None = None
    for run in runs:
        if run.verdict != "passed":
            if red_since is None:
                red_since = run.time
        elif red_since is not None:
            recoveries.append(run.time - red_since)
            red_since = None
    return TimeToGreen(recoveries, red_since)
