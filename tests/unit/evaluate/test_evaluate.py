import pytest

from qa_actions.evaluate.gates import evaluate
from qa_actions.model import Counts, CoverageResult, Failure, Finding, RunInfo, RunResult, ScanResult, TierResult


def run_with(*tiers: TierResult, scans: tuple[ScanResult, ...] = ()) -> RunResult:
    return RunResult(run=RunInfo("r1", "2026-11-28T00:00:00+00:00"), tiers={t.name: t for t in tiers},
                     scans={s.name: s for s in scans})


def failing(name: str, kind: str = "failure") -> TierResult:
    return TierResult(name, "failed", Counts(tests=2, passed=1, failed=1),
                      failures=[Failure("t::x", "assert 1 == 2", "tests/t.py", 3, kind)])


def unit_with(coverage: CoverageResult) -> TierResult:
    """A unit tier whose three tests passed, with `coverage`."""
    return TierResult("unit", "passed", Counts(3, 3), coverage=coverage)


def test_all_green_passes() -> None:
    run = evaluate(run_with(unit_with(CoverageResult(85.0, 80.0))), {}, "medium")
    assert run.verdict == "passed" and run.problems == []


@pytest.mark.parametrize(
    ("tier", "category", "code"),
    [
        ("unit", "high", "test-failure"),
        ("integration", "high", "test-failure"),
        ("acid", "high", "test-failure"),
        ("smoke", "critical", "test-failure"),
        ("chaos", "medium", "test-failure"),
        ("contract", "high", "test-failure"),
    ],
)
def test_failure_categories_per_tier(tier: str, category: str, code: str) -> None:
    run = evaluate(run_with(failing(tier)), {}, "medium")
    (problem,) = run.problems
    assert (problem.category, problem.code, problem.source) == (category, code, tier)
    assert (problem.file, problem.line) == ("tests/t.py", 3)
    assert problem.message == "t::x: assert 1 == 2"
    assert run.verdict == "failed"


def test_test_errors_have_their_own_code() -> None:
    (problem,) = evaluate(run_with(failing("unit", "error")), {}, "medium").problems
    assert problem.code == "test-error" and problem.category == "high"


def test_coverage_gate_is_medium_and_fails_by_default() -> None:
    run = evaluate(run_with(unit_with(CoverageResult(79.99, 80.0))), {}, "medium")
    (problem,) = run.problems
    assert (problem.category, problem.code) == ("medium", "coverage-gate")
    assert problem.message == "line coverage 79.99% is below the 80% gate"
    assert run.verdict == "failed"


def test_fail_on_high_lets_medium_problems_pass() -> None:
    run = evaluate(run_with(unit_with(CoverageResult(50.0, 80.0))), {}, "high")
    assert run.problems and run.verdict == "passed"


def test_overrides_by_code_and_by_source() -> None:
    run = run_with(failing("unit"), failing("integration"),
                   TierResult("acid", "passed", Counts(3, 3), coverage=CoverageResult(1.0, 2.0)))
    evaluate(run, {"test-failure": "low", "integration.test-failure": "critical", "coverage-gate": "low"}, "medium")
    assert [(p.source, p.category) for p in run.problems] == [("unit", "low"), ("integration", "critical"),
                                                              ("acid", "low")]
    assert run.verdict == "failed"


def test_tier_errors_are_critical() -> None:
    run = evaluate(run_with(TierResult("unit", "error", reason="pytest exited with 4: bad option",
                                       error_code="tier-error"),
                            TierResult("smoke", "error", reason="stopped", error_code="tier-timeout"),
                            TierResult("acid", "passed", Counts(1, 1))), {}, "low")
    assert [(p.code, p.category) for p in run.problems] == [("tier-error", "critical"), ("tier-timeout", "critical")]


def test_a_tier_no_configuration_expects_tests_of_is_a_quiet_skip() -> None:
    run = evaluate(run_with(TierResult("chaos", "skipped", reason="no tests"), unit_with(CoverageResult(90.0))),
                   {}, "low")
    assert run.problems == [] and run.verdict == "passed" and run.tiers["chaos"].status == "skipped"


def test_missing_coverage_report_fails_the_gate() -> None:
    (problem,) = evaluate(run_with(unit_with(CoverageResult(None, 80.0))), {},
                          "medium").problems
    assert problem.code == "coverage-missing"


