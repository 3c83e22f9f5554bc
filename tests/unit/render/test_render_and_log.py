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
from qa_actions.render.console import render_table
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
    lines = render_table(sample_run()).splitlines()
    assert lines[0].split() == ["tier", "tests", "passed", "failed", "skipped", "duration", "coverage", "status"]
    assert lines[1].split() == ["unit", "10", "8", "2", "0", "2.5s", "70.00%", "(gate", "80%)", "✗", "failed"]
    assert lines[2].endswith("skipped (no tests (tests/chaos not found))")
    assert lines[3].split()[-2:] == ["—", "passed"] and "1m15s" in lines[3]
    assert lines[5].split() == ["bandit", "1", "1", "0", "0", "1.0s", "failed"]
    assert lines[-1] == "verdict: FAILED  (problems: 0 critical, 3 high, 1 medium, 0 low)"


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
