"""An external tier: another tool's test runner (jest, go test, Maven, mocha…) wrote JUnit XML and
maybe Cobertura or LCOV coverage, and `qa collect` turns those files into one tier of the run.

The reports are read where `qa collect` runs (found by globs: `[tool.qa.tiers.<name>]` with
`kind = "external"`, or `qa collect --junit-files TIER=GLOB`), with the limits of every report we
read (junit.py, foreign_coverage.py). What the files say counts for their own tier only: its name
and its coverage gate come from the configuration or the command line, never from a file, and a
file that cannot be read makes that tier an error while the rest of the run is still reported.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..layout import TIER_NAME, TIER_NAME_RULE
from ..manifest import NO_TESTS
from ..model import CoverageResult, TierResult
from .foreign_coverage import LineCount, read_line_count
from .junit import MAX_FAILURES, SLOWEST, parse_junit

EXTERNAL = "external"  # the tier of --junit-files / --coverage-files given without TIER=
MAX_REPORT_FILES = 1000
READ_ERROR = "tier-error"


@dataclass
class ExternalReports:
    """Where one external tier's reports are: globs relative to `base` (absolute ones as they are)."""

    tier: str
    junit: list[str] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)
    gate: float | None = None
    allow_empty: bool = False
    base: Path = field(default_factory=Path)


def parse_spec(text: str) -> tuple[str, str]:
    """`js=web/reports/*.xml` -> ("js", "web/reports/*.xml"); a bare glob is the `external` tier's."""
    name, sep, pattern = text.partition("=")
    if sep and TIER_NAME.fullmatch(name.strip()):
        return name.strip(), pattern.strip()
    if sep and "/" not in name and "*" not in name:
        raise InputError(f"{text!r}: the tier name {name[:40]!r} is not allowed: {TIER_NAME_RULE}")
    return EXTERNAL, text.strip()


def find_files(patterns: list[str], base: Path) -> list[Path]:
    """The regular files the globs match, each once, in a stable order."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        given = Path(pattern)
        root, relative = (Path(given.anchor), given.relative_to(given.anchor)) if given.is_absolute() else (base, given)
        for path in sorted(root.glob(str(relative))) if str(relative) != "." else []:
            if path.is_file():
                found[path] = None
            if len(found) > MAX_REPORT_FILES:
                raise InputError(f"{pattern!r} matches more than {MAX_REPORT_FILES} files: name the reports")
    return list(found)


def collect_external(spec: ExternalReports) -> TierResult:
    """The tier the reports make: counts, failures, flaky and slowest tests, coverage with its gate."""
    tier = TierResult(name=spec.tier, status="skipped", kind=EXTERNAL)
    where = ", ".join(spec.junit) or "no glob given"
    try:
        files = find_files(spec.junit, spec.base)
        reports = [parse_junit(path) for path in files]
    except InputError as exc:
        return _error(tier, f"a JUnit report of tier {spec.tier} cannot be read: {exc}")
    if not files:
        if spec.allow_empty:
            tier.reason, tier.error_code = f"no JUnit report matched {where}", NO_TESTS
            return tier
        return _error(tier, f"no JUnit report matched {where} (did the test runner write it, and did it reach"
                            " this job?)")
    tier.shards = 1
    for report in reports:
        tier.counts += report.counts
        tier.duration_s += report.duration_s
        tier.failures.extend(report.failures[: MAX_FAILURES - len(tier.failures)])
        tier.flaky.extend(report.flaky[: MAX_FAILURES - len(tier.flaky)])
    tier.duration_s = round(tier.duration_s, 3)
    tier.slowest = heapq.nlargest(SLOWEST, (t for r in reports for t in r.slowest), key=lambda t: t.duration_s)
    c = tier.counts
    if c.tests == 0:
        tier.reason, tier.error_code = f"the JUnit reports ({where}) hold no test", NO_TESTS
        return tier
    tier.status = "failed" if c.failed or c.errors else "passed"
    try:
        tier.coverage = _coverage(spec)
    except InputError as exc:
        return _error(tier, f"a coverage report of tier {spec.tier} cannot be read: {exc}")
    return tier


def _coverage(spec: ExternalReports) -> CoverageResult | None:
    files = find_files(spec.coverage, spec.base)
    if not files:
        return None if spec.gate is None else CoverageResult(percent=None, gate=spec.gate)
    total = LineCount()
    for path in files:
        total += read_line_count(path)
    if total.percent is None and spec.gate is None:
        return None  # no line measured and no gate to miss
    return CoverageResult(percent=total.percent, gate=spec.gate, covered_lines=total.covered,
                          num_statements=total.statements)


def _error(tier: TierResult, reason: str) -> TierResult:
    tier.status, tier.error_code, tier.reason = "error", READ_ERROR, reason
    return tier