def test_failures_beyond_the_kept_details_are_counted() -> None:
    tier = failing("unit")
    tier.counts.failed = 7
    messages = [p.message for p in evaluate(run_with(tier), {}, "medium").problems]
    assert messages[-1] == "6 more failing tests (details cut)"


def test_scan_findings_by_severity() -> None:
    scan = ScanResult("bandit", "failed", findings=[
        Finding("bandit", "B602", "high", "shell=True", file="src/x.py", line=3),
        Finding("bandit", "B101", "low", "assert used", file="src/x.py", line=9),
    ])
    deps = ScanResult("safety", "failed", findings=[Finding("safety", "CVE-1", "medium", "bad", package="pkg")])
    run = evaluate(run_with(scans=(scan, deps)), {}, "medium")
    assert [(p.code, p.category) for p in run.problems] == [
        ("finding-high", "high"), ("finding-low", "low"), ("vulnerable-dependency", "high")]


def test_flaky_tests_are_low_problems_that_do_not_fail_by_default() -> None:
    tier = TierResult("unit", "passed", Counts(tests=3, passed=3, flaky=3), flaky=["t::a", "t::b"])
    run = evaluate(run_with(tier), {}, "medium")
    assert [(p.category, p.code, p.message) for p in run.problems] == [
        ("low", "flaky-test", "t::a: failed, then passed on rerun"),
        ("low", "flaky-test", "t::b: failed, then passed on rerun"),
        ("low", "flaky-test", "1 more flaky tests (details cut)"),
    ]
    assert run.verdict == "passed"
    assert evaluate(run_with(tier), {}, "low").verdict == "failed"


def test_quarantined_failures_are_reported_but_do_not_block() -> None:
    tier = failing("smoke")
    run = evaluate(run_with(tier), {}, "medium", {"smoke": ["t::*"]})
    (problem,) = run.problems
    assert (problem.category, problem.blocking) == ("critical", False)
    assert problem.message.endswith("(quarantined: does not fail the gate)")
    assert (run.verdict, tier.status, tier.quarantined) == ("passed", "passed", ["t::x"])
    # the same results gated again without the quarantine fail again
    run = evaluate(run, {}, "medium", {})
    assert (run.verdict, tier.status, tier.quarantined) == ("failed", "failed", [])


def test_quarantine_of_another_test_or_tier_changes_nothing() -> None:
    for quarantine in ({"smoke": ["t::y"]}, {"unit": ["t::x"]}):
        tier = failing("smoke")
        run = evaluate(run_with(tier), {}, "medium", quarantine)
        assert (run.verdict, tier.status, run.problems[0].blocking) == ("failed", "failed", True)


def test_quarantine_cannot_hide_failures_without_details() -> None:
    tier = failing("unit")
    tier.counts.failed = 2
    run = evaluate(run_with(tier), {}, "medium", {"unit": ["*"]})
    assert [p.blocking for p in run.problems] == [False, True]
    assert (run.verdict, tier.status) == ("failed", "failed")


def test_changed_lines_under_the_gate_is_medium() -> None:
    from qa_actions.model import ChangedFile, ChangedLinesResult, LineRange

    run = run_with(unit_with(CoverageResult(85.0, 80.0)))
    run.changed_lines = ChangedLinesResult("measured", 80.0, 79.99, 10, 8, files=[
        ChangedFile("pkg/a.py", 10, 8, [LineRange(3, 4)])])
    (problem,) = evaluate(run, {}, "medium").problems
    assert (problem.category, problem.source, problem.code) == ("medium", "changed-lines", "changed-lines-coverage")
    assert (problem.file, problem.line) == ("pkg/a.py", 3)
    assert problem.message == ("changed lines are 79.99% covered, below the 80% gate: "
                               "2 of 10 changed lines are not run by any tier")
    assert run.verdict == "failed" and run.fail_on == "medium"


def test_changed_lines_that_cannot_be_measured_are_low() -> None:
    from qa_actions.model import ChangedLinesResult

    run = run_with()
    run.changed_lines = ChangedLinesResult("unavailable", 80.0, reason="set `fetch-depth: 0`")
    (problem,) = evaluate(run, {}, "medium").problems
    assert (problem.category, problem.code, problem.message) == ("low", "changed-lines-unmeasured",
                                                                 "set `fetch-depth: 0`")
    assert run.verdict == "passed"
    run.changed_lines = ChangedLinesResult("measured", 80.0, None)  # no changed statement: nothing to gate
    assert evaluate(run, {}, "medium").problems == []
