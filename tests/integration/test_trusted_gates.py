"""A pull request cannot lower its own gates: `qa gate` takes them from the trusted configuration."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import qa, read_errors
from git_repo import git

from qa_actions.history.store import RunRecord, RunRow, TierRow, open_history
from qa_actions.model import (
    ChangedFile,
    ChangedLinesResult,
    Counts,
    CoverageResult,
    RunInfo,
    RunResult,
    TierResult,
    save_results,
)
from qa_actions.tier_selection import TierSelection

BASE_CONFIG = "[tool.qa.tiers.unit]\npaths = ['tests/unit']\ncoverage = 80\n" \
              "[tool.qa.tiers.integration]\npaths = ['tests/integration']\ncoverage = false\n"


def project_with_history(tmp_path: Path) -> tuple[Path, str]:
    """A repository whose base commit has the base configuration and tests for both tiers."""
    project = tmp_path / "repo"
    for tier in ("unit", "integration"):
        (project / "tests" / tier).mkdir(parents=True)
        (project / "tests" / tier / "test_x.py").write_text("def test_x():\n    pass\n")
    (project / "pyproject.toml").write_text(BASE_CONFIG)
    (project / "lib.py").write_text("def f():\n    return 1\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "base")
    return project, git(project, "rev-parse", "HEAD")


def forged_results(project: Path, tiers: dict[str, TierResult], changed: ChangedLinesResult | None = None) -> None:
    """What a pull request's run (or a fork's artifact) says: whatever it likes."""
    save_results(RunResult(RunInfo("pr-run", "2026-12-03T00:00:00+00:00", branch="feature"), tiers=tiers,
                           changed_lines=changed), project / "qa-results" / "results.json")


def ran(name: str, tests: int = 5, coverage: CoverageResult | None = None) -> TierResult:
    return TierResult(name, "passed", Counts(tests=tests, passed=tests), coverage=coverage)


def problems(project: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for problem in read_errors(project):
        found.setdefault(problem["code"], []).append(problem)
    return found


def test_a_fork_that_turns_coverage_off_meets_the_base_gate(tmp_path: Path) -> None:
    project, _ = project_with_history(tmp_path)
    # the fork's run had `coverage = false` for unit: no coverage in its results at all
    forged_results(project, {"unit": ran("unit"), "integration": ran("integration")})

    done = qa("gate", "--project", project, "--protect-gates")

    assert done.returncode == 1, done.stdout + done.stderr
    found = problems(project)
    assert found["coverage-missing"][0]["source"] == "unit" and found["coverage-missing"][0]["blocking"]
    assert "lowers the unit coverage gate 80 % → off (the base branch's value applies)" in \
        found["gate-lowered"][0]["message"]


def test_results_with_a_tier_removed_do_not_pass(tmp_path: Path) -> None:
    project, _ = project_with_history(tmp_path)
    forged_results(project, {"unit": ran("unit", coverage=CoverageResult(95.0, 80))})

    done = qa("gate", "--project", project, "--protect-gates")

    assert done.returncode == 1
    (missing,) = problems(project)["tier-missing"]
    assert (missing["source"], missing["category"]) == ("integration", "critical")
    assert "removes the integration tier" in problems(project)["gate-lowered"][0]["message"]
    assert json.loads((project / "qa-results" / "results.json").read_text())["tiers"]["integration"]["status"] == \
        "error"


def test_gates_from_the_base_commit_when_the_pull_request_lowers_them(tmp_path: Path) -> None:
    project, base = project_with_history(tmp_path)
    git(project, "checkout", "-qb", "feature")
    (project / "pyproject.toml").write_text(BASE_CONFIG.replace("coverage = 80", "coverage = 10")
                                            + "[tool.qa]\nfail-on = 'critical'\n")
    git(project, "commit", "-qam", "lower the gate")
    forged_results(project, {"unit": ran("unit", coverage=CoverageResult(50.0, 10)),
                             "integration": ran("integration")})

    unprotected = qa("gate", "--project", project, "--gates-from", base, "--no-protect-gates")
    lowered = [p["message"] for p in problems(project)["gate-lowered"]]
    protected = qa("gate", "--project", project, "--gates-from", base, "--protect-gates")

    assert unprotected.returncode == 0, unprotected.stdout  # its own (lowered) gates, but named
    assert any("lowers the unit coverage gate 80 % → 10 %" in m for m in lowered)
    assert any("raises fail-on medium → critical" in m for m in lowered)
    assert protected.returncode == 1
    assert "below the 80% gate" in problems(project)["coverage-gate"][0]["message"]


def test_the_changed_lines_gate_is_measured_again_not_taken_from_the_results(tmp_path: Path) -> None:
    project, base = project_with_history(tmp_path)
    git(project, "checkout", "-qb", "feature")
    (project / "lib.py").write_text("def f():\n    return 1\n\n\ndef g():\n    return 2\n")
    git(project, "commit", "-qam", "add g")
    report = project / "qa-results" / "unit" / "coverage.json"
    report.parent.mkdir(parents=True)
    lines = {"executed_lines": [1, 2, 5], "missing_lines": [6], "excluded_lines": []}
    report.write_text(json.dumps({"files": {"lib.py": lines}, "totals": {"percent_covered": 75.0}}))
    claimed = ChangedLinesResult("measured", 0, percent=100.0, statements=1, covered=1,
                                 files=[ChangedFile("lib.py", 1, 1, [])])
    forged_results(project, {"unit": ran("unit", coverage=CoverageResult(95.0, 80, report="unit/coverage.json")),
                             "integration": ran("integration")}, claimed)

    done = qa("gate", "--project", project, "--protect-gates", "--base", base)

    assert done.returncode == 1, done.stdout + done.stderr
    changed = json.loads((project / "qa-results" / "results.json").read_text())["changed_lines"]
    assert (changed["gate"], changed["statements"], changed["covered"]) == (80, 2, 1)
    assert problems(project)["changed-lines-coverage"]


def test_a_drop_in_tests_against_the_base_branch(tmp_path: Path) -> None:
    project, _ = project_with_history(tmp_path)
    history = project / "qa-history.sqlite"
    with open_history(history, create=True) as store:
        row = RunRow(run_id="base-1", time=1, verdict="passed", branch="main")
        store.append(RunRecord(row, [TierRow("unit", "passed", Counts(tests=100, passed=100), 0, 1.0, 95.0, 80),
                                     TierRow("integration", "passed", Counts(tests=20, passed=20), 0, 1.0, None,
                                             None)], []))
    forged_results(project, {"unit": ran("unit", 60, CoverageResult(95.0, 80)), "integration": ran("integration", 20)})

    done = qa("gate", "--project", project)

    (removed,) = problems(project)["tests-removed"]
    assert done.returncode == 1 and removed["category"] == "medium"
    assert "40 of the base branch's 120 tests are gone (33.3 %" in removed["message"]


def test_a_pull_request_cannot_excuse_a_tier_without_tests(tmp_path: Path) -> None:
    """allow-empty comes from the trusted configuration; the results' own word (skipped) does not count."""
    project, base = project_with_history(tmp_path)
    (project / "pyproject.toml").write_text(BASE_CONFIG + "[tool.qa.tiers.smoke]\npaths = ['tests/smoke']\n")
    git(project, "commit", "-qam", "a smoke tier, no tests yet")
    base = git(project, "rev-parse", "HEAD")
    git(project, "checkout", "-qb", "feature")
    add = "[tool.qa.tiers.smoke]\npaths = ['tests/smoke']\n"
    (project / "pyproject.toml").write_text(BASE_CONFIG + add + "allow-empty = true\n")
    git(project, "commit", "-qam", "let smoke be empty")
    forged_results(project, {"unit": ran("unit", coverage=CoverageResult(95.0, 80)), "integration": ran("integration"),
                             "smoke": TierResult("smoke", "skipped", reason="no tests (tests/smoke not found)")})

    unprotected = qa("gate", "--project", project, "--gates-from", base, "--no-protect-gates")
    found = problems(project)
    protected = qa("gate", "--project", project, "--gates-from", base, "--protect-gates")

    assert unprotected.returncode == 0, unprotected.stdout  # its own configuration allows it, and it is named
    assert "no-tests" not in found
    assert any("lets the smoke tier collect no tests (allow-empty)" in p["message"] for p in found["gate-lowered"])
    assert protected.returncode == 1, protected.stdout
    (no_tests,) = problems(project)["no-tests"]
    assert (no_tests["source"], no_tests["message"]) == ("smoke", "no tests found: looked in tests/smoke")


