"""The console of `qa run` as the real command prints it: colour as NO_COLOR and FORCE_COLOR ask,
and in GitHub Actions each tier's output folded in a group where no workflow command is obeyed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PLANTED = '''
def test_ok():
    assert True


def test_planted():
    print("::warning::planted by a test")
    print("::endgroup::")
    assert 1 == 2, "planted failure"
'''
COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|9[0-7]|38;[0-9;]+)m")  # a foreground colour
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A project of two tests, one of which fails and prints workflow commands."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "tiny"\nversion = "0"\n')
    (tmp_path / "tests" / "test_tiny.py").write_text(PLANTED)
    return tmp_path


def test_force_color_colours_a_piped_console(tiny: Path, run_qa) -> None:
    done = run_qa("run", tiny, "-q", "--tiers", "all", env={"FORCE_COLOR": "1"})
    assert done.returncode == 1, done.stderr
    assert COLOUR.search(done.stdout)
    plain = ANSI.sub("", done.stdout)
    assert "  ✗ tests/test_tiny.py::test_planted  tests/test_tiny.py:9  AssertionError: planted failure" in plain
    assert "verdict: FAILED  (problems: 0 critical, 1 high, 0 medium, 0 low)" in done.stdout  # one span


def test_no_color_wins_over_force_color(tiny: Path, run_qa) -> None:
    done = run_qa("run", tiny, "-q", "--tiers", "all", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert done.returncode == 1, done.stderr
    assert not COLOUR.search(done.stdout) and "failing tests in unit: 1" in ANSI.sub("", done.stdout)


def test_actions_fold_each_tier_and_obey_no_command_of_it(tiny: Path, run_qa) -> None:
    done = run_qa("run", tiny, "--tiers", "all", env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("::group::tier unit")
    assert lines[start + 1].startswith("::stop-commands::")
    token = lines[start + 1].removeprefix("::stop-commands::")
    end = lines.index(f"::{token}::")
    assert lines[end + 1] == "::endgroup::"
    assert "tests/test_tiny.py .F" in "\n".join(lines[start:end])  # pytest's output, inside the group
    assert "::warning::planted by a test" in lines[start:end] and "::endgroup::" in lines[start:end]
    assert obeyed(lines) == ["::group::tier unit", "::endgroup::"]
    assert "verdict: FAILED  (problems: 0 critical, 1 high, 0 medium, 0 low)" in lines
    assert obeyed(done.stderr.splitlines()) == []


def test_qa_tier_alone_folds_its_output_too(tiny: Path, run_qa) -> None:
    """The reusable workflow's tier jobs run `qa tier`, not `qa run`."""
    done = run_qa("tier", "unit", "--project", tiny, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[lines.index("::group::tier unit") + 1].startswith("::stop-commands::")
    assert "tests/test_tiny.py .F" in done.stdout
    assert obeyed(lines)[:2] == ["::group::tier unit", "::endgroup::"]
    assert "::warning::planted by a test" not in obeyed(lines) + obeyed(done.stderr.splitlines())


def obeyed(lines: list[str]) -> list[str]:
    """The workflow commands the runner would obey in `lines`: those outside a stop-commands region
    (that region's own start and end lines left out)."""
    found, stopped = [], None
    for line in lines:
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
        elif line.startswith("::stop-commands::"):
            stopped = line.removeprefix("::stop-commands::")
        elif line.startswith("::") or line.startswith("##["):
            found.append(line)
    assert stopped is None, "a stop-commands region is never closed"
    return found
