"""The comment and the job summary of real runs of the sample project, through `qa run`, `qa history add`,
`qa report` and `qa publish` (the real PyGithub client against the loopback GitHub API).

main's run is recorded in the history with one failing test; the feature branch keeps it failing,
fixes another, plants a new failure, adds a function no test runs and breaks the dependency audit's
database. The comment must say all of that at a glance, the summary the detail behind it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import add_config, qa
from git_repo import git
from github_api import FakeGitHub

REPO = "org/repo"
KNOWN = "tests/unit/test_planted.py::test_broken_on_main_too"
FIXED = "tests/unit/test_planted.py::test_fixed_by_the_change"
NEW = "tests/unit/test_planted.py::test_new_failure"
BASE_TESTS = f'''def {KNOWN.split("::")[1]}():
    assert "main" == "fixed"


def {FIXED.split("::")[1]}():
    assert 1 + 1 == 3
'''
FEATURE_TESTS = f'''def {KNOWN.split("::")[1]}():
    assert "main" == "fixed"


def {FIXED.split("::")[1]}():
    assert 1 + 1 == 2


def {NEW.split("::")[1]}():
    total = 1 + 1
    assert total == 3, "planted: <b>@octocat</b> #12 | pipe"
'''
UNTESTED = '''

def untested_helper(value: int) -> int:
    """Never called by the tests."""
    if value > 10:
        return value * 2
    return value - 1
'''
FAST = "[tool.qa.report]\nretries = 1\nretry-backoff = 0.01\nmax-retry-wait = 5\nwrite-interval = 0\n"




@pytest.fixture(scope="module")
def feature(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project after main's run (in the history) and the feature branch's run (in qa-results)."""
    import shutil

    from conftest import IGNORED, SAMPLE

    project = tmp_path_factory.mktemp("real") / "sample"
    shutil.copytree(SAMPLE, project, ignore=IGNORED)
    add_config(project, FAST)
    planted = project / "tests" / "unit" / "test_planted.py"
    planted.write_text(BASE_TESTS)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    base = qa("run", "--tiers", "unit", "--scans", "none", "-q", project, env={"GITHUB_REF_NAME": "main"})
    assert base.returncode == 1, base.stderr  # the two planted failures
    added = qa("history", "add", "--project", project)
    assert added.returncode == 0, added.stderr

    git(project, "checkout", "-qb", "feature")
    planted.write_text(FEATURE_TESTS)
    with (project / "src" / "ledger" / "service.py").open("a") as source:
        source.write(UNTESTED)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"security/safety-db"', '"security/no-such-db"'))
    git(project, "add", "-A")
    git(project, "commit", "-qm", "feature")
    run = qa("run", "--tiers", "unit", "--scans", "bandit,deps", "--base", "main", "-q", project,
             env={"GITHUB_HEAD_REF": "feature"})
    assert run.returncode == 1, run.stderr
    done = qa("report", "--project", project, env={"GITHUB_BASE_REF": "main"})
    assert done.returncode == 0, done.stderr
    return project


def comment_and_summary(project: Path) -> tuple[str, str]:
    results = project / "qa-results"
    return (results / "comment.md").read_text(), (results / "job-summary.md").read_text()


def test_the_verdict_comes_first_with_the_reasons(feature: Path) -> None:
    comment, summary = comment_and_summary(feature)
    assert comment.splitlines()[2] == ("### ❌ QA failed: unit: 2 failing tests; safety: could not run; "
                                       "changed lines: coverage under the gate")
    assert summary.startswith("### ❌ QA failed: unit: 2 failing tests")


def test_a_planted_failure_shows_its_test_id_and_where_in_both(feature: Path) -> None:
    comment, summary = comment_and_summary(feature)
    where = "`tests/unit/test_planted.py:11`"
    assert f"| unit | 🆕 `{NEW}` | {where} | `AssertionError: planted: <b>@octocat</b> #12 \\| pipe" in comment
    assert f"- **unit** 🆕 `{NEW}` at {where}" in summary
    assert '  >       assert total == 3, "planted: <b>@octocat</b> #12 | pipe"' in summary  # the traceback
    prose = re.sub(r"^ *(`{3,})\w*\n.*?^ *\1$", "", summary, flags=re.MULTILINE | re.DOTALL)
    assert "@octocat" not in re.sub(r"`[^`\n]*`", "", prose)  # only inside code


