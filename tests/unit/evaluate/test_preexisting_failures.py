"""`evaluate` with the base run's failing tests (`fail-on-failures = "new"`), and what the log says."""

from qa_actions.config import QaConfig
from qa_actions.evaluate.errorlog import failure_base_lines, render_summary
from qa_actions.evaluate.gates import evaluate
from qa_actions.evaluate.protection import GateSet, lowered_gates
from qa_actions.model import Counts, Failure, FailureBase, RunInfo, RunResult, TierResult


def two_failures() -> RunResult:
    tier = TierResult("unit", "failed", Counts(tests=3, passed=1, failed=2),
                      failures=[Failure("t::old", "boom"), Failure("t::new", "bang")])
    return RunResult(run=RunInfo("r2", "2026-12-04T00:00:00+00:00"), tiers={"unit": tier})


def test_only_failures_the_base_run_shares_stop_blocking() -> None:
    run = evaluate(two_failures(), {}, "medium", preexisting={"unit": {"t::old"}})
    old, new = run.problems
    assert (old.blocking, new.blocking) == (False, True)
    assert old.message == "t::old: boom (pre-existing: also fails on the base branch; does not fail the gate)"
    assert (run.verdict, run.tiers["unit"].status, run.tiers["unit"].preexisting) == ("failed", "failed", ["t::old"])


def test_a_tier_whose_failures_all_fail_on_the_base_passes() -> None:
    run = evaluate(two_failures(), {}, "medium", preexisting={"unit": {"t::old", "t::new"}})
    assert (run.verdict, run.tiers["unit"].status) == ("passed", "passed")
    # the same test id in another tier is another test
    assert evaluate(two_failures(), {}, "medium", preexisting={"smoke": {"t::old", "t::new"}}).verdict == "failed"
    # failures without details cannot be matched: they block
    run = two_failures()
    run.tiers["unit"].counts.failed = 3
    assert evaluate(run, {}, "medium", preexisting={"unit": {"t::old", "t::new"}}).verdict == "failed"


def test_the_log_says_what_was_compared_and_what_was_fixed() -> None:
    run = evaluate(two_failures(), {}, "medium", preexisting={"unit": {"t::old", "t::new"}})
    run.fail_on_failures = "new"
    run.failure_base = FailureBase("main", "100.1", "a" * 40, fixed=["unit: t::gone"])
    assert failure_base_lines(run) == [
        "fail-on-failures new: compared with `main` (run 100.1, commit aaaaaaa): 2 pre-existing failures do not"
        " fail the gate", "fixed: unit: t::gone"]
    assert "fixed: unit: t::gone" in render_summary(run)
    run.failure_base = FailureBase("main", note="no run of `main` in the history")
    assert failure_base_lines(run) == ["fail-on-failures new: no run of `main` in the history, so every failure"
                                       " fails the gate (as `any`)"]
    run.fail_on_failures = "any"
    assert failure_base_lines(run) == []


def test_switching_to_new_is_a_lowered_gate_and_back_is_not() -> None:
    strict, lenient = QaConfig(), QaConfig(fail_on_failures="new")
    has_tests = lambda name: True  # noqa: E731
    assert lowered_gates(GateSet.of_config(strict), GateSet.of_config(lenient), has_tests) == [
        "switches fail-on-failures any → new (failures that also fail on the base branch do not fail the verdict)"]
    assert lowered_gates(GateSet.of_config(lenient), GateSet.of_config(strict), has_tests) == []
