"""Everything the dashboard shows, computed once from the history (the renderer only formats it).

Windows: tier statistics and slowest tests cover the last `window` runs of the base branch; flaky
tests the last `window` runs of every branch (a rerun that passes is flaky whatever the branch);
trends and time to green the whole history.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..history.metrics import (
    RAN,
    Comparison,
    Stability,
    TierStats,
    TimeToGreen,
    base_run,
    compare,
    flaky_tests,
    green_rate,
    results_by_test,
    slowest_tests,
    stability,
    tier_stats,
    time_to_green,
)
from ..history.store import HistoryStore, RunRow, ScanRow, TierRow

MAX_BRANCHES = 30
FLAKY_ROWS = 50
SLOWEST_ROWS = 20
RECENT_ROWS = 20
ACTIONS_RUN_ID = re.compile(r"(\d+)(?:\.(\d+))?")  # GITHUB_RUN_ID.GITHUB_RUN_ATTEMPT, as project/runinfo.py writes it


@dataclass
class FlakyRow:
    tier: str
    test: str
    stability: Stability


@dataclass
class SlowRow:
    tier: str
    test: str
    runs: int
    mean_s: float
    max_s: float
    last_s: float


@dataclass
class BranchRow:
    """The latest run of a branch, against the base run before it."""

    branch: str
    run: RunRow
    base: RunRow | None
    new_failures: list[str] | None  # "tier: test"; None when either run has no per-test outcomes
    fixed_failures: list[str] | None


@dataclass
class DashboardModel:
    base_branch: str
    base_note: str | None
    window: int
    runs: int
    branches: list[str]
    first: int | None
    last: int | None
    repository: str | None
    latest: RunRow | None
    green_rate: float | None
    window_runs: int  # runs of the base branch the statistics cover
    recent_runs: int  # runs of every branch the flaky table covers
    pass_rate: float | None
    flaky_rate: float | None
    ttg: TimeToGreen
    tiers: list[TierStats]
    flaky: list[FlakyRow]
    unstable: int  # tests flaky or flipping in the window (the table shows the first FLAKY_ROWS)
    slowest: list[SlowRow]
    branch_rows: list[BranchRow]
    recent: list[RunRow] = field(default_factory=list)  # the latest runs of every branch, newest first
    server_url: str = "https://github.com"
    series: dict[str, Any] = field(default_factory=dict)

    def run_url(self, run: RunRow) -> str | None:
        return run_url(run, self.server_url)

    def commit_url(self, run: RunRow) -> str | None:
        return commit_url(run, self.server_url)


def run_url(run: RunRow, server_url: str) -> str | None:
    """The run's page on GitHub Actions, built from its repository and run id (the history stores no URL).

    Runs made outside Actions (`local-…` ids) or without a repository have none.
    """
    found = ACTIONS_RUN_ID.fullmatch(run.run_id)
    if not (found and run.repository):
        return None
    url = f"{server_url}/{run.repository}/actions/runs/{found[1]}"
    return f"{url}/attempts/{found[2]}" if found[2] and found[2] != "1" else url


def commit_url(run: RunRow, server_url: str) -> str | None:
    return f"{server_url}/{run.repository}/commit/{run.commit}" if run.repository and run.commit else None


def run_label(run: RunRow) -> str:
    """`#123`, `#123 (attempt 2)`, or the local id as it is."""
    found = ACTIONS_RUN_ID.fullmatch(run.run_id)
    if not found:
        return run.run_id
    return f"#{found[1]}" + (f" (attempt {found[2]})" if found[2] and found[2] != "1" else "")


def branch_label(branch: str) -> str:
    """A branch as a reader sees it: runs recorded outside git have the empty branch."""
    return branch or "(no branch)"


def build_model(store: HistoryStore, base_branch: str, window: int,
                server_url: str = "https://github.com") -> DashboardModel:
    runs = store.runs()
    branch_counts = Counter(run.branch for run in runs)
    note = None
    if runs and base_branch not in branch_counts:
        fallback = branch_counts.most_common(1)[0][0] or ""
        shown = f"`{fallback}`, the branch" if fallback else "the runs recorded without a branch (outside git),"
        note = f"no runs on `{base_branch}`; showing {shown} with the most runs"
        base_branch = fallback
    base_runs = [run for run in runs if (run.branch or "") == base_branch]
    recent, base_window = runs[-window:], base_runs[-window:]
    tiers = store.tiers()
    latest_by_branch = {run.branch or "": run for run in runs}
    latest = sorted(latest_by_branch.values(), key=lambda r: (r.time, r.key), reverse=True)[:MAX_BRANCHES]
    bases = {run.key: base_run(base_runs, run, base_branch) for run in latest}
    needed = {r.key for r in recent} | {r.key for r in base_window} | {r.key for r in latest}
    needed |= {b.key for b in bases.values() if b is not None}
    outcomes = store.outcomes_by_run(sorted(needed))
    names = store.test_names()

    stats = tier_stats(base_window, tiers)
    unstable = flaky_tests(stability(recent, outcomes), limit=None)
    ran = sum(s.tests for s in stats.values())
    order = _tier_order(tiers, runs)
    return DashboardModel(
        base_branch=base_branch, base_note=note, window=window, runs=len(runs),
        branches=sorted(b or "" for b in branch_counts), first=runs[0].time if runs else None,
        last=runs[-1].time if runs else None, repository=next((r.repository for r in reversed(runs) if r.repository),
                                                               None),
        latest=base_runs[-1] if base_runs else None, green_rate=green_rate(base_window), window_runs=len(base_window),
        recent_runs=len(recent),
        pass_rate=sum(s.passed for s in stats.values()) / ran if ran else None,
        flaky_rate=sum(s.flaky for s in stats.values()) / ran if ran else None,
        ttg=time_to_green(base_runs),
        tiers=[stats[name] for name in order if name in stats],
        flaky=[FlakyRow(*names[s.test], s) for s in unstable[:FLAKY_ROWS]], unstable=len(unstable),
        slowest=[SlowRow(*names[t.test], t.runs, t.mean_s, t.max_s, t.last_s)
                 for t in slowest_tests(base_window, outcomes, SLOWEST_ROWS)],
        branch_rows=[_branch_row(run, bases[run.key], outcomes, names) for run in latest],
        recent=runs[::-1][:RECENT_ROWS], server_url=server_url.rstrip("/"),
        series=_series(runs, tiers, store.scans(), order),
    )


def _tier_order(tiers: dict[int, list[TierRow]], runs: list[RunRow]) -> list[str]:
    """Tiers in the order the latest run lists them, then any older ones by name."""
    latest = [row.tier for row in tiers.get(runs[-1].key, [])] if runs else []
    older = sorted({row.tier for rows in tiers.values() for row in rows} - set(latest))
    return latest + older


def _branch_row(run: RunRow, base: RunRow | None, outcomes: dict, names: dict[int, tuple[str, str]]) -> BranchRow:
    if base is None or run.key not in outcomes or base.key not in outcomes:
        return BranchRow(run.branch or "", run, base, None, None)
    found: Comparison = compare(results_by_test(outcomes[run.key]), results_by_test(outcomes[base.key]))
    label = [f"{names[t][0]}: {names[t][1]}" for t in found.new], [f"{names[t][0]}: {names[t][1]}" for t in found.fixed]
    return BranchRow(run.branch or "", run, base, *label)


def _series(runs: list[RunRow], tiers: dict[int, list[TierRow]], scans: dict[int, list[ScanRow]],
            order: list[str]) -> dict[str, Any]:
    """Columns for the trend charts, one entry per run (oldest first); null where a tier did not run.

    Durations are in seconds with millisecond precision, so sub-second tiers are not drawn as 0.
    """
    branches = sorted({run.branch or "" for run in runs})
    index = {name: i for i, name in enumerate(branches)}
    columns: dict[str, dict[str, list[float | None]]] = {
        name: {"pass_rate": [], "tests": [], "duration": [], "coverage": [], "flaky": []} for name in order}
    findings: dict[str, list[int | None]] = {"high": [], "medium": [], "low": []}
    for run in runs:
        rows = {row.tier: row for row in tiers.get(run.key, [])}
        for name, column in columns.items():
            row = rows.get(name)
            if row is None or row.status not in RAN:
                row = None
            tests = row.counts.tests - row.counts.skipped if row else 0
            column["pass_rate"].append(round(100 * row.counts.passed / tests, 2) if row and tests else None)
            column["tests"].append(row.counts.tests if row else None)
            column["duration"].append(round(row.duration_s, 3) if row else None)
            column["coverage"].append(round(row.coverage, 2) if row and row.coverage is not None else None)
            column["flaky"].append(row.counts.flaky if row else None)
        run_scans = scans.get(run.key)
        for severity, column in findings.items():
            column.append(sum(getattr(scan, severity) for scan in run_scans) if run_scans else None)
    return {
        "time": [run.time for run in runs],
        "branch": [index[run.branch or ""] for run in runs],
        "passed": [int(run.verdict == "passed") for run in runs],
        "commit": [(run.commit or "")[:7] for run in runs],
        "run": [run_label(run) for run in runs],
        "branches": branches,
        "tiers": columns,
        "findings": findings,
    }
