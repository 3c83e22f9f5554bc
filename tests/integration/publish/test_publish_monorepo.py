"""Two projects in one repository publish to one pull request against the loopback GitHub API
(tests/github_api.py): each keeps its own sticky comment, check runs and nightly issue."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from github_api import FakeGitHub
from sample_results import failing_run, passing_run

from qa_actions.cli import main
from qa_actions.model import RunResult, save_results

REPO = "org/mono"
PR_HEAD = "e" * 40
FAST = "[tool.qa.report]\nretries = 0\nwrite-interval = 0\n"


class Workspace:
    """A checkout with projects in sub-folders, a pull-request event and `qa` run in-process from it."""

    def __init__(self, root: Path, api: FakeGitHub, capsys: pytest.CaptureFixture[str]) -> None:
        self.root, self.api, self.capsys = root, api, capsys

    def project(self, folder: str, run: RunResult, config: str = "") -> str:
        path = self.root / folder
        path.mkdir(parents=True, exist_ok=True)
        (path / "pyproject.toml").write_text(FAST + config)
        save_results(run, path / "qa-results" / "results.json")
        return folder

    def qa(self, *args: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = main(list(args))
        return code, self.capsys.readouterr().out

    def comments(self) -> dict[str, dict]:
        return {c["body"].splitlines()[0]: c for c in self.api.comments(REPO, 7)}


@pytest.fixture
def workspace(tmp_path: Path, github_api: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys) -> Workspace:
    for name in [k for k in os.environ if k.startswith(("GITHUB_", "QA_"))]:
        monkeypatch.delenv(name)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {
        "number": 7, "head": {"sha": PR_HEAD, "repo": {"full_name": REPO}},
        "base": {"sha": "b" * 40, "repo": {"full_name": REPO}}}}))
    root = tmp_path / "checkout"
    root.mkdir()
    env = {"GITHUB_TOKEN": "token-for-the-fake-api", "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github_api.url,
           "GITHUB_RUN_ID": "5", "GITHUB_WORKFLOW": "QA", "GITHUB_JOB": "report", "GITHUB_SHA": PR_HEAD,
           "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), "GITHUB_WORKSPACE": str(root)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(root)
    github_api.add_pull(REPO, 7, PR_HEAD)
    return Workspace(root, github_api, capsys)


def test_two_projects_keep_a_comment_each_and_each_updates_its_own(workspace: Workspace) -> None:
    a = workspace.project("services/a", failing_run())
    b = workspace.project("services/b", passing_run())
    assert workspace.qa("publish", "--project", a)[0] == 0
    assert workspace.qa("publish", "--project", b)[0] == 0
    comments = workspace.comments()
    assert set(comments) == {"<!-- qa-actions:QA:report:services-a -->", "<!-- qa-actions:QA:report:services-b -->"}
    first_a, first_b = comments["<!-- qa-actions:QA:report:services-a -->"], comments[
        "<!-- qa-actions:QA:report:services-b -->"]
    assert "### `services/a`: ❌ QA failed" in first_a["body"] and "### `services/b`: ✅ QA passed" in first_b["body"]

    save_results(passing_run(), workspace.root / a / "qa-results" / "results.json")  # a is fixed: a's comment follows
    code, out = workspace.qa("publish", "--project", a)
    assert code == 0 and "updated" in out
    comments = workspace.comments()
    assert len(comments) == 2 and comments["<!-- qa-actions:QA:report:services-a -->"]["id"] == first_a["id"]
    assert "✅ QA passed" in comments["<!-- qa-actions:QA:report:services-a -->"]["body"]
    assert comments["<!-- qa-actions:QA:report:services-b -->"] == first_b  # b's untouched


def test_check_runs_are_named_per_project_and_the_root_keeps_todays_names(workspace: Workspace) -> None:
    for folder in ("services/a", "services/b"):
        workspace.project(folder, passing_run())
    workspace.project(".", passing_run())
    for folder in ("services/a", "services/b", "."):
        assert workspace.qa("publish", "--project", folder)[0] == 0
    names = [c["name"] for c in workspace.api.check_runs(REPO)]
    tiers = list(passing_run().tiers)
    for prefix in ("qa / services-a", "qa / services-b", "qa"):
        assert {f"{prefix} / {tier}" for tier in tiers} | {f"{prefix} / verdict"} <= set(names)
    assert len(names) == len(set(names))  # no check run published twice under one name
    assert set(workspace.comments()) == {"<!-- qa-actions:QA:report:services-a -->",
                                         "<!-- qa-actions:QA:report:services-b -->", "<!-- qa-actions:QA:report -->"}


def test_a_chosen_comment_key_and_check_prefix_are_used_as_they_are(workspace: Workspace,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    a = workspace.project("services/a", passing_run())
    b = workspace.project("services/b", passing_run())
    c = workspace.project("services/c", passing_run(), 'comment-key = "ledger"\ncheck-prefix = "Ledger"\n')
    assert workspace.qa("publish", "--project", c)[0] == 0  # [tool.qa.report] of the project
    assert workspace.qa("publish", "--project", a, "--comment-key", "api", "--check-prefix", "API")[0] == 0
    monkeypatch.setenv("QA_CHECK_PREFIX", "Billing")  # the report action's input `check-prefix`
    assert workspace.qa("publish", "--project", b, "--comment-key", "billing")[0] == 0
    assert set(workspace.comments()) == {"<!-- qa-actions:api -->", "<!-- qa-actions:billing -->",
                                         "<!-- qa-actions:ledger -->"}
    names = {check["name"] for check in workspace.api.check_runs(REPO)}
    assert {"API / verdict", "Billing / verdict", "Ledger / verdict"} <= names
    assert not any(name.startswith("qa /") for name in names)


def test_a_check_prefix_with_a_line_break_is_refused(workspace: Workspace) -> None:
    a = workspace.project("services/a", passing_run())
    assert workspace.qa("publish", "--project", a, "--check-prefix", "qa\n::error ::x")[0] == 2
    assert workspace.api.check_runs(REPO) == []


def test_the_names_come_from_the_project_folder_never_from_the_results(workspace: Workspace) -> None:
    """A fork's results.json may claim any project_path: the trusted side's --project names the report."""
    run = passing_run()
    run.run.project_path = "services/b"
    a = workspace.project("services/a", run)
    assert workspace.qa("publish", "--project", a)[0] == 0
    assert set(workspace.comments()) == {"<!-- qa-actions:QA:report:services-a -->"}


def test_two_projects_nightly_issues_never_close_each_other(workspace: Workspace) -> None:
    a = workspace.project("services/a", failing_run())
    b = workspace.project("services/b", failing_run())
    for folder in (a, b):
        assert workspace.qa("nightly-issue", "--project", folder)[0] == 0
    issues = workspace.api.issues(REPO)
    assert sorted(i["title"] for i in issues) == ["Nightly QA run failed: services/a",
                                                  "Nightly QA run failed: services/b"]
    save_results(passing_run(), workspace.root / b / "qa-results" / "results.json")
    code, out = workspace.qa("nightly-issue", "--project", b)
    assert code == 0 and "closed" in out
    state = {i["title"]: i["state"] for i in workspace.api.issues(REPO)}
    assert state == {"Nightly QA run failed: services/a": "open", "Nightly QA run failed: services/b": "closed"}
