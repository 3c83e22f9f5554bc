"""`qa report`: every rendered file, and the deltas against the base branch from its results or the history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sample_results import failing_run, passing_run

from qa_actions.evaluate.gates import evaluate
from qa_actions.history.record import add_results
from qa_actions.model import Counts, Failure, save_results


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    run = failing_run()
    run.tiers["unit"].failures.append(Failure("tests/unit/test_old.py::test_known", "still broken",
                                              "tests/unit/test_old.py", 3))
    run.tiers["unit"].counts = Counts(200, 198, 2, flaky=1)
    run.tiers["unit"].flaky = ["tests/unit/test_net.py::test_retry"]
    save_results(evaluate(run, {}, "medium"), project / "qa-results" / "results.json")
    return project


def base_results(folder: Path) -> Path:
    """The base branch's last run: unit coverage 97.00, one failure that the feature run still has, one it fixed."""
    base = passing_run()
    base.run.branch, base.run.run_id, base.run.time = "main", "base-1", "2026-11-27T00:00:00+00:00"
    base.tiers["unit"].coverage.percent = 97.0
    base.tiers["unit"].failures = [Failure("tests/unit/test_old.py::test_known", "broken", "tests/unit/test_old.py", 3),
                                   Failure("tests/unit/test_gone.py::test_fixed", "broken", "tests/unit/x.py", 1)]
    save_results(base, folder / "results.json")
    return folder / "results.json"


def test_report_writes_every_view(project: Path, run_qa) -> None:
    done = run_qa("report", "--project", project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("❌ QA failed: unit: 2 failing tests")
    results = project / "qa-results"
    for name in ("comment.md", "job-summary.md", "outputs.txt", "check-runs.json"):
        assert f"wrote {results / name}" in done.stdout
    comment = (results / "comment.md").read_text()
    assert comment.startswith("<!-- qa-actions:local:local -->")
    assert "#### Flaky tests (1)" in comment and "`tests/unit/test_net.py::test_retry`" in comment
    assert "verdict=failed" in (results / "outputs.txt").read_text().splitlines()
    checks = json.loads((results / "check-runs.json").read_text())
    assert [c["name"] for c in checks][-1] == "qa / verdict"


def test_deltas_and_new_failures_from_the_base_results(project: Path, tmp_path: Path, run_qa) -> None:
    baseline = base_results(tmp_path / "base")
    assert run_qa("report", "--project", project, "--baseline", baseline).returncode == 0
    comment = (project / "qa-results" / "comment.md").read_text()
    assert "97.68% (▲ +0.68) · gate 80%" in comment
    assert "#### Failing tests (2): 1 new, 1 already failing on `main`" in comment
    assert "| unit | 🆕 `tests/unit/test_money.py::test_broken` |" in comment
    assert "| unit | `tests/unit/test_old.py::test_known` (already failing) |" in comment
    assert "✅ Fixed since <code>main</code> (1)" in comment and "`tests/unit/test_gone.py::test_fixed`" in comment


def test_deltas_from_the_history(project: Path, tmp_path: Path, run_qa) -> None:
    base_results(tmp_path / "base")
    add_results(tmp_path / "base", project / "qa-history.sqlite")
    (project / "pyproject.toml").write_text('[tool.qa.history]\ndashboard-url = "https://org.github.io/ledger/qa/"\n')
    done = run_qa("report", "--project", project, env={"GITHUB_BASE_REF": "main"})
    assert done.returncode == 0, done.stderr
    comment = (project / "qa-results" / "comment.md").read_text()
    assert "97.68% (▲ +0.68) · gate 80%" in comment and "Changes (▲▼) are against `main`." in comment
    assert "[📊 dashboard](https://org.github.io/ledger/qa/)" in comment


def test_an_unreadable_history_costs_the_deltas_not_the_report(project: Path, run_qa) -> None:
    (project / "qa-history.sqlite").write_text("not a database")
    done = run_qa("report", "--project", project)
    assert done.returncode == 0, done.stderr
    summary = (project / "qa-results" / "job-summary.md").read_text()
    assert summary.startswith("> **No deltas against `main`**")
    assert "▲" not in (project / "qa-results" / "comment.md").read_text()
