"""A real run: pytest with per-test coverage contexts on a small project, the map, an edit, the selection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from git_repo import git

from qa_actions.collect.junit import iter_cases
from qa_actions.history.store import open_history
from qa_actions.impact.changes import changes_since
from qa_actions.impact.map import RECORD_ARGS, build_map, strip_params
from qa_actions.impact.select import SelectionInput, select
from qa_actions.impact.store import latest_map, save_map

FILES = {
    "pytest.ini": "[pytest]\ntestpaths = tests\n",
    "pkg/__init__.py": "",
    "pkg/calc.py": ("from pkg.consts import SCALE\n\n\ndef add(a, b):\n    return a + b\n\n\n"
                    "def scale(x):\n    return x * SCALE\n\n\nclass Meter:\n    def read(self):\n        return 7\n"),
    "pkg/consts.py": "SCALE = 3\nNAMES = ('a', 'b')\n",
    "tests/test_add.py": ("from pkg.calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
                          "def test_add_zero():\n    assert add(0, 0) == 0\n"),
    "tests/test_scale.py": ("import pytest\nfrom pkg.calc import Meter, scale\n\n\n"
                            "@pytest.mark.parametrize('x', [1, 2])\ndef test_scale(x):\n"
                            "    assert scale(x) == 3 * x\n\n\n"
                            "class TestMeter:\n    def test_read(self):\n        assert Meter().read() == 7\n"),
    # imports a module at collection time and runs none of its code inside the test
    "tests/test_names.py": "from pkg.consts import NAMES\n\n\ndef test_names():\n    assert len(NAMES) == 2\n",
}




def run_pytest(project: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "PYTEST_", "GITHUB_"))}
    env["PYTHONPATH"] = str(project)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "--cov=pkg", *RECORD_ARGS, "--cov-report=", "--junitxml=junit.xml",
                           "-o", "junit_family=xunit1"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> tuple[Path, str]:
    project = tmp_path_factory.mktemp("impact")
    for path, text in FILES.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)
    (project / ".gitignore").write_text(".coverage\njunit.xml\n__pycache__/\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "base")
    done = run_pytest(project)
    assert done.returncode == 0, done.stdout + done.stderr
    return project, git(project, "rev-parse", "HEAD")


def selection_after(project: Path, commit: str, path: str, old: str, new: str, history: Path,
                    extra: dict[str, str] | None = None):
    """Record the map, edit `path` in the working tree (and add the `extra` files), select, and undo."""
    tests = [case.test for case in iter_cases(project / "junit.xml")]
    test_map = build_map(project / ".coverage", project, tests, commit=commit, python="3.12")
    with open_history(history, create=True) as store:
        save_map(store, test_map, "main")
        loaded = latest_map(store, "main", "unit", "3.12")
    source = (project / path).read_text()
    assert old in source
    (project / path).write_text(source.replace(old, new))
    for name, text in (extra or {}).items():
        (project / name).write_text(text)
    try:
        since, changes = changes_since(project, "main")
    finally:
        (project / path).write_text(source)
        for name in extra or {}:
            (project / name).unlink()
    assert since == commit
    test_files = sorted(p.relative_to(project).as_posix() for p in (project / "tests").glob("test_*.py"))
    return select(SelectionInput(loaded, changes, test_files, tests=tests, python="3.12", map_age=0)), tests


def test_the_map_names_the_tests_the_way_junit_does(recorded, tmp_path: Path) -> None:
    project, commit = recorded
    tests = [case.test for case in iter_cases(project / "junit.xml")]
    assert sorted(tests) == ["tests/test_add.py::test_add", "tests/test_add.py::test_add_zero",
                             "tests/test_names.py::test_names", "tests/test_scale.py::TestMeter::test_read",
                             "tests/test_scale.py::test_scale[1]", "tests/test_scale.py::test_scale[2]"]
    test_map = build_map(project / ".coverage", project, tests, commit=commit)
    assert ("pkg/calc.py", "scale") in test_map.tests["tests/test_scale.py::test_scale[2]"]
    assert ("pkg/calc.py", "Meter.read") in test_map.tests["tests/test_scale.py::TestMeter::test_read"]
    assert set(test_map.tests) == set(tests)


def test_editing_one_function_selects_exactly_the_tests_that_ran_it(recorded, tmp_path: Path) -> None:
    project, commit = recorded
    selection, tests = selection_after(project, commit, "pkg/calc.py", "return a + b", "return b + a",
                                       tmp_path / "h.sqlite")
    assert not selection.full_run, selection.reason
    assert selection.tests == ["tests/test_add.py::test_add", "tests/test_add.py::test_add_zero"]
    assert selection.explanation == f"ran 2 of {len(tests)} unit tests: 2 affected by 1 changed function"


def test_editing_a_method_selects_its_test_only(recorded, tmp_path: Path) -> None:
    project, commit = recorded
    selection, _ = selection_after(project, commit, "pkg/calc.py", "return 7", "return 8", tmp_path / "h.sqlite")
    assert selection.tests == ["tests/test_scale.py::TestMeter::test_read"]


def test_a_module_used_only_at_collection_time_selects_its_importers(recorded, tmp_path: Path) -> None:
    project, commit = recorded
    selection, tests = selection_after(project, commit, "pkg/consts.py", "NAMES = ('a', 'b')",
                                       "NAMES = ('a', 'b', 'c')", tmp_path / "h.sqlite")
    assert "tests/test_names.py::test_names" in selection.tests
    # and every test that imports it, directly or through pkg.calc: a constant may be read anywhere (a
    # parametrized one by its function, so that a parameter the change adds runs too)
    assert set(selection.tests) == {strip_params(test) for test in tests}
    assert selection.selected == len(tests)


def test_a_new_conftest_in_the_working_tree_runs_everything(recorded, tmp_path: Path) -> None:
    project, commit = recorded
    selection, tests = selection_after(project, commit, "pkg/calc.py", "return 7", "return 7",
                                       tmp_path / "h.sqlite", extra={"tests/conftest.py": "import pytest\n"})
    assert selection.full_run and selection.reason == "tests/conftest.py changed: it configures every test"
    assert selection.selected == len(tests)


def test_qa_impact_record_and_select(recorded, tmp_path: Path) -> None:
    from conftest import qa

    project, commit = recorded
    history = tmp_path / "h.sqlite"
    done = qa("impact", "record", "--project", project, "--coverage", project / ".coverage",
              "--junit", project / "junit.xml", "--python-version", "3.12", "--history", history)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"impact map of unit at {commit[:12]} (Python 3.12): 6 tests (6 ran measured code)")
    source = (project / "pkg" / "calc.py").read_text()
    (project / "pkg" / "calc.py").write_text(source.replace("return 7", "return 8"))
    try:
        shown = qa("impact", "select", "--project", project, "--base", "main", "--python-version", "3.12",
                   "--history", history)
        as_json = qa("impact", "select", "--project", project, "--base", "main", "--python-version", "3.12",
                     "--history", history, "--json")
        other = qa("impact", "select", "--project", project, "--base", "main", "--python-version", "3.13",
                   "--history", history)
    finally:
        (project / "pkg" / "calc.py").write_text(source)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["ran 1 of 6 unit tests: 1 affected by 1 changed function",
                                         "  tests/test_scale.py::TestMeter::test_read  (affected)"]
    selection = json.loads(as_json.stdout)
    assert (selection["full_run"], selection["tests"]) == (False, ["tests/test_scale.py::TestMeter::test_read"])
    assert selection["changed_blocks"] == ["pkg/calc.py::Meter.read"]
    assert other.stdout.startswith("full run of the unit tests: the map was recorded with Python 3.12")
    missing = qa("impact", "select", "--project", project, "--base", "no-such-branch", "--history", history)
    assert missing.returncode == 2 and "the base commit no-such-bran is not in this checkout" in missing.stderr
