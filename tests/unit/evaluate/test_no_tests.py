"""Never green on nothing: `no-tests` for a tier that must have tests and collected none, `nothing-ran`
for a run in which no test ran, and the coverage gate alone that cannot pass on no data."""

from pathlib import Path

from qa_actions.config import parse_config
from qa_actions.evaluate.gates import add_problems, coverage_verdict, evaluate, unmeasured_gates
from qa_actions.model import (
    Counts,
    CoverageResult,
    ExperimentResult,
    RunInfo,
    RunResult,
    TierResult,
)


def run_with(*tiers: TierResult) -> RunResult:
    return RunResult(run=RunInfo("r1", "2026-11-28T00:00:00+00:00"), tiers={t.name: t for t in tiers})


def empty(name: str, reason: str = "no tests (tests/x not found)", code: str | None = "no-tests") -> TierResult:
    return TierResult(name, "skipped", reason=reason, error_code=code)


def green(name: str = "unit") -> TierResult:
    return TierResult(name, "passed", Counts(3, 3), coverage=CoverageResult(90.0, 80.0))


def codes(run: RunResult) -> list[tuple[str, str, str]]:
    return [(p.source, p.code, p.category) for p in run.problems]


def test_a_tier_that_must_have_tests_and_has_none_fails_with_where_it_looked() -> None:
    run = evaluate(run_with(green(), empty("integration")), {}, "medium", None,
                   {"unit": ["tests/unit"], "integration": ["tests/integration", "testpaths", "tests/"]})
    assert codes(run) == [("integration", "no-tests", "high")]
    assert run.problems[0].message == "no tests found: looked in tests/integration, testpaths, tests/"
    tier = run.tiers["integration"]
    assert (tier.status, tier.error_code, tier.reason) == ("failed", "no-tests", run.problems[0].message)
    assert run.verdict == "failed"


def test_allowed_empty_or_unexpected_tiers_are_a_quiet_skip() -> None:
    run = evaluate(run_with(green(), empty("integration")), {}, "medium", None, {"unit": ["tests/unit"]})
    assert run.problems == [] and run.verdict == "passed" and run.tiers["integration"].status == "skipped"


def test_the_verdict_follows_the_configuration_not_the_results() -> None:
    """results.json of a run that flagged a tier, gated again with a configuration that allows it empty."""
    run = evaluate(run_with(green(), empty("smoke")), {}, "medium", None, {"unit": [], "smoke": ["tests/smoke"]})
    assert run.tiers["smoke"].status == "failed"
    again = evaluate(run, {}, "medium", None, {"unit": []})
    assert again.problems == [] and again.tiers["smoke"].status == "skipped"
    strict = evaluate(again, {}, "medium", None, {"unit": [], "smoke": []})
    assert codes(strict) == [("smoke", "no-tests", "high")] and strict.problems[0].message == "no tests found"


def test_a_claimed_pass_without_tests_is_no_tests() -> None:
    """An artifact may say `passed`: what decides is that nothing was collected."""
    run = evaluate(run_with(green(), TierResult("acid", "passed")), {}, "medium", None, {"acid": ["tests/acid"]})
    assert codes(run) == [("acid", "no-tests", "high")]


def test_a_tier_the_environment_does_not_run_is_not_no_tests() -> None:
    skipped = empty("unit", "not allowed in production: only smoke run there", "not-allowed")
    run = evaluate(run_with(skipped, TierResult("smoke", "passed", Counts(2, 2))), {}, "medium", None,
                   {"unit": ["tests/unit"], "smoke": ["tests/smoke"]})
    assert run.problems == [] and run.tiers["unit"].status == "skipped"


def test_an_empty_shard_of_a_tier_whose_other_shards_ran_is_fine() -> None:
    """merge_tier adds the shards up: one that collected nothing leaves the tier with the others' tests."""
    tier = TierResult("unit", "passed", Counts(5, 5), shards=3, coverage=CoverageResult(91.0, 80.0))
    run = evaluate(run_with(tier), {}, "medium", None, {"unit": ["tests/unit"]})
    assert run.problems == []
    every_shard_empty = TierResult("unit", "skipped", shards=3, reason="no tests collected", error_code="no-tests")
    run = evaluate(run_with(every_shard_empty), {}, "medium", None, {"unit": ["tests/unit"]})
    assert [p.code for p in run.problems] == ["no-tests", "nothing-ran"]


