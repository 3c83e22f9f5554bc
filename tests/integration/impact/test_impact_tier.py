"""`qa tier` with `select = "affected"` on a real git project: a full run on main records the map
(`qa history add`), a branch runs only what its change can break, the gate carries coverage forward,
and the escape hatches (--full-run, QA_FULL_RUN, the `qa:full-run` label, a conftest.py) run everything;
a full run on main that fails a test the previous map's selection left out is a selection miss."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from git_repo import commit_files, git

PYPROJECT = """\
[tool.qa]
changed-lines-coverage = false
[tool.qa.tiers.unit]
paths = ["tests"]
source = ["pkg"]
coverage = 50
select = "affected"
[tool.qa.impact-inputs]
"tests/data/*" = []
"""
FILES = {
    "pyproject.toml": PYPROJECT,
    "pkg/__init__.py": "",
    "pkg/calc.py": ("def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n\n\n"
                    "def unused(x):\n    if x:\n        return 1\n    return 2\n"),
    "tests/test_add.py": ("from pkg.calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
                          "def test_add_zero():\n    assert add(0, 0) == 0\n"),
    "tests/test_mul.py": ("import pytest\nfrom pkg.calc import mul\n\n\n@pytest.mark.parametrize('x', [1, 2, 3])\n"
                          "def test_mul(x):\n    assert mul(x, 1) == x\n"),
    # reads a data file declared as read by no test: a change to it is a change selection cannot see
    "tests/test_data.py": ("from pathlib import Path\n\n\ndef test_limit():\n"
                           "    limit = Path(__file__).with_name('data') / 'limit.txt'\n"
                           "    assert limit.read_text().strip() == '3'\n"),
    "tests/data/limit.txt": "3\n",
    ".gitignore": "qa-results/\n.errors/\nqa-history.sqlite\n__pycache__/\n",
}




def qa(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "PYTEST_", "GITHUB_", "QA_"))}
    return subprocess.run([sys.executable, "-m", "qa_actions", *args, "--project", str(project)], cwd=project,
                          env={**clean, **(env or {})}, capture_output=True, text=True, timeout=300, check=False)


def selection(project: Path) -> dict:
    return json.loads((project / "qa-results" / "unit" / "tier.json").read_text())["selection"]


def record_main(project: Path) -> None:
    """A full run of main, collected and added to the history: the map."""
    done = qa(project, "tier", "unit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert selection(project)["mode"] == "recorded"
    assert qa(project, "collect").returncode == 0
    added = qa(project, "history", "add")
    assert "impact map of unit at" in added.stdout, added.stdout + added.stderr


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """main with its map in the history, made once: each test changes a copy."""
    folder = commit_files(tmp_path_factory.mktemp("recorded"), FILES)
    record_main(folder)
    return folder


@pytest.fixture()
def project(recorded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(recorded, copy, symlinks=True)
    git(copy, "checkout", "-qb", "change")
    return copy


def edit(project: Path, path: str, old: str, new: str) -> None:
    source = (project / path).read_text()
    assert old in source
    (project / path).write_text(source.replace(old, new))
    git(project, "commit", "-qam", f"edit {path}")


def test_a_branch_runs_the_tests_its_change_can_break_and_carries_coverage_forward(project: Path) -> None:
    full = json.loads((project / "qa-results" / "results.json").read_text())["tiers"]["unit"]["coverage"]["percent"]
    edit(project, "pkg/calc.py", "return a * b", "return b * a")
    done = qa(project, "tier", "unit", "--base", "main")
    assert done.returncode == 0, done.stdout + done.stderr
    chosen = selection(project)
    assert chosen["mode"] == "selected"
    assert (chosen["selected"], chosen["total"]) == (3, 6)
    assert chosen["explanation"] == "ran 3 of 6 unit tests: 3 affected by 1 changed function"
    junit = (project / "qa-results" / "unit" / "junit.xml").read_text()
    assert junit.count("<testcase") == 3 and "test_mul" in junit and "test_add" not in junit
    # the unchanged blocks keep the full run's counts: the same percentage as the full run
    assert chosen["coverage"]["carried_blocks"] >= 2 and chosen["coverage"]["measured_blocks"] == 1
    assert f"{full:.2f}%" in done.stdout
    said = " ".join(done.stdout.split())  # the console wraps long lines
    assert "selection: unit: ran 3 of 6 unit tests" in said
    assert "(map of the full run on main at" in said and ", which passed)" in said
    explained = qa(project, "plan", "--explain", "--base", "main")
    assert "unit: ran 3 of 6 unit tests: 3 affected by 1 changed function" in explained.stdout, explained.stderr
    assert "    tests/test_mul.py::test_mul\n" in explained.stdout  # every parameter of it


def test_a_change_no_test_reaches_runs_none_and_passes(project: Path) -> None:
    edit(project, "pkg/calc.py", "return 2", "return 3")
    done = qa(project, "tier", "unit", "--base", "main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert selection(project)["selected"] == 0 and "no-tests" not in done.stdout
    assert "the change affects none" in " ".join(done.stdout.split())


@pytest.mark.parametrize(("how", "why"), [
    ("--full-run", "a full run was asked for (--full-run)"),
    ("QA_FULL_RUN", "a full run was asked for (QA_FULL_RUN)"),
    ("conftest", "tests/conftest.py changed: it configures every test"),
])
def test_what_forces_a_full_run(project: Path, how: str, why: str) -> None:
    edit(project, "pkg/calc.py", "return a * b", "return b * a")
    if how == "conftest":
        (project / "tests" / "conftest.py").write_text("")
        git(project, "add", ".")
        git(project, "commit", "-qm", "conftest")
    args = ["--full-run"] if how == "--full-run" else []
    done = qa(project, "tier", "unit", "--base", "main", *args, env={"QA_FULL_RUN": "true"} if how == "QA_FULL_RUN"
              else None)
    assert done.returncode == 0, done.stdout + done.stderr
    chosen = selection(project)
    assert chosen["mode"] == "full" and chosen["reason"] == why
    assert (project / "qa-results" / "unit" / "junit.xml").read_text().count("<testcase") == 6


def test_a_pull_request_compares_with_its_base_and_its_label_runs_everything(project: Path) -> None:
    base = git(project, "rev-parse", "main")
    edit(project, "pkg/calc.py", "return a * b", "return b * a")
    event = project.parent / "event.json"  # outside the project: not part of the change
    for labels, mode in (([], "selected"), ([{"name": "qa:full-run"}], "full")):
        event.write_text(json.dumps({"pull_request": {"number": 7, "labels": labels, "base": {"sha": base},
                                                      "head": {"sha": git(project, "rev-parse", "HEAD")}}}))
        done = qa(project, "tier", "unit", env={"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)})
        assert done.returncode == 0, done.stdout + done.stderr
        chosen = selection(project)
        assert chosen["mode"] == mode and chosen["base"] == base
    assert chosen["reason"] == "the pull request has the label qa:full-run"


def test_a_full_run_on_main_reports_a_test_the_selection_missed(project: Path) -> None:
    git(project, "checkout", "-q", "main")
    edit(project, "tests/data/limit.txt", "3", "4")  # declared as read by no test: selection runs none
    done = qa(project, "tier", "unit")
    assert done.returncode == 1
    assert selection(project)["misses"] == ["tests/test_data.py::test_limit"]
    assert "selection-miss" in done.stdout and "critical" in done.stdout.lower()


def test_without_a_map_everything_runs(tmp_path: Path) -> None:
    commit_files(tmp_path, FILES)
    done = qa(tmp_path, "tier", "unit", "--base", "main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert selection(tmp_path)["reason"] == ("there is no impact map of the unit tests yet (a full run on the base "
                                             "branch records one)")


def test_the_report_job_records_the_map_in_another_checkout(project: Path, tmp_path: Path) -> None:
    """The tier job measured in its checkout; the report job, in another folder, still maps its paths."""
    git(project, "checkout", "-q", "main")
    assert qa(project, "tier", "unit").returncode == 0
    elsewhere = tmp_path / "report-job"
    shutil.copytree(project, elsewhere, symlinks=True)
    shutil.rmtree(project)  # the data file's paths point here: nothing of it may be read
    assert qa(elsewhere, "collect").returncode == 0
    added = qa(elsewhere, "history", "add")
    assert "impact map of unit at" in added.stdout and "blocks in 2 files" in added.stdout, added.stdout
