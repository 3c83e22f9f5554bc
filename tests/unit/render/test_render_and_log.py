"""The console table, the .errors/ log and the CLI's error handling, in process."""

import json
from pathlib import Path

import pytest

from qa_actions.cli import main
from qa_actions.evaluate.errorlog import write_error_log
from qa_actions.evaluate.gates import evaluate
from qa_actions.model import (
    Counts,
    CoverageResult,
    Failure,
    Finding,
    RunInfo,
    RunResult,
    ScanResult,
    TierResult,
    save_results,
)
from qa_actions.render.console import report
from qa_actions.terminal import render_text
from qa_actions.text import duration


def sample_run() -> RunResult:
    run = RunResult(run=RunInfo("r9", "2026-11-28T00:00:00+00:00"), tiers={
        "unit": TierResult("unit", "failed", Counts(10, 8, 1, 1, 0), 2.5, CoverageResult(70.0, 80.0),
                           [Failure("t::a", "boom", "tests/t.py", 4), Failure("t::b", "setup", kind="error")]),
        "chaos": TierResult("chaos", "skipped", reason="no tests (tests/chaos not found)"),
        "smoke": TierResult("smoke", "passed", Counts(3, 3), 75.0),
    }, scans={"bandit": ScanResult("bandit", "failed", [Finding("bandit", "B602", "high", "shell")], duration_s=1)})
    return evaluate(run, {}, "medium")


@pytest.mark.parametrize(("seconds", "text"), [(0.04, "0.0s"), (59.9, "59.9s"), (75, "1m15s"), (3725, "1h02m")])
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_table_rows_and_verdict() -> None:
    lines = console_text(sample_run()).splitlines()
    assert lines[0].split() == ["tier", "tests", "passed", "failed", "skipped", "duration", "coverage", "status"]
    assert lines[1].split() == ["unit", "10", "8", "2", "0", "2.5s", "70.00%", "(gate", "80%)", "✗", "failed"]
    assert lines[2].endswith("skipped — no tests (tests/chaos not found)")
    assert lines[3].split()[-2:] == ["—", "passed"] and "1m15s" in lines[3]
    assert lines[5].split() == ["bandit", "1", "1", "0", "0", "1.0s", "failed"]
    assert lines[-1] == "verdict: FAILED  (problems: 0 critical, 3 high, 1 medium, 0 low)"


def test_failing_tests_are_named_with_file_line_and_message() -> None:
    text = console_text(sample_run())
    assert "failing tests in unit: 2\n  ✗ t::a  tests/t.py:4  boom\n  ! t::b  error: setup\n" in text
    problems = text[text.index("problems:"):]
    assert problems.index("  high: 3 problems") < problems.index("  medium: 1 problem\n")
    assert "    unit test-failure: 1 failing test, listed above\n" \
           "      fix: rerun it with qa tier unit --pytest-args '-k TEST_NAME'" in problems
    assert "    bandit finding-high: B602: shell\n      fix: fix the code, or accept the finding" in problems


def test_ten_failures_a_tier_then_a_count() -> None:
    failures = [Failure(f"t::test_{i}", f"assert {i} == 0\nmore detail", "tests/t.py", i) for i in range(13)]
    run = evaluate(RunResult(run=RunInfo("r", "t"), tiers={
        "unit": TierResult("unit", "failed", Counts(13, 0, 13), failures=failures)}), {}, "medium")
    lines = console_text(run).splitlines()
    start = lines.index("failing tests in unit: 13")
    assert lines[start + 1:start + 3] == ["  ✗ t::test_0  tests/t.py  assert 0 == 0",  # line 0: no line number
                                          "  ✗ t::test_1  tests/t.py:1  assert 1 == 0"]
    assert lines[start + 10] == "  ✗ t::test_9  tests/t.py:9  assert 9 == 0"
    assert lines[start + 11] == "  … and 3 more" and "more detail" not in "\n".join(lines)


