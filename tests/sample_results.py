"""Results models for the renderer and publisher tests: a realistic failing run, and ways to grow it."""

from __future__ import annotations

from qa_actions.evaluate.gates import evaluate
from qa_actions.model import (
    ChangedFile,
    ChangedLinesResult,
    Counts,
    CoverageResult,
    Failure,
    Finding,
    LineRange,
    RunInfo,
    RunResult,
    ScanResult,
    TierResult,
)

HEAD = "0d94f32b0e13d98e4f9055e87793599036161a7d"
BASE = "35fb21cabe28a2ed11a962cba6e833497f982536"


def failing_run(project_path: str = "") -> RunResult:
    """Every section of the report has something in it: a failed test, a missed gate, findings, changed lines."""
    run = RunResult(run=RunInfo("123.1", "2026-11-28T00:00:00+00:00", commit=HEAD, branch="feature",
                                event="pull_request", repository="org/repo", project_path=project_path))
    run.tiers["unit"] = TierResult("unit", "failed", Counts(200, 199, 1, 0, 0, 0), 1.83, CoverageResult(97.68, 80.0),
                                   [Failure("tests/unit/test_money.py::test_broken", "assert Money(1) == Money(2)",
                                            "tests/unit/test_money.py", 42, traceback=TRACEBACK)])
    run.tiers["integration"] = TierResult("integration", "passed", Counts(11, 11), 1.6, CoverageResult(59.1, 60.0))
    run.tiers["chaos"] = TierResult("chaos", "passed", Counts(5, 5, flaky=1), 0.6)
    run.tiers["acid"] = TierResult("acid", "skipped", reason="no tests (tests/acid not found)")
    run.scans["bandit"] = ScanResult("bandit", "failed", [
        Finding("bandit", "B602", "high", "subprocess call with shell=True", "HIGH", "src/ledger/importer.py", 12,
                cwe="CWE-78"),
        Finding("bandit", "B105", "low", "possible hardcoded password", "MEDIUM", "src/ledger/store.py", 7)])
    run.scans["safety"] = ScanResult("safety", "failed", [
        Finding("safety", "70612", "high", "sandbox escape", package="jinja2", version="3.1.2", fix_version="3.1.3",
                cve="CVE-2024-22195", file="requirements.txt")])
    run.changed_lines = ChangedLinesResult(
        "measured", 80.0, 75.0, 16, 12, BASE, HEAD,
        [ChangedFile("src/ledger/money.py", 10, 7, [LineRange(61, 65), LineRange(70, 70)]),
         ChangedFile("src/ledger/pricing.py", 6, 5, [LineRange(12, 12)])])
    return evaluate(run, {}, "medium")


def passing_run() -> RunResult:
    run = RunResult(run=RunInfo("124.1", "2026-11-28T00:00:00+00:00", commit=HEAD, branch="feature"))
    run.tiers["unit"] = TierResult("unit", "passed", Counts(200, 200), 1.8, CoverageResult(97.68, 80.0))
    run.tiers["smoke"] = TierResult("smoke", "passed", Counts(3, 3), 0.7)
    return evaluate(run, {}, "medium")


def with_failures(run: RunResult, count: int, message: str = "assert 1 == 2", tier: str = "unit") -> RunResult:
    """`run` with `count` failing tests in `tier`, each at its own line of one test file."""
    failures = [Failure(f"tests/unit/test_many.py::test_{i}", f"{message} ({i})", "tests/unit/test_many.py", i + 1,
                        traceback=f"{TRACEBACK}\n{message}") for i in range(count)]
    run.tiers[tier] = TierResult(tier, "failed", Counts(count, 0, count), 3.0, CoverageResult(90.0, 80.0), failures)
    return evaluate(run, {}, "medium")


TRACEBACK = """def test_broken():
>       assert Money(1) == Money(2)
E       assert Money(1) == Money(2)

tests/unit/test_money.py:42: AssertionError"""
