from pathlib import Path

from qa_actions.collect.changed_lines import intersect, line_ranges, measure_changed_lines, project_relative
from qa_actions.collect.coverage import FileLines
from qa_actions.model import LineRange, RunInfo, RunResult


def test_uncovered_lines_group_into_ranges_of_consecutive_statements() -> None:
    statements = {1, 2, 3, 5, 6, 9, 10, 20}
    assert line_ranges([2, 3, 5, 9, 20], statements) == [LineRange(2, 5), LineRange(9, 9), LineRange(20, 20)]
    assert line_ranges([], statements) == []


def test_intersect_counts_changed_statements_only() -> None:
    coverage = {"pkg/a.py": FileLines({1, 2, 3, 4}, {1, 2}), "pkg/b.py": FileLines({1}, {1})}
    changed = {"pkg/a.py": {2, 3, 4, 7}, "pkg/b.py": {5}, "README.md": {1}}  # 7 and b.py:5 are no statements
    result = intersect(changed, coverage)
    assert (result.statements, result.covered, result.percent) == (3, 1, 33.33)
    (file,) = result.files
    assert (file.file, file.statements, file.covered, file.uncovered) == ("pkg/a.py", 3, 1, [LineRange(3, 4)])


def test_nothing_measured_means_no_percentage() -> None:
    result = intersect({"docs/x.md": {1}}, {"pkg/a.py": FileLines({1}, set())})
    assert result.status == "measured" and result.percent is None and result.files == []


def test_coverage_file_names_become_project_relative(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    assert project_relative("./pkg/a.py", root) == "pkg/a.py"
    assert project_relative(str(root / "pkg" / "a.py"), root) == "pkg/a.py"
    assert project_relative("/elsewhere/pkg/a.py", root) is None


def test_gate_off_or_nothing_to_compare(tmp_path: Path) -> None:
    run = RunResult(run=RunInfo("r", "t"))
    assert measure_changed_lines(tmp_path, tmp_path, run, None, "main") is None
    skipped = measure_changed_lines(tmp_path, tmp_path, run, 80.0, None)
    assert skipped.status == "skipped" and "--base" in skipped.reason
    no_coverage = measure_changed_lines(tmp_path, tmp_path, run, 80.0, "main")
    assert no_coverage.status == "skipped" and no_coverage.reason == "no tier measures coverage"


def test_outside_a_git_checkout_it_says_so(tmp_path: Path) -> None:
    from qa_actions.model import CoverageResult, TierResult

    (tmp_path / "unit").mkdir()
    (tmp_path / "unit" / "coverage.json").write_text('{"files": {}, "totals": {}}')
    run = RunResult(run=RunInfo("r", "t"), tiers={"unit": TierResult(
        "unit", "passed", coverage=CoverageResult(90.0, 80.0, report="unit/coverage.json"))})
    result = measure_changed_lines(tmp_path, tmp_path, run, 80.0, "main")
    assert result.status == "unavailable" and "not inside a git checkout" in result.reason
