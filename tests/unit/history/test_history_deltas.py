"""The PR comment's deltas against the base branch, over the synthetic history (tests/history_factory.py)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from history_factory import HOUR, T0, UNIT, build_history

from qa_actions.config.history import HistoryConfig
from qa_actions.github_env import read_github_env
from qa_actions.history.deltas import base_branch_for, base_deltas, dashboard_link, load_base_deltas
from qa_actions.history.store import open_history
from qa_actions.model import Counts, CoverageResult, Failure, RunInfo, RunResult, TierResult


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return build_history(tmp_path_factory.mktemp("history") / "qa-history.sqlite")


def pr_run(run_id: str, hours: float, coverage: float, duration: float, failing: list[str]) -> RunResult:
    time = datetime.fromtimestamp(T0 + hours * HOUR, UTC).isoformat()
    unit = TierResult("unit", "failed" if failing else "passed", Counts(tests=10, failed=len(failing)),
                      duration_s=duration, coverage=CoverageResult(coverage, 80.0),
                      failures=[Failure(test, "assert False") for test in failing])
    smoke = TierResult("smoke", "passed", Counts(tests=3, passed=3), duration_s=2.0)
    chaos = TierResult("chaos", "passed", duration_s=1.0)
    return RunResult(RunInfo(run_id, time, branch="feature/a"), {"unit": unit, "smoke": smoke, "chaos": chaos})


def test_a_pull_request_not_yet_recorded(history: Path) -> None:
    run = pr_run("pr-1", 194.5, 85.0, 15.0, [UNIT[3], "tests/unit/test_m.py::test_new"])
    deltas = load_base_deltas(history, "main", run)
    # the latest main run before 194.5 h is run 193: coverage 80 + 3 / 2 = 81.5 %, 10 + 193 % 5 = 13 s
    assert deltas.base.run_id == "run-193"
    unit = deltas.tiers["unit"]
    assert (unit.base_coverage, unit.coverage_delta, unit.base_duration_s, unit.duration_delta_s) == (
        81.5, 3.5, 13.0, 2.0)
    smoke = deltas.tiers["smoke"]
    assert (smoke.coverage_delta, smoke.duration_delta_s) == (None, -1.0)
    assert deltas.tiers["chaos"].duration_delta_s is None  # not in the base run
    # test_3 passed in run 193; test_new is not in the history at all
    assert deltas.new_failures == [("unit", UNIT[3]), ("unit", "tests/unit/test_m.py::test_new")]
    assert deltas.fixed_failures == []  # nothing failed in run 193


def test_a_pull_request_not_yet_recorded_fixes_what_failed_on_main(history: Path) -> None:
    run = pr_run("pr-2", 109.5, 85.0, 15.0, [])  # main's run 109 failed test_1
    assert load_base_deltas(history, "main", run).fixed_failures == [("unit", UNIT[1])]
    run.tiers["unit"].status = "skipped"  # not run now: not fixed
    assert load_base_deltas(history, "main", run).fixed_failures == []


def test_a_recorded_run_gets_fixed_failures_too(history: Path) -> None:
    run = pr_run("run-112", 112, 81.0, 12.0, [])
    with open_history(history) as store:
        deltas = base_deltas(store, "main", run)
    # run 112 against main run 109: coverage 81 vs 84.5, 12 s vs 14 s; test_1 failed in 109, passes in 112
    assert deltas.base.run_id == "run-109"
    assert (deltas.tiers["unit"].coverage_delta, deltas.tiers["unit"].duration_delta_s) == (-3.5, -2.0)
    assert (deltas.new_failures, deltas.fixed_failures) == ([], [("unit", UNIT[1])])


def test_nothing_to_compare_with(history: Path, tmp_path: Path) -> None:
    deltas = load_base_deltas(history, "main", pr_run("early", -1, 90.0, 5.0, []))
    assert deltas.base is None and deltas.tiers["unit"].coverage_delta is None
    assert load_base_deltas(history, "develop", pr_run("x", 300, 90.0, 5.0, [])).base is None
    assert load_base_deltas(tmp_path / "none.sqlite", "main", pr_run("x", 300, 90.0, 5.0, [])) is None


def test_base_branch_and_dashboard_link() -> None:
    config = HistoryConfig(base_branch="trunk", dashboard_url=None)
    assert base_branch_for(config, read_github_env({"GITHUB_BASE_REF": "release"})) == "release"
    assert base_branch_for(config, read_github_env({"GITHUB_BASE_REF": ""})) == "trunk"
    env = read_github_env({"GITHUB_REPOSITORY": "org/repo", "GITHUB_RUN_ID": "42",
                           "GITHUB_SERVER_URL": "https://ghe.example/"})
    assert dashboard_link(None, env) == "https://ghe.example/org/repo/actions/runs/42#artifacts"
    assert dashboard_link("https://org.github.io/repo/", env) == "https://org.github.io/repo/"
    assert dashboard_link(None, read_github_env({})) is None
