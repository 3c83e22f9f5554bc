"""The table `qa run` prints at the end: one row per tier and scan, then the verdict.

Names, titles and reasons come from the results: each is cut to one line here, so that a name cannot
add a line of its own to the table (the command prints the table through `github_env.untrusted`, so
that no line of it is a workflow command).
"""

from __future__ import annotations

from collections import Counter

from ..categories import CATEGORY_ORDER
from ..model import LoadResult, RunResult, ScanResult, TierResult
from ..text import duration, one_line
from . import format as fmt

HEADERS = ("tier", "tests", "passed", "failed", "skipped", "duration", "coverage", "status")
LOAD_HEADERS = ("load", "requests", "failed", "req/s", "p50", "p95", "p99", "thresholds")
SCAN_HEADERS = ("scan", "findings", "high", "medium", "low", "duration", "", "status")
EXPERIMENT_MARKS = {"passed": "✓", "failed": "✗", "error": "!"}


def render_table(run: RunResult) -> str:
    rows = []
    if run.tiers or not run.scans:
        rows += [HEADERS, *(_tier_row(t) for t in run.tiers.values())]
    loads = [t for t in run.tiers.values() if t.load is not None]
    if loads:
        rows.append(LOAD_HEADERS)
        rows += [_load_row(t.name, t.load) for t in loads if t.load is not None]
    if run.scans:
        rows.append(SCAN_HEADERS)
        rows += [_scan_row(scan) for scan in run.scans.values()]
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(HEADERS) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    changed = fmt.changed_lines(run.changed_lines)
    if changed:
        lines += ["", f"changed lines: {changed}"]
    return "\n".join(lines) + "\n\n" + _experiments(run) + render_verdict(run) + "\n"


def _tier_row(tier: TierResult) -> tuple[str, ...]:
    c = tier.counts
    coverage = fmt.coverage(tier.coverage)
    if tier.coverage is not None and not tier.coverage.meets_gate:
        coverage += " ✗"
    counts = ("—",) * 4 if tier.kind == "load" else (str(c.tests), str(c.passed), str(c.failed + c.errors),
                                                       str(c.skipped))
    return (one_line(tier.name, 60), *counts, duration(tier.duration_s), coverage,
            _status(tier.status, tier.reason) + _notes(tier))


def _notes(tier: TierResult) -> str:
    """What a passing status hides: quarantined failures and flaky tests."""
    notes = []
    if tier.quarantined:
        notes.append(f"{len(tier.quarantined)} quarantined failing")
    if tier.counts.flaky:
        notes.append(f"{tier.counts.flaky} flaky")
    return f" ({', '.join(notes)})" if notes else ""


def _scan_row(scan: ScanResult) -> tuple[str, ...]:
    severities = Counter(f.severity for f in scan.findings)
    status = f"{scan.status} ({one_line(scan.reason, 90)})" if scan.reason else scan.status
    if scan.suppressed:
        status += f" ({len(scan.suppressed)} {'baselined' if scan.name == 'bandit' else 'ignored'})"
    return (one_line(scan.name, 60), str(len(scan.findings)), str(severities["high"]), str(severities["medium"]),
            str(severities["low"]), duration(scan.duration_s), "", status)


def _load_row(name: str, load: LoadResult) -> tuple[str, ...]:
    total, limits = load.total, load.thresholds
    checks = []
    if limits.p95_ms is not None:
        checks.append(f"p95 ≤ {limits.p95_ms:g} ms {_mark(total.p95_ms <= limits.p95_ms)}")
    if limits.fail_ratio is not None:
        checks.append(f"failed ≤ {limits.fail_ratio:.2%} {_mark(total.fail_ratio <= limits.fail_ratio)}")
    if limits.rps_min is not None:
        checks.append(f"req/s ≥ {limits.rps_min:g} {_mark(total.rps >= limits.rps_min)}")
    return (one_line(name, 60), str(total.requests), f"{total.fail_ratio:.2%}", f"{total.rps:.1f}",
            f"{total.p50_ms:g} ms", f"{total.p95_ms:g} ms", f"{total.p99_ms:g} ms", ", ".join(checks) or "none")


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _experiments(run: RunResult) -> str:
    """One line per chaostoolkit experiment, with the reason when it did not pass."""
    lines = []
    for tier in run.tiers.values():
        for experiment in tier.experiments:
            where = f"{one_line(experiment.file, 120)}, " if experiment.file != experiment.title else ""
            line = (f"  {EXPERIMENT_MARKS.get(experiment.status, '?')} {one_line(tier.name, 60)}: "
                    f"{one_line(experiment.title, 160)}"
                    f" ({where}{duration(experiment.duration_s)})")
            if experiment.reason:
                line += f" — {one_line(experiment.reason, 160)}"
            lines.append(line)
    return "experiments:\n" + "\n".join(lines) + "\n\n" if lines else ""


def _status(status: str, reason: str | None) -> str:
    """The status and, unless it passed, why (a tier that found no tests fails with where it looked)."""
    if status != "passed" and reason:
        return f"{status} ({one_line(reason, 90)})"
    return status



def render_verdict(run: RunResult) -> str:
    counts = Counter(p.category for p in run.problems)
    tally = ", ".join(f"{counts.get(c, 0)} {c}" for c in CATEGORY_ORDER)
    return f"verdict: {run.verdict.upper()}  (problems: {tally})"
