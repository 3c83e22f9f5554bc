"""Changed-lines coverage on a real git repository made here: a project in a sub-folder, a base commit,
a change on a branch, real pytest-cov coverage, and a shallow clone that lacks the base."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import results_of
from git_repo import git

BASE_MODULE = '''def add(a, b):
    return a + b
'''
# line numbers matter: 2 changed (covered), 5 def (runs at import), 6-7 and 10 not run by the tests
CHANGED_MODULE = '''def add(a, b):
    return b + a


def sub(a, b):
    if a < b:
        return -(b - a)
    # a comment and a blank line do not split the range

    return a - b
'''
PYPROJECT = '''[tool.qa]
changed-lines-coverage = 80

[tool.qa.tiers.unit]
source = ["calc"]
coverage = 10

[tool.pytest.ini_options]
pythonpath = ["."]
'''
TEST = '''from calc import add


def test_add():
    assert add(1, 2) == 3
'''




@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A repository with the project in services/calc; the feature branch changes calc/__init__.py."""
    repo = tmp_path_factory.mktemp("changed") / "repo"
    project = repo / "services" / "calc"
    (project / "calc").mkdir(parents=True)
    (project / "tests" / "unit").mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "calc" / "__init__.py").write_text(BASE_MODULE)
    (project / "tests" / "unit" / "test_calc.py").write_text(TEST)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "qa@example.invalid")
    git(repo, "config", "user.name", "qa")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "feature")
    (project / "calc" / "__init__.py").write_text(CHANGED_MODULE)
    (repo / "README.md").write_text("outside the project: not counted\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "change")
    return repo, base


@pytest.fixture(scope="module")
def project(repository: tuple[Path, str]) -> Path:
    """The unit tier run once on the feature branch; the tests collect and gate its results."""
    from conftest import qa

    project = repository[0] / "services" / "calc"
    done = qa("tier", "unit", "--project", project, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    return project


def test_changed_lines_are_measured_against_the_base(repository: tuple[Path, str], project: Path, run_qa,
                                                     errors_of) -> None:
    repo, base = repository
    assert run_qa("collect", "--project", project, "--base", base).returncode == 0
    changed = results_of(project)["changed_lines"]
    assert (changed["status"], changed["statements"], changed["covered"], changed["percent"]) == \
        ("measured", 5, 2, 40.0)
    assert changed["base"] == base and changed["head"] == git(repo, "rev-parse", "HEAD")
    (file,) = changed["files"]
    assert file["file"] == "calc/__init__.py"
    assert file["uncovered"] == [{"start": 6, "end": 10}]

    done = run_qa("gate", "--project", project)
    assert done.returncode == 1
    (problem,) = errors_of(project)
    assert (problem["code"], problem["category"], problem["source"]) == \
        ("changed-lines-coverage", "medium", "changed-lines")
    assert problem["message"].startswith("changed lines are 40.00% covered, below the 80% gate")
    assert "changed lines: 40.00% of 5 lines (gate 80%) ✗" in done.stdout

    done = run_qa("report", "--project", project)
    assert done.returncode == 0, done.stderr
    checks = json.loads((project / "qa-results" / "check-runs.json").read_text())
    (coverage,) = [c for c in checks if c["name"] == "qa / coverage"]
    (annotation,) = coverage["annotations"]
    assert (annotation["path"], annotation["start_line"], annotation["end_line"]) == \
        ("services/calc/calc/__init__.py", 6, 10)  # relative to the repository root
    comment = (project / "qa-results" / "comment.md").read_text()
    assert "#### Changed lines: 40.00% covered (gate 80%) ❌" in comment


def test_the_pull_request_event_gives_the_base(repository: tuple[Path, str], project: Path, run_qa,
                                               tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 3, "base": {"sha": repository[1]},
                                                  "head": {"sha": "1" * 40}}}))
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    assert run_qa("collect", "--project", project, env=env).returncode == 0
    assert results_of(project)["changed_lines"]["percent"] == 40.0
    assert run_qa("collect", "--project", project).returncode == 0  # no event, no --base: nothing to compare
    assert results_of(project)["changed_lines"]["status"] == "skipped"


def test_a_shallow_clone_without_the_base_asks_for_fetch_depth_0(repository: tuple[Path, str], project: Path,
                                                                 run_qa, tmp_path: Path, errors_of) -> None:
    repo, base = repository
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", repo.as_uri(), str(clone))
    shallow = clone / "services" / "calc"
    shutil.copytree(project / "qa-results", shallow / "qa-results")
    assert run_qa("collect", "--project", shallow, "--base", base).returncode == 0
    changed = results_of(shallow)["changed_lines"]
    assert changed["status"] == "unavailable"
    assert "fetch-depth: 0" in changed["reason"] and "shallow" in changed["reason"]
    done = run_qa("gate", "--project", shallow)
    assert done.returncode == 0, done.stdout + done.stderr  # a low problem: reported, not blocking by default
    (problem,) = errors_of(shallow)
    assert (problem["code"], problem["category"]) == ("changed-lines-unmeasured", "low")
    assert "set `fetch-depth: 0`" in done.stdout and "Traceback" not in done.stderr
