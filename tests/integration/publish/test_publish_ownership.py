"""Issue 16, finding 5: only our own comment and our own nightly issue are ours. Someone else's comment
or issue carrying the hidden marker is neither edited nor deleted. Real PyGithub, loopback API."""

from __future__ import annotations

from pathlib import Path

import test_publish
from github_api import FakeGitHub
from sample_results import failing_run, passing_run
from test_publish import MARKER, REPO, Publisher

from qa_actions.model import Counts, Failure, Problem, RunInfo, RunResult, TierResult, save_results
from qa_actions.render.nightly_issue import marker as nightly_marker

publisher = test_publish.publisher  # the project, environment and loopback API of `qa publish`'s own tests


def test_a_forged_comment_with_our_marker_is_left_alone(publisher: Publisher) -> None:
    forged = publisher.api.add_comment(REPO, 7, f"{MARKER}\n✅ QA passed (trust me)", login="mallory")
    assert publisher.publish()[0] == 0
    comments = publisher.api.comments(REPO, 7)
    assert comments[0] == forged  # neither edited nor deleted
    ours = [c for c in comments if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1 and "QA failed" in ours[0]["body"]
    assert not publisher.api.calls("PATCH", r".*/issues/comments/\d+")
    assert not publisher.api.calls("DELETE", r".*")


def test_a_forged_twin_is_not_deleted_as_a_duplicate(publisher: Publisher) -> None:
    ours = publisher.api.add_comment(REPO, 7, f"{MARKER}\nold report")
    forged = publisher.api.add_comment(REPO, 7, f"{MARKER}\nforged", login="mallory")
    assert publisher.publish()[0] == 0
    comments = {c["id"]: c for c in publisher.api.comments(REPO, 7)}
    assert set(comments) == {ours["id"], forged["id"]}
    assert comments[forged["id"]]["body"] == f"{MARKER}\nforged" and "QA failed" in comments[ours["id"]]["body"]


def test_a_personal_token_finds_its_own_comments(publisher: Publisher) -> None:
    """With a user's token, GET /user names the author; the bot's comments are then someone else's."""
    publisher.api.add_user("token-for-the-fake-api", "release-bot")
    bots = publisher.api.add_comment(REPO, 7, f"{MARKER}\nby the Actions token")
    mine = publisher.api.add_comment(REPO, 7, f"{MARKER}\nold", login="release-bot")
    assert publisher.publish()[0] == 0
    comments = {c["id"]: c for c in publisher.api.comments(REPO, 7)}
    assert comments[bots["id"]]["body"] == f"{MARKER}\nby the Actions token"
    assert "QA failed" in comments[mine["id"]]["body"] and len(comments) == 2
    assert len(publisher.api.calls("GET", "/user")) == 1


def test_who_we_are_is_asked_only_when_a_comment_carries_the_marker(publisher: Publisher) -> None:
    publisher.save(passing_run())
    assert publisher.publish()[0] == 0
    assert not publisher.api.calls("GET", "/user")
    publisher.save(failing_run())
    assert publisher.publish()[0] == 0
    (comment,) = publisher.api.comments(REPO, 7)
    assert "QA failed" in comment["body"] and len(publisher.api.calls("GET", "/user")) == 1


def failed_night() -> RunResult:
    smoke = TierResult("smoke", "failed", Counts(tests=1, failed=1), failures=[Failure("test_up", "down")])
    return RunResult(RunInfo("77.1", "t"), tiers={"smoke": smoke}, verdict="failed",
                     problems=[Problem("high", "smoke", "test-failure", "test_up: down")])


def test_a_forged_nightly_issue_is_not_ours(tmp_path: Path, run_qa, github_api: FakeGitHub) -> None:
    forged = github_api.add_issue("acme/ledger", "Nightly QA run failed", nightly_marker("nightly") + "\nforged",
                                  ("qa-nightly",), login="mallory")
    env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/ledger", "GITHUB_API_URL": github_api.url,
           "GITHUB_OUTPUT": str(tmp_path / "out")}
    save_results(failed_night(), tmp_path / "qa-results" / "results.json")
    done = run_qa("nightly-issue", "--project", tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    issues = {i["number"]: i for i in github_api.issues("acme/ledger")}
    assert issues[forged["number"]]["body"].endswith("\nforged") and issues[forged["number"]]["state"] == "open"
    (created,) = [i for n, i in issues.items() if n != forged["number"]]
    assert created["user"]["login"] == "github-actions[bot]" and "issue-action=opened" in (tmp_path / "out").read_text()
    assert not github_api.calls("POST", rf"/repos/acme/ledger/issues/{forged['number']}/comments")

    save_results(RunResult(RunInfo("78.1", "t"), tiers={}), tmp_path / "qa-results" / "results.json")
    assert run_qa("nightly-issue", "--project", tmp_path, env=env).returncode == 0
    issues = {i["number"]: i for i in github_api.issues("acme/ledger")}
    assert issues[forged["number"]]["state"] == "open" and issues[created["number"]]["state"] == "closed"
