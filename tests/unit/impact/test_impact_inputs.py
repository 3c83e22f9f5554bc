"""The inputs `qa impact select` gathers around the pure selection: base failures and the test files."""

from __future__ import annotations

from pathlib import Path

from qa_actions.config import load_config
from qa_actions.history.store import CaseRow, RunRecord, RunRow, open_history
from qa_actions.impact.run import base_failures, tier_test_files


def run(run_id: str, time: int, branch: str, outcomes: dict[str, str], tier: str = "unit") -> RunRecord:
    return RunRecord(RunRow(run_id, time, "passed", branch=branch),
                     tests=[CaseRow(tier, name, outcome, 0.1) for name, outcome in outcomes.items()])


def test_base_failures_are_the_failed_errored_and_flaky_tests_of_the_latest_run(tmp_path: Path) -> None:
    with open_history(tmp_path / "h.sqlite", create=True) as store:
        store.append(run("r1", 1000, "main", {"t.py::old": "failed"}),
                     run("r2", 2000, "main", {"t.py::a": "failed", "t.py::b": "flaky", "t.py::c": "error",
                                              "t.py::d": "passed", "t.py::e": "skipped"}),
                     run("r3", 3000, "main", {"t.py::smoke": "failed"}, tier="smoke"),
                     run("r4", 4000, "feature", {"t.py::mine": "failed"}))
        assert base_failures(store, "main", "unit") == ["t.py::a", "t.py::b", "t.py::c"]
        assert base_failures(store, "main", "smoke") == ["t.py::smoke"]
        assert base_failures(store, "release", "unit") == []


def test_test_files_follow_the_tier_paths_and_python_files(tmp_path: Path) -> None:
    for name in ("tests/unit/test_a.py", "tests/unit/deep/b_test.py", "tests/unit/helpers.py",
                 "tests/unit/check_c.py", "tests/smoke/test_up.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "pyproject.toml").write_text('[tool.qa.tiers.unit]\npaths = ["tests/unit"]\n')
    assert tier_test_files(load_config(tmp_path), "unit") == ["tests/unit/deep/b_test.py", "tests/unit/test_a.py"]
    (tmp_path / "pytest.ini").write_text("[pytest]\npython_files = check_*.py\n")
    assert tier_test_files(load_config(tmp_path), "unit") == ["tests/unit/check_c.py"]