def test_a_run_in_which_nothing_ran_is_critical() -> None:
    run = evaluate(run_with(empty("unit"), empty("smoke")), {}, "medium")  # no tier must have tests, still
    assert codes(run) == [("gates", "nothing-ran", "critical")]
    assert run.problems[0].message == ("nothing was tested: none of the 2 tiers (unit, smoke) ran a test, an"
                                       " experiment or a load test")
    assert run.verdict == "failed"


def test_skipped_tests_are_not_a_run_but_experiments_are() -> None:
    all_skipped = TierResult("unit", "passed", Counts(tests=4, skipped=4))
    assert [p.code for p in evaluate(run_with(all_skipped), {}, "medium").problems] == ["nothing-ran"]
    chaos = TierResult("chaos", "passed", Counts(1, 1), experiments=[ExperimentResult("exp", "e.json", "passed")])
    assert evaluate(run_with(chaos), {}, "medium").problems == []


def test_nothing_ran_is_for_whole_runs_with_tiers() -> None:
    assert evaluate(run_with(), {}, "medium").problems == []  # `qa scan`: no tiers at all
    one_tier = evaluate(run_with(empty("unit")), {}, "medium", None, {"unit": ["tests/unit"]}, whole_run=False)
    assert codes(one_tier) == [("unit", "no-tests", "high")]  # `qa tier`: the tier's own problem is enough
    crashed = TierResult("unit", "error", reason="pytest exited with 4", error_code="tier-error")
    assert codes(evaluate(run_with(crashed), {}, "medium")) == [("unit", "tier-error", "critical")]


def test_coverage_only_never_passes_on_no_data() -> None:
    run = evaluate(run_with(empty("unit"), TierResult("smoke", "passed", Counts(1, 1))), {}, "medium", None,
                   {"unit": ["tests/unit"], "smoke": ["tests/smoke"]})
    crashed = TierResult("integration", "error", reason="pytest exited with 4", error_code="tier-error")
    run.tiers["integration"] = crashed
    found = unmeasured_gates(run, {"unit": 80.0, "integration": 60.0, "acid": 50.0})  # acid: not in the results
    assert [(source, code) for source, code, _, _ in found] == [("unit", "coverage-missing"),
                                                                ("integration", "coverage-missing")]
    assert found[1][2] == "no coverage data for the 60% gate: the tier is error (pytest exited with 4)"
    assert coverage_verdict(add_problems(run, {}, found), "medium") == "failed"
    for nothing in (run_with(TierResult("smoke", "passed", Counts(1, 1))), run_with()):
        (problem,) = unmeasured_gates(evaluate(nothing, {}, "medium"), {"unit": 80.0})
        assert problem[:2] == ("gates", "coverage-missing") and problem[3]
    assert unmeasured_gates(run_with(green()), {"unit": 80.0, "integration": 60.0}) == []
    allowed = evaluate(run_with(green(), empty("integration")), {}, "medium", None, {"unit": []})
    assert unmeasured_gates(allowed, {"unit": 80.0, "integration": 60.0}) == []


def test_allow_empty_is_a_tier_key_and_expect_tests_reads_the_configuration() -> None:
    table = {"tiers": {"smoke": {"allow-empty": True}, "load": {"enabled": False}, "unit": {"paths": ["t/u"]}}}
    config = parse_config(table, Path(), Path("pyproject.toml"))
    assert config.tiers["smoke"].allow_empty and not config.tiers["unit"].allow_empty
    expected = config.expect_tests()
    # a disabled tier runs only when named, and then it must have tests too
    assert expected["unit"] == ["t/u"] and "smoke" not in expected and "load" in expected
    config.detection.looked_in = ["tests/unit", "testpaths", "tests/", "test/"]
    assert config.expect_tests()["unit"] == ["t/u"]  # configured paths: they are where the tests were looked for
    config.detection.layout = "none"  # nothing found: unit names every place detection looked
    assert config.expect_tests()["unit"] == ["tests/unit", "testpaths", "tests/", "test/"]
