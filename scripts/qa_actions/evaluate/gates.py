"""Gates: every problem in a run, categorised, and the verdict they add up to. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ..categories import Category, at_least, categorize
from ..manifest import NO_TESTS, NOT_ALLOWED
from ..model import ChangedLinesResult, Problem, RunResult, ScanResult, TierResult
from .protection import GATES

CHANGED_LINES = "changed-lines"  # the source of the changed-lines gate's problems


def evaluate(
    run: RunResult, overrides: dict[str, Category], fail_on: Category, quarantine: dict[str, list[str]] | None = None,
    expect_tests: Mapping[str, Sequence[str]] | None = None, whole_run: bool = True,
    preexisting: Mapping[str, Collection[str]] | None = None,
) -> RunResult:
    """Fill `run.problems` and `run.verdict`: failed when a blocking problem is at `fail_on` or worse.

    `quarantine` maps a tier to test-id patterns (fnmatch) whose failures are reported but do not
    block: such a tier passes when nothing else failed, and lists them in `quarantined`.
    `expect_tests` maps each tier that must collect tests to where they were looked for
    (`QaConfig.expect_tests()`: tiers without `allow-empty`; from the trusted configuration,
    since a results folder is a claim of whoever made it): such a tier in the run that collected none
    fails with `no-tests` (a tier the environment does not run is not one). None: no tier must.
    `whole_run`: the run is a whole run (`qa run`, `collect`, `gate`), so tiers of which none ran a
    test, an experiment or a load test make it `nothing-ran` (see `nothing_ran`); not for one tier
    alone (`qa tier`).
    `preexisting` maps a tier to the test ids that also fail in the base branch's latest run
    (`fail-on-failures = "new"`, from the history the gate job owns, never from the results): their
    failures are reported as pre-existing but do not block, and the tier lists them in `preexisting`.
    """
    rules = _Problems(overrides, quarantine or {}, expect_tests or {}, preexisting or {})
    problems: list[Problem] = []
    for tier in run.tiers.values():
        problems += rules.of_tier(tier)
    if whole_run and nothing_ran(run):
        problems.append(rules.make(GATES, "nothing-ran", f"nothing was tested: none of the {len(run.tiers)} tiers"
                                   f" ({', '.join(run.tiers)}) ran a test, an experiment or a load test"))
    for scan in run.scans.values():
        problems += rules.of_scan(scan)
    if run.changed_lines is not None:
        problems += rules.of_changed_lines(run.changed_lines)
    run.problems = problems
    run.fail_on = fail_on
    run.verdict = "failed" if any(fails_verdict(p, fail_on) for p in problems) else "passed"
    return run


def add_problems(run: RunResult, overrides: dict[str, Category], found: list[tuple[str, str, str, bool]]) -> RunResult:
    """Add problems found outside the run's own parts, (source, code, message, blocking) each, and
    recompute the verdict: the gates of the trusted side (protection.py)."""
    rules = _Problems(overrides)
    run.problems += [rules.make(source, code, message, blocking=blocking) for source, code, message, blocking in found]
    run.verdict = "failed" if any(fails_verdict(p, run.fail_on) for p in run.problems) else "passed"
    return run


def fails_verdict(problem: Problem, fail_on: Category) -> bool:
    """True when `problem` alone makes the verdict `failed`."""
    return problem.blocking and at_least(problem.category, fail_on)


def collected_nothing(tier: TierResult) -> bool:
    """The tier has no test, experiment or load run: its paths are missing, pytest collected none
    (exit code 5), every shard collected none, or the environment does not run it. A test-impact
    selection that kept none of the tests it collected is not nothing: the change can break none."""
    return (tier.status != "error" and tier.counts.tests == 0 and not tier.experiments and tier.load is None
            and not selected_none(tier))


def selected_none(tier: TierResult) -> bool:
    """The tier's test-impact selection kept none of the tests pytest collected."""
    chosen = tier.selected_part
    return chosen is not None and chosen.selected == 0 and chosen.total > 0


