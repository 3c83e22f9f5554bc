"""Metrics over the synthetic 200-run history, against values worked out by hand from its patterns.

See tests/history_factory.py for the patterns; the comments below show the arithmetic.
"""

from pathlib import Path

import pytest
from history_factory import HOUR, T0, UNIT, build_history

from qa_actions.history.metrics import (
    Comparison,
    base_run,
    compare,
    flaky_tests,
    green_rate,
    p95,
    results_by_test,
    slowest_tests,
    stability,
    tier_stats,
    time_to_green,
)
from qa_actions.history.store import open_history

WINDOW = 50


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = build_history(tmp_path_factory.mktemp("history") / "qa-history.sqlite")
    with open_history(path) as opened:
        yield opened


@pytest.fixture(scope="module")
def ids(store):
    return {name: test for test, (_tier, name) in store.test_names().items()}


def by_id(store) -> dict:
    return {run.run_id: run for run in store.runs()}


def test_the_history_has_200_runs_on_3_branches(store) -> None:
    summary = store.summary()
    assert (summary.runs, summary.runs_with_tests, summary.tests) == (200, 200, 13)
    assert summary.branches == ["feature/a", "main", "release"]
    assert [len(store.runs(b)) for b in summary.branches] == [50, 100, 50]


def test_tier_stats_over_the_last_50_main_runs(store) -> None:
    window = store.runs("main")[-WINDOW:]  # runs 100, 101, 104, 105, … 196, 197
    stats = tier_stats(window, store.tiers())
    unit = stats["unit"]
    # 50 runs * 10 tests, minus test_2 skipped in the 25 odd runs = 475 that ran;
    # test_1 failed in runs 100, 101, 104, 105, 108, 109 = 6, so 469 passed
    assert (unit.runs, unit.tests, unit.passed) == (50, 475, 469)
    assert unit.pass_rate == pytest.approx(469 / 475)
    # test_0 flaky in main runs with i % 10 == 0: 100, 120, 140, 160, 180
    assert unit.flaky == 5 and unit.flaky_rate == pytest.approx(5 / 475)
    # i % 5 takes each value 0-4 ten times over these 50 runs: mean 12 s; the 48th of 50 sorted is 14 s
    assert (unit.mean_duration_s, unit.p95_duration_s) == (12.0, 14.0)
    # the latest main run is 197: 80 + 7 / 2
    assert (unit.coverage, unit.coverage_gate) == (83.5, 80.0)
    smoke = stats["smoke"]
    assert (smoke.pass_rate, smoke.flaky_rate, smoke.mean_duration_s, smoke.coverage) == (1.0, 0.0, 3.0, None)
    assert green_rate(window) == 44 / 50


def test_flaky_tests_and_flip_rates_over_the_last_50_runs(store, ids) -> None:
    window = store.runs()[-WINDOW:]  # runs 150-199 on every branch
    found = stability(window, store.outcomes_by_run([r.key for r in window]))
    first, second = flaky_tests(found)[:2]
    assert len(flaky_tests(found)) == 2
    # test_0: flaky in runs 150, 160, 170, 180, 190; a flaky run counts as a pass, so it never flips.
    # comparisons: 24 main runs (23 pairs) + 13 feature (12) + 13 release (12) = 47
    assert first.test == ids[UNIT[0]]
    assert (first.runs, first.flaky_runs, first.failed_runs, first.flips, first.comparisons) == (50, 5, 0, 0, 47)
    assert first.last_flaky == T0 + 190 * HOUR
    # test_3 on feature/a: 150 P, 154 F, 158 P, … 194 F, 198 P = 12 flips in 12 pairs; 0 on the others
    assert second.test == ids[UNIT[3]]
    assert (second.flaky_runs, second.failed_runs, second.flips, second.comparisons) == (0, 6, 12, 47)
    assert second.flip_rate == pytest.approx(12 / 47)
    # test_1 broke on main in runs 100-109 only, before this window: stable here
    assert found[ids[UNIT[1]]].flips == 0 and found[ids[UNIT[1]]].runs == 50
    # test_2 ran only in the 25 even runs
    assert found[ids[UNIT[2]]].runs == 25


def test_slowest_tests_over_the_last_50_main_runs(store, ids) -> None:
    window = store.runs("main")[-WINDOW:]
    slowest = slowest_tests(window, store.outcomes_by_run([r.key for r in window]), limit=3)
    assert [t.test for t in slowest] == [ids["tests/smoke/test_up.py::test_boot"], ids[UNIT[9]], ids[UNIT[8]]]
    boot, nine, eight = slowest
    assert (boot.runs, boot.mean_s, boot.max_s) == (50, 2.5, 2.5)
    # test_9: 1 + (i % 5) / 10, each remainder ten times: mean 1.2; max 1.4; run 197: 1.2
    assert (nine.mean_s, nine.max_s, nine.last_s) == (pytest.approx(1.2), 1.4, 1.2)
    assert eight.mean_s == pytest.approx(0.9)


def test_new_and_fixed_failures_against_the_base_branch(store, ids) -> None:
    runs = store.runs()
    named = by_id(store)

    def against_main(run_id: str):
        run = named[run_id]
        base = base_run(runs, run, "main")
        outcomes = store.outcomes_by_run([run.key, base.key])
        return base.run_id, compare(results_by_test(outcomes[run.key]), results_by_test(outcomes[base.key]))

    # feature run 194 breaks test_3; the latest main run before it is 193
    assert against_main("run-194") == ("run-193", compare_of(new=[ids[UNIT[3]]]))
    # main run 100 breaks test_1 against main run 97; run 109 fails like run 108 before it
    assert against_main("run-100") == ("run-97", compare_of(new=[ids[UNIT[1]]]))
    assert against_main("run-109") == ("run-108", compare_of())
    # main run 112 passes again: test_1 is fixed
    assert against_main("run-112") == ("run-109", compare_of(fixed=[ids[UNIT[1]]]))
    # a flaky test is not a failure: run 160 (test_0 flaky) against 157
    assert against_main("run-160") == ("run-157", compare_of())
    assert base_run(runs, named["run-0"], "main") is None


def compare_of(new=(), fixed=()) -> Comparison:
    return Comparison(list(new), list(fixed))


def test_time_to_green(store) -> None:
    # main: red from run 100 until run 112 passes: 12 hours; no other red run
    main = time_to_green(store.runs("main"))
    assert (main.recoveries, main.red_since, main.mean_s) == ([12 * HOUR], None, 12 * HOUR)
    # feature/a: runs 2, 10, … 194 fail (25 runs) and the next feature run, 4 hours later, passes
    feature = time_to_green(store.runs("feature/a"))
    assert feature.recoveries == [4 * HOUR] * 25 and feature.max_s == 4 * HOUR
    # a branch whose latest run failed is red since that streak began
    still_red = time_to_green(store.runs("feature/a")[:-1])
    assert (len(still_red.recoveries), still_red.red_since) == (24, T0 + 194 * HOUR)


def test_p95_is_a_value_that_occurred() -> None:
    assert p95([]) == 0.0
    assert p95([3.0]) == 3.0
    assert p95(list(range(1, 21))) == 19  # rank ceil(0.95 * 20) = 19
    assert p95(list(range(1, 101))) == 95


def test_empty_history_gives_empty_metrics(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        assert tier_stats(store.runs(), store.tiers()) == {}
        assert green_rate(store.runs()) is None
        assert time_to_green([]).mean_s is None
