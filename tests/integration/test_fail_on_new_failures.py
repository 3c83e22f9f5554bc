"""`fail-on-failures = "new"`: a pull request fails only on what it broke, against the base branch's
latest run recorded with the real `qa history add`; the default (`any`) fails on every failure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import add_config, qa, read_errors
from git_repo import git

OLD = "tests/unit/test_a.py::test_old"
NEW = "tests/unit/test_a.py::test_new"
TESTS = '''import pathlib

HERE = pathlib.Path(__file__).parent


def test_old():
    assert not (HERE / "old.fail").exists(), "broken on main already"


def test_new():
    assert not (HERE / "new.fail").exists(), "broken by this change"


def test_fine():
    pass
'''
MAIN = {"GITHUB_RUN_ID": "100", "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push"}
PR = {"GITHUB_RUN_ID": "200", "GITHUB_HEAD_REF": "feature", "GITHUB_BASE_REF": "main",
      "GITHUB_REF_NAME": "7/merge", "GITHUB_EVENT_NAME": "pull_request"}




def run_into(root: Path, results: str, env: dict[str, str], *, old: bool, new: bool) -> None:
    """Run the unit tier (whatever its verdict) into `results`, `test_old` and `test_new` failing or not."""
    for name, fails in (("old", old), ("new", new)):
        marker = root / "tests" / "unit" / f"{name}.fail"
        marker.touch() if fails else marker.unlink(missing_ok=True)
    done = qa("run", root, "-q", "--tiers", "unit", "--results", root / results, env=env)
    assert done.returncode in (0, 1), done.stdout + done.stderr


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose `test_old` fails on main (a base run recorded with `qa history add`), and the
    results of three pull-request runs: `old` (test_old fails), `both` (and test_new), `new` (test_new)."""
    root = tmp_path_factory.mktemp("fail-on-new") / "repo"
    (root / "tests" / "unit").mkdir(parents=True)
    (root / "tests" / "unit" / "test_a.py").write_text(TESTS)
    (root / "pyproject.toml").write_text("[tool.qa]\nchanged-lines-coverage = false\n"
                                         "[tool.qa.tiers.unit]\npaths = ['tests/unit']\ncoverage = false\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    run_into(root, "qa-results", MAIN, old=True, new=False)
    added = qa("history", "add", "--project", root, env=MAIN)
    assert added.returncode == 0 and "recorded run 100.1 (main, 3 tests)" in added.stdout, added.stdout + added.stderr
    for name, old, new in (("old", True, False), ("both", True, True), ("new", False, True)):
        run_into(root, f"pr-{name}", PR, old=old, new=new)
    return root


@pytest.fixture
def project(prepared: Path, tmp_path: Path) -> Path:
    """A copy of the prepared project: each test gates (and rewrites) its own."""
    return Path(shutil.copytree(prepared, tmp_path / "repo", symlinks=True))


def pr_run(project: Path, *, old: bool, new: bool) -> None:
    """The pull request's run with those failures, as the results folder `qa gate` reads."""
    name = {(True, False): "old", (True, True): "both", (False, True): "new"}[(old, new)]
    shutil.rmtree(project / "qa-results")
    shutil.copytree(project / f"pr-{name}", project / "qa-results")


def failures(project: Path) -> dict[str, bool]:
    """Each failing test's problem: blocking or not."""
    return {p["message"].split(": ")[0]: p["blocking"] for p in read_errors(project) if p["code"] == "test-failure"}


def test_a_failure_that_also_fails_on_main_does_not_fail_new(project: Path) -> None:
    pr_run(project, old=True, new=False)

    strict = qa("gate", "--project", project, env=PR)
    assert strict.returncode == 1, strict.stdout + strict.stderr  # the default, any: every failure fails
    assert failures(project) == {OLD: True}

    done = qa("gate", "--project", project, "--fail-on-failures", "new", env=PR)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "fail-on-failures new: compared with `main` (run 100.1" in done.stdout
    assert "1 pre-existing failure does not fail the gate" in done.stdout
    assert failures(project) == {OLD: False}  # still reported, as pre-existing
    (problem,) = [p for p in read_errors(project) if p["code"] == "test-failure"]
    assert "(pre-existing: also fails on the base branch; does not fail the gate)" in problem["message"]
    results = json.loads((project / "qa-results" / "results.json").read_text())
    assert results["verdict"] == "passed" and results["tiers"]["unit"]["preexisting"] == [OLD]
    assert results["failure_base"]["run_id"] == "100.1"
    assert "1 pre-existing failure does not fail the gate" in (project / ".errors" / "summary.md").read_text()


def test_a_new_failure_fails_new_and_the_old_one_stays_pre_existing(project: Path) -> None:
    pr_run(project, old=True, new=True)

    assert qa("gate", "--project", project, env=PR).returncode == 1
    assert failures(project) == {OLD: True, NEW: True}
    done = qa("gate", "--project", project, env={**PR, "QA_FAIL_ON_FAILURES": "new"})

    assert done.returncode == 1, done.stdout + done.stderr
    assert failures(project) == {OLD: False, NEW: True}


def test_the_configuration_sets_new_and_a_fix_is_reported(project: Path) -> None:
    add_config(project, "")
    text = (project / "pyproject.toml").read_text().replace("[tool.qa]\n", "[tool.qa]\nfail-on-failures = 'new'\n")
    (project / "pyproject.toml").write_text(text)
    pr_run(project, old=False, new=True)

    done = qa("gate", "--project", project, env=PR)

    assert done.returncode == 1, done.stdout + done.stderr
    assert failures(project) == {NEW: True}
    assert f"fixed: unit: {OLD}" in done.stdout
    assert f"fixed: unit: {OLD}" in (project / ".errors" / "summary.md").read_text()


def test_without_history_new_acts_as_any_and_says_so(project: Path) -> None:
    (project / "qa-history.sqlite").unlink()
    pr_run(project, old=True, new=False)

    done = qa("gate", "--project", project, "--fail-on-failures", "new", env=PR)

    assert done.returncode == 1, done.stdout + done.stderr
    assert ("fail-on-failures new: no history file (qa-history.sqlite) to compare with, so every failure fails"
            " the gate (as `any`)") in done.stdout
    assert failures(project) == {OLD: True}


def test_a_run_of_another_branch_or_of_a_pull_request_is_no_base(project: Path) -> None:
    # the pull request's own earlier run, recorded under the base branch's name (a fork's `main`)
    forged = json.loads((project / "pr-new" / "results.json").read_text())
    forged["run"].update(run_id="150.1", branch="main")
    (project / "pr-new" / "results.json").write_text(json.dumps(forged))
    added = qa("history", "add", "--project", project, "--results", project / "pr-new", env=PR)
    assert added.returncode == 0 and "(main, 3 tests)" in added.stdout, added.stdout + added.stderr
    pr_run(project, old=False, new=True)

    done = qa("gate", "--project", project, "--fail-on-failures", "new", env=PR)

    assert done.returncode == 1, done.stdout + done.stderr  # test_new did not fail on main's run 100
    assert "compared with `main` (run 100.1" in done.stdout
    assert failures(project) == {NEW: True}


def test_a_history_file_in_the_results_folder_never_decides(project: Path) -> None:
    pr_run(project, old=True, new=False)
    inside = project / "qa-results" / "qa-history.sqlite"
    (project / "qa-history.sqlite").rename(inside)

    done = qa("gate", "--project", project, "--fail-on-failures", "new", "--history", inside, env=PR)

    assert done.returncode == 1, done.stdout + done.stderr
    assert "is inside the results folder" in done.stdout


def test_a_pull_request_cannot_switch_its_own_protected_gate_to_new(project: Path) -> None:
    base = git(project, "rev-parse", "HEAD")
    text = (project / "pyproject.toml").read_text().replace("[tool.qa]\n", "[tool.qa]\nfail-on-failures = 'new'\n")
    (project / "pyproject.toml").write_text(text)
    pr_run(project, old=True, new=False)

    done = qa("gate", "--project", project, "--gates-from", base, "--protect-gates", env=PR)

    assert done.returncode == 1, done.stdout + done.stderr
    assert failures(project) == {OLD: True}
    (lowered,) = [p for p in read_errors(project) if p["code"] == "gate-lowered"]
    assert "switches fail-on-failures any → new" in lowered["message"]
    assert "the base branch's value applies" in lowered["message"]
    unprotected = qa("gate", "--project", project, "--gates-from", base, "--no-protect-gates", env=PR)
    assert unprotected.returncode == 0, unprotected.stdout  # unprotected (a branch of the repository): its own value
    assert failures(project) == {OLD: False}
    (lowered,) = [p for p in read_errors(project) if p["code"] == "gate-lowered"]
    assert "switches fail-on-failures any → new" in lowered["message"] and not lowered["blocking"]