def nothing_ran(run: RunResult) -> bool:
    """The run has tiers and none of them ran a test, an experiment or a load test. A tier that could
    not run (status error) is its own critical problem, which says why: not repeated as this one."""
    tiers = run.tiers.values()
    return bool(tiers) and not any(ran_something(t) or t.status == "error" for t in tiers)


def ran_something(tier: TierResult) -> bool:
    """A test of the tier passed, failed or errored, or it ran an experiment or a load test."""
    c = tier.counts
    return bool(c.passed or c.failed or c.errors or tier.experiments or tier.load is not None or selected_none(tier))


COVERAGE_CODES = frozenset({"coverage-gate", "coverage-missing"})
MAX_MISSES = 50  # selection misses named one by one (a tier.json is a claim of whoever made it)


def unmeasured_gates(run: RunResult, gates: Mapping[str, float]) -> list[tuple[str, str, str, bool]]:
    """For a step that gates coverage alone (`qa gate --coverage-only`), which must never pass on no data:
    each tier of the results that `gates` (the trusted configuration's coverage gates) gates, without a
    measured percentage and without a `coverage-missing` already (a tier evaluated as a quiet skip aside),
    and the run when no tier measured coverage at all; for `add_problems`, after `evaluate` and
    `mark_missing_tiers` (which puts a missing tier that has tests into the results, as an error)."""
    found = []
    for name, gate in gates.items():
        tier = run.tiers.get(name)
        if tier is None or (tier.coverage is not None and tier.coverage.percent is not None):
            continue
        if any(p.source == name and p.code == "coverage-missing" for p in run.problems):
            continue
        if tier.status == "skipped" and collected_nothing(tier):
            continue  # allowed to be empty, or not run in this environment: judged by `evaluate`
        why = f"the tier is {tier.status}" + (f" ({tier.reason})" if tier.reason else "")
        found.append((name, "coverage-missing", f"no coverage data for the {gate:g}% gate: {why}", True))
    measured = any(t.coverage is not None and t.coverage.percent is not None for t in run.tiers.values())
    if not measured and not found and not any(p.code == "coverage-missing" for p in run.problems):
        found.append((GATES, "coverage-missing", "no coverage data: no tier in the results measured coverage",
                      True))
    return found


def coverage_verdict(run: RunResult, fail_on: Category) -> str:
    """The verdict of the coverage gates alone, for a step that gates coverage and nothing else."""
    missed = any(p.blocking and p.code in COVERAGE_CODES and at_least(p.category, fail_on) for p in run.problems)
    return "failed" if missed else "passed"