def test_a_selection_the_base_branch_does_not_allow_is_a_problem(tmp_path: Path) -> None:
    """A pull request that turns test-impact selection on decides which of its tests run: under
    protect-gates the base branch's `select = "all"` applies (docs/impact.md)."""
    project, base = project_with_history(tmp_path)
    git(project, "checkout", "-qb", "feature")
    (project / "pyproject.toml").write_text(BASE_CONFIG.replace("coverage = 80", "coverage = 80\nselect = 'affected'"))
    git(project, "commit", "-qam", "select")
    unit = ran("unit", tests=1, coverage=CoverageResult(90.0, 80))
    unit.selection = TierSelection("selected", "ran 1 of 5 unit tests: 1 affected by 1 changed function",
                                   selected=1, total=5)
    forged_results(project, {"unit": unit, "integration": ran("integration")})

    unprotected = qa("gate", "--project", project, "--gates-from", base, "--no-protect-gates")
    assert unprotected.returncode == 0 and "selection-not-allowed" not in problems(project), unprotected.stdout
    protected = qa("gate", "--project", project, "--gates-from", base, "--protect-gates")
    assert protected.returncode == 1, protected.stdout
    (problem,) = problems(project)["selection-not-allowed"]
    assert problem["category"] == "high" and "ran 1 of 5 unit tests" in problem["message"]
