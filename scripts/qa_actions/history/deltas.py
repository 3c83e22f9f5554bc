"""What the PR comment shows from the history: coverage and duration deltas against the base branch,
new and fixed failures, and where the dashboard is.

    github = read_github_env()
    deltas = load_base_deltas(config.history.path(config.project), base_branch_for(config.history, github), run)
    if deltas and deltas.base:  # else: no history yet, or no base run before this one
        deltas.tiers["unit"].coverage_delta   # percentage points, e.g. -1.25
        deltas.tiers["unit"].duration_delta_s  # seconds, e.g. +12.3
        deltas.new_failures                   # [(tier, test id)], failing now and not in the base run
    link = dashboard_link(config.history.dashboard_url, github)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config.history import HistoryConfig
from ..github_env import GitHubEnv
from ..model import CoverageResult, RunResult
from .metrics import FAILING, base_run, compare, results_by_test
from .store import HistoryStore, RunRow, epoch, open_history


@dataclass
class TierDelta:
    """One tier now and in the base run; a delta is None when either side has no value."""

    tier: str
    coverage: float | None
    base_coverage: float | None
    duration_s: float
    base_duration_s: float | None

    @property
    def coverage_delta(self) -> float | None:
        """Percentage points gained (+) or lost (-)."""
        if self.coverage is None or self.base_coverage is None:
            return None
        return round(self.coverage - self.base_coverage, 2)

    @property
    def duration_delta_s(self) -> float | None:
        """Seconds slower (+) or faster (-)."""
        return None if self.base_duration_s is None else round(self.duration_s - self.base_duration_s, 3)


@dataclass
class BaseDeltas:
    base_branch: str
    base: RunRow | None  # the run compared with: the latest of the base branch before this run
    tiers: dict[str, TierDelta]
    new_failures: list[tuple[str, str]]  # (tier, test id)
    fixed_failures: list[tuple[str, str]] | None  # failing on the base branch, not now (its tier ran); None: unknown


def base_deltas(store: HistoryStore, base_branch: str, run: RunResult) -> BaseDeltas:
    """Compare `run` (recorded in `store` or not) with the latest earlier run of `base_branch`."""
    info = run.run
    current = RunRow(info.run_id, epoch(info.time), run.verdict, branch=info.branch)
    base = base_run(store.runs(base_branch), current, base_branch)
    if base is None:
        tiers = {name: TierDelta(name, _percent(t.coverage), None, t.duration_s, None) for name, t in run.tiers.items()}
        return BaseDeltas(base_branch, None, tiers, [], None)
    base_tiers = {row.tier: row for row in store.tiers([base.key]).get(base.key, [])}
    tiers = {}
    for name, tier in run.tiers.items():
        before = base_tiers.get(name)
        ran_before = before is not None and before.status in ("passed", "failed")
        tiers[name] = TierDelta(name, _percent(tier.coverage), before.coverage if ran_before else None,
                                tier.duration_s, before.duration_s if ran_before else None)
    names = store.test_names()
    ids = {name: test for test, name in names.items()}
    recorded = store.find_run(info.run_id)
    outcomes = store.outcomes_by_run([base.key] + ([recorded.key] if recorded else []))
    before = results_by_test(outcomes.get(base.key, []))
    if recorded is not None and recorded.key in outcomes:
        found = compare(results_by_test(outcomes[recorded.key]), before)
        return BaseDeltas(base_branch, base, tiers, [names[t] for t in found.new], [names[t] for t in found.fixed])
    failing_before = {test for test, code in before.items() if code in FAILING}
    failing_now = {(name, failure.test) for name, tier in run.tiers.items() for failure in tier.failures}
    new = [(name, failure.test) for name, tier in run.tiers.items() for failure in tier.failures
           if ids.get((name, failure.test)) not in failing_before]
    # not recorded yet: a test failing on the base branch is fixed when its tier ran now and it did not fail
    ran = {name for name, tier in run.tiers.items() if tier.status in ("passed", "failed")}
    fixed = sorted(names[t] for t in failing_before if names[t][0] in ran and names[t] not in failing_now)
    return BaseDeltas(base_branch, base, tiers, new, fixed)


@dataclass
class BaseFailures:
    """The tests failing in the base branch's latest run (`base`), by (tier, test id); `note` says why
    there is nothing to compare with when `base` is None or it recorded no per-test outcomes."""

    base_branch: str
    base: RunRow | None
    failing: frozenset[tuple[str, str]]
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.base is not None and self.note is None


PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target", "workflow_run"})


def failing_on_base(history: Path, base_branch: str, this_run: str | None) -> BaseFailures:
    """What fails in the latest run of `base_branch` in `history`, for `fail-on-failures = "new"`.

    Picked without the results' word (their time or branch, which a pull request's run wrote): the
    newest run of the branch whose event is not a pull request's (so no earlier run of a pull
    request from a fork's branch of that name) and that is not `this_run`."""
    if not history.is_file():
        return BaseFailures(base_branch, None, frozenset(), f"no history file ({history.name}) to compare with")
    with open_history(history) as store:
        runs = [r for r in store.runs(base_branch) if r.run_id != this_run and r.event not in PULL_REQUEST_EVENTS]
        if not runs:
            return BaseFailures(base_branch, None, frozenset(), f"no run of `{base_branch}` in the history")
        base = runs[-1]
        parts = store.outcomes_by_run([base.key]).get(base.key, [])
        if not parts:
            return BaseFailures(base_branch, base, frozenset(),
                                f"the latest run of `{base_branch}` ({base.run_id}) kept no per-test outcomes")
        failing = [test for test, code in results_by_test(parts).items() if code in FAILING]
        names = store.test_names(failing).values() if failing else ()
        return BaseFailures(base_branch, base, frozenset(names))


def base_test_count(history: Path, base_branch: str, run: RunResult) -> int | None:
    """How many tests the base branch's latest run before `run` had (None: no history, or no such run)."""
    if not history.is_file():
        return None
    with open_history(history) as store:
        info = run.run
        base = base_run(store.runs(base_branch), RunRow(info.run_id, epoch(info.time), run.verdict,
                                                       branch=info.branch), base_branch)
        if base is None:
            return None
        return sum(row.counts.tests for row in store.tiers([base.key]).get(base.key, []))


def load_base_deltas(history: Path, base_branch: str, run: RunResult) -> BaseDeltas | None:
    """`base_deltas` from the history file, or None when there is no history yet."""
    if not history.is_file():
        return None
    with open_history(history) as store:
        return base_deltas(store, base_branch, run)


def base_branch_for(config: HistoryConfig, env: GitHubEnv) -> str:
    """A pull request's base branch (`GITHUB_BASE_REF`), else `[tool.qa.history] base-branch`."""
    return env.base_ref or config.base_branch


def dashboard_link(configured: str | None, env: GitHubEnv) -> str | None:
    """Where the dashboard is: the configured URL (GitHub Pages), else the workflow run holding the artifact."""
    if configured:
        return configured
    return f"{env.run_url}#artifacts" if env.run_url else None


def _percent(coverage: CoverageResult | None) -> float | None:
    return coverage.percent if coverage else None