def test_new_failures_apart_from_those_already_failing_on_main_and_the_fixed_ones(feature: Path) -> None:
    comment, summary = comment_and_summary(feature)
    for text in (comment, summary):
        assert "#### Failing tests (2): 1 new, 1 already failing on `main`" in text
        assert f"`{KNOWN}` (already failing)" in text
        assert "✅ Fixed since <code>main</code> (1)" in text and f"- unit: `{FIXED}`" in text


def test_an_errored_scan_is_an_error_in_both_never_no_findings(feature: Path) -> None:
    for text in comment_and_summary(feature):
        assert "#### Security: 💥 1 scan could not run" in text
        assert "| **safety** | 💥 **could not run**: safety\\-db 'security/no\\-such\\-db' is not a folder" in text
        assert "no findings" not in text and "no open findings" not in text


def test_the_baselined_finding_is_counted_and_the_summary_says_which(feature: Path) -> None:
    comment, summary = comment_and_summary(feature)
    for text in (comment, summary):
        assert "| **bandit** | ✅ passed | 0 | 1 | 0 | 0 |" in text  # .bandit-baseline.json accepts B608
    assert "| medium | **bandit** `B608` | `src/ledger/service.py:120` | baselined: in the bandit baseline" in summary


def test_deltas_against_main_from_the_history(feature: Path) -> None:
    comment, _ = comment_and_summary(feature)
    row = next(line for line in comment.splitlines() if line.startswith("| **unit** |"))
    # a duration reads 12.3s or 1m05s (a loaded machine); its delta is left out under 0.1 s
    took = r"[0-9][0-9.ms]*s"
    assert re.search(rf"\| {took}(?: \([+-]{took}\))? \| \d+\.\d\d% \(▼ -\d+\.\d\d\) · gate 80% \|", row), row
    assert "Changes (▲▼) are against `main`." in comment


def test_the_summary_has_the_detail_the_comment_leaves_out(feature: Path) -> None:
    comment, summary = comment_and_summary(feature)
    lines = [line for line in summary.splitlines() if line.startswith("- `src/ledger/service.py:")]
    assert [line.split("`")[1:4] for line in lines] == [
        ["src/ledger/service.py:152", " ", "if value > 10:"], ["src/ledger/service.py:153", " ", "return value * 2"],
        ["src/ledger/service.py:154", " ", "return value - 1"]]
    slowest = summary.split("#### Slowest tests", 1)[1]
    assert slowest.count("\n| unit | `tests/unit/") == 10  # the ten slowest the JUnit report timed
    assert "#### Slowest tests" not in comment and "line by line" not in comment


def test_published_the_comment_links_the_check_runs_and_the_job_summary(feature: Path, tmp_path: Path,
                                                                        github_api: FakeGitHub) -> None:
    head = git(feature, "rev-parse", "HEAD")
    github_api.add_pull(REPO, 7, head)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": head, "repo": {"full_name": REPO}},
                                                  "base": {"sha": "b" * 40, "repo": {"full_name": REPO}}}}))
    env = {"GITHUB_TOKEN": "token-for-the-fake-api", "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github_api.url,
           "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "99", "GITHUB_WORKFLOW": "qa",
           "GITHUB_JOB": "report", "GITHUB_SHA": head, "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event), "GITHUB_BASE_REF": "main",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    done = qa("publish", "--project", feature, env=env)
    assert done.returncode == 0, done.stderr
    runs = {c["name"]: c["html_url"] for c in github_api.check_runs(REPO)}
    (comment,) = github_api.comments(REPO, 7)
    body = comment["body"]
    assert body == (feature / "qa-results" / "comment.md").read_text()  # the preview is what was posted
    assert (f"[📋 job summary](https://github.example/{REPO}/actions/runs/99) · ✔️ check runs: "
            f"[verdict]({runs['qa / verdict']}), [security]({runs['qa / security']}), "
            f"[coverage]({runs['qa / coverage']})") in body
    assert f"| [**unit**]({runs['qa / unit']}) |" in body
    assert f"#### [Security]({runs['qa / security']}): 💥 1 scan could not run" in body
    summary = (tmp_path / "summary.md").read_text()
    assert f"[verdict]({runs['qa / verdict']})" in summary and f"- **unit** 🆕 `{NEW}`" in summary