@dataclass
class _Problems:
    overrides: dict[str, Category]
    quarantine: dict[str, list[str]] = field(default_factory=dict)
    expect_tests: Mapping[str, Sequence[str]] = field(default_factory=dict)
    preexisting: Mapping[str, Collection[str]] = field(default_factory=dict)

    def make(self, source: str, code: str, message: str, file: str | None = None, line: int | None = None,
             blocking: bool = True) -> Problem:
        return Problem(categorize(source, code, self.overrides), source, code, message, file, line, blocking)

    def of_empty(self, tier: TierResult) -> list[Problem]:
        """A tier that collected nothing: `no-tests` when it must have tests, else a quiet skip."""
        places = self.expect_tests.get(tier.name)
        if places is None or tier.error_code == NOT_ALLOWED:
            tier.status = "skipped"
            return []
        message = f"no tests found: looked in {', '.join(places)}" if places else "no tests found"
        tier.status, tier.error_code, tier.reason = "failed", NO_TESTS, message
        return [self.make(tier.name, NO_TESTS, message)]

    def of_tier(self, tier: TierResult) -> list[Problem]:
        if collected_nothing(tier):
            return self.of_empty(tier)
        found = []
        if tier.status == "error":
            found.append(self.make(tier.name, tier.error_code or "tier-error", tier.reason or "the tier could not run"))
        patterns = self.quarantine.get(tier.name, [])
        known = self.preexisting.get(tier.name, ())
        tier.quarantined, tier.preexisting = [], []
        held_back = 0
        for failure in tier.failures:
            code = failure.code or ("test-error" if failure.kind == "error" else "test-failure")
            held = any(fnmatchcase(failure.test, pattern) for pattern in patterns)
            message = f"{failure.test}: {failure.message}"
            if held:
                tier.quarantined.append(failure.test)
                message += " (quarantined: does not fail the gate)"
            elif failure.test in known:
                held = True
                tier.preexisting.append(failure.test)
                message += " (pre-existing: also fails on the base branch; does not fail the gate)"
            held_back += held
            found.append(self.make(tier.name, code, message, failure.file, failure.line, blocking=not held))
        unreported = tier.counts.failed + tier.counts.errors - len(tier.failures)
        if unreported > 0:  # not named, so not known to fail on the base branch: they block
            found.append(self.make(tier.name, "test-failure", f"{unreported} more failing tests (details cut)"))
        load_misses = tier.load.misses() if tier.load is not None and tier.status != "error" else []
        found += [self.make(tier.name, "load-threshold", miss) for miss in load_misses]
        if tier.status in ("passed", "failed"):
            blocking = unreported > 0 or held_back < len(tier.failures) or bool(load_misses)
            tier.status = "failed" if blocking else "passed"
        found += self.of_flaky(tier)
        misses = tier.selection.misses if tier.selection is not None else []
        found += [self.make(tier.name, "selection-miss", f"{test}: fails in this full run, but the impact map's "
                            "selection for the change since the map left it out (a flaky test shows here too)")
                  for test in misses[:MAX_MISSES]]
        if len(misses) > MAX_MISSES:
            found.append(self.make(tier.name, "selection-miss", f"{len(misses) - MAX_MISSES} more tests the "
                                   "selection left out fail in this full run"))
        coverage = tier.coverage
        if coverage is None or tier.status in ("skipped", "error"):
            return found
        if coverage.percent is None:
            found.append(self.make(tier.name, "coverage-missing",
                                   f"no coverage report was produced, so the {coverage.gate:g}% gate cannot pass"))
        elif not coverage.meets_gate:
            found.append(self.make(tier.name, "coverage-gate",
                                   f"line coverage {coverage.percent:.2f}% is below the {coverage.gate:g}% gate"))
        return found

    def of_flaky(self, tier: TierResult) -> list[Problem]:
        found = [self.make(tier.name, "flaky-test", f"{test}: failed, then passed on rerun") for test in tier.flaky]
        unlisted = tier.counts.flaky - len(tier.flaky)
        if unlisted > 0:
            found.append(self.make(tier.name, "flaky-test", f"{unlisted} more flaky tests (details cut)"))
        return found

    def of_scan(self, scan: ScanResult) -> list[Problem]:
        found = []
        if scan.status == "error":
            found.append(self.make(scan.name, scan.error_code or "scan-error", scan.reason or "the scan could not run"))
        for finding in scan.findings:
            code = finding.code or ("vulnerable-dependency" if finding.package else f"finding-{finding.severity}")
            found.append(self.make(scan.name, code, finding.summary, finding.file, finding.line))
        return found

    def of_changed_lines(self, changed: ChangedLinesResult) -> list[Problem]:
        if changed.status == "unavailable":
            return [self.make(CHANGED_LINES, "changed-lines-unmeasured", changed.reason or "could not be measured")]
        if changed.meets_gate:
            return []
        missed = changed.statements - changed.covered
        first = next((f for f in changed.files if f.uncovered), None)
        return [self.make(
            CHANGED_LINES, "changed-lines-coverage",
            f"changed lines are {changed.percent:.2f}% covered, below the {changed.gate:g}% gate: "
            f"{missed} of {changed.statements} changed lines are not run by any tier",
            first.file if first else None, first.uncovered[0].start if first else None,
        )]
