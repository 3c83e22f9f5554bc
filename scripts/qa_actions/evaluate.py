"""Gates: every problem in a run, categorised, and the verdict they add up to. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from .categories import Category, at_least, categorize
from .model import Problem, RunResult, ScanResult, TierResult


def evaluate(run: RunResult, overrides: dict[str, Category], fail_on: Category) -> RunResult:
    """Fill `run.problems` and `run.verdict`: failed when a blocking problem is at `fail_on` or worse."""
    rules = _Problems(overrides)
    problems: list[Problem] = []
    for tier in run.tiers.values():
        problems += rules.of_tier(tier)
    for scan in run.scans.values():
        problems += rules.of_scan(scan)
    run.problems = problems
    failed = any(p.blocking and at_least(p.category, fail_on) for p in problems)
    run.verdict = "failed" if failed else "passed"
    return run


COVERAGE_CODES = frozenset({"coverage-gate", "coverage-missing"})


def coverage_verdict(run: RunResult, fail_on: Category) -> str:
    """The verdict of the coverage gates alone, for a step that gates coverage and nothing else."""
    missed = any(p.blocking and p.code in COVERAGE_CODES and at_least(p.category, fail_on) for p in run.problems)
    return "failed" if missed else "passed"


@dataclass
class _Problems:
    overrides: dict[str, Category]

    def make(self, source: str, code: str, message: str, file: str | None = None, line: int | None = None) -> Problem:
        return Problem(categorize(source, code, self.overrides), source, code, message, file, line)

    def of_tier(self, tier: TierResult) -> list[Problem]:
        found = []
        if tier.status == "error":
            found.append(self.make(tier.name, tier.error_code or "tier-error", tier.reason or "the tier could not run"))
        for failure in tier.failures:
            code = "test-error" if failure.kind == "error" else "test-failure"
            found.append(self.make(tier.name, code, f"{failure.test}: {failure.message}", failure.file, failure.line))
        unreported = tier.counts.failed + tier.counts.errors - len(tier.failures)
        if unreported > 0:
            found.append(self.make(tier.name, "test-failure", f"{unreported} more failing tests (details cut)"))
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

    def of_scan(self, scan: ScanResult) -> list[Problem]:
        found = []
        if scan.status == "error":
            found.append(self.make(scan.name, "scan-error", scan.reason or "the scan could not run"))
        for finding in scan.findings:
            code = "vulnerable-dependency" if finding.package else f"finding-{finding.severity}"
            where = finding.package or finding.file
            found.append(self.make(scan.name, code, f"{finding.rule}: {finding.message} ({where})",
                                   finding.file, finding.line))
        return found