def test_untrusted_text_stays_text_and_on_its_line() -> None:
    """Markup in a name is printed as it is, a line break in it cannot start a line of its own, and a
    long reason wraps in its cell instead of being clipped."""
    reason = "pytest exited with 4: " + " ".join(f"word{i}" for i in range(60))
    run = evaluate(RunResult(run=RunInfo("r", "t"), tiers={
        "unit": TierResult("unit", "failed", Counts(1, 0, 1),
                           failures=[Failure("t::[bold red]x[/]\n::warning::y", "[link=x]boom[/link]")]),
        "smoke": TierResult("smoke", "error", reason=reason, error_code="tier-error")}), {}, "medium")
    text = console_text(run)
    assert "  ✗ t::[bold red]x[/] ::warning::y  [link=x]boom[/link]\n" in text
    assert not any(line.startswith("::") for line in text.splitlines())
    assert "…" not in text and "word59" in text
    smoke = [line for line in text.splitlines() if "word" in line]
    assert len(smoke) >= 2 and all(len(line) <= 160 for line in smoke)  # wrapped at the plain width


def test_an_errored_scan_shows_as_an_error() -> None:
    run = evaluate(RunResult(run=RunInfo("r", "t"), scans={
        "safety": ScanResult("safety", "error", reason="safety exited with 64: no such option",
                             error_code="scan-error")}), {}, "medium")
    lines = console_text(run).splitlines()
    assert lines[1].split()[:7] == ["safety", "0", "0", "0", "0", "0.0s", "error"]
    assert lines[1].endswith("error — safety exited with 64: no such option")
    assert "  critical: 1 problem" in lines
    assert any(line.startswith("      fix: the scan could not run") for line in lines)


def test_error_log_is_sorted_and_complete(tmp_path: Path) -> None:
    write_error_log(sample_run(), tmp_path / ".errors")
    records = [json.loads(line) for line in (tmp_path / ".errors" / "errors.jsonl").read_text().splitlines()]
    assert [(r["category"], r["code"]) for r in records] == [("high", "test-failure"), ("high", "test-error"),
                                                             ("high", "finding-high"), ("medium", "coverage-gate")]
    assert records[0] == {"time": "2026-11-28T00:00:00+00:00", "category": "high", "source": "unit",
                          "code": "test-failure", "message": "t::a: boom", "file": "tests/t.py", "line": 4,
                          "run_id": "r9", "blocking": True}
    summary = (tmp_path / ".errors" / "summary.md").read_text()
    assert "Verdict: **failed** · critical: 0 · high: 3 · medium: 1 · low: 0" in summary
    assert "- **unit** `test-failure`: t::a: boom — `tests/t.py:4`" in summary


def test_gate_command_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    save_results(sample_run(), tmp_path / "qa-results" / "results.json")
    assert main(["gate", "--project", str(tmp_path)]) == 1
    assert "verdict: FAILED" in capsys.readouterr().out
    (tmp_path / "pyproject.toml").write_text('[tool.qa]\nfail-on = "critical"\n'
                                             '[tool.qa.tiers.chaos]\nallow-empty = true\n')
    assert main(["gate", "--project", str(tmp_path)]) == 0
    assert (tmp_path / ".errors" / "errors.jsonl").read_text().count("\n") == 4


def test_collect_command_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "qa-results").mkdir()
    assert main(["collect", "--project", str(tmp_path)]) == 0
    assert "collected 0 tiers and 0 scans" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["gate", "--project", "/nonexistent"], "qa: error: project directory /nonexistent does not exist"),
        (["run", "--tiers", "nope", "."], "qa: error: unknown tier `nope`"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_errors_are_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_internal_errors_do_not_print_tracebacks(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("qa_actions.config.load_config", explode)
    monkeypatch.delenv("QA_DEBUG", raising=False)
    assert main(["gate"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "qa: internal error: RuntimeError: disk on fire (set QA_DEBUG=1 for the traceback)"


def console_text(run: RunResult) -> str:
    """What `qa run` prints about `run`, as plain text."""
    return render_text(report(run))
