"""`qa publish` with the real PyGithub client against a loopback GitHub API (tests/github_api.py)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from github_api import FakeGitHub, start
from sample_results import failing_run, passing_run, with_failures

from qa_actions.cli import main
from qa_actions.model import RunResult, save_results
from qa_actions.render.markdown import utf16_size

REPO = "org/repo"
PR_HEAD = "c" * 40
MARKER = "<!-- qa-actions:qa:report -->"
FAST = "[tool.qa.report]\nretries = 2\nretry-backoff = 0.01\nmax-retry-wait = 5\nwrite-interval = 0\n"


@dataclass
class Publisher:
    """A project with results.json, a GitHub Actions environment, and `qa publish` run in-process."""

    project: Path
    api: FakeGitHub
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    @property
    def results(self) -> Path:
        return self.project / "qa-results"

    def save(self, run: RunResult) -> None:
        save_results(run, self.results / "results.json")

    def event(self, name: str, payload: dict) -> None:
        path = self.project / "event.json"
        path.write_text(json.dumps(payload))
        self.monkeypatch.setenv("GITHUB_EVENT_NAME", name)
        self.monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))

    def pull_request_event(self, number: int = 7, head: str = PR_HEAD, head_repo: str = REPO) -> None:
        self.event("pull_request", {"pull_request": {
            "number": number, "head": {"sha": head, "repo": {"full_name": head_repo}},
            "base": {"sha": "b" * 40, "repo": {"full_name": REPO}}}})

    def publish(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["publish", "--project", str(self.project), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def posted_text(self) -> str:
        """Everything the server received: paths, queries and bodies."""
        return json.dumps([r.to_dict() for r in self.api.requests])


@pytest.fixture
def publisher(tmp_path: Path, github_api: FakeGitHub, monkeypatch: pytest.MonkeyPatch, capsys) -> Publisher:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(FAST)
    for name in [k for k in os.environ if k.startswith("GITHUB_")]:
        monkeypatch.delenv(name)
    env = {"GITHUB_TOKEN": "token-for-the-fake-api", "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": github_api.url,
           "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "99", "GITHUB_WORKFLOW": "qa",
           "GITHUB_JOB": "report", "GITHUB_SHA": "d" * 40, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GITHUB_OUTPUT": str(tmp_path / "output.txt")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    publisher = Publisher(project, github_api, monkeypatch, capsys)
    github_api.add_pull(REPO, 7, PR_HEAD)
    publisher.pull_request_event()
    publisher.save(failing_run())
    return publisher


def test_first_run_creates_the_comment_and_the_second_updates_it(publisher: Publisher) -> None:
    code, out, _ = publisher.publish()
    assert code == 0
    (comment,) = publisher.api.comments(REPO, 7)
    assert comment["body"].splitlines()[0] == MARKER
    assert "QA failed" in comment["body"] and "tests/unit/test_money.py::test_broken" in comment["body"]
    assert "comment on pull request #7: created" in out

    publisher.save(passing_run())
    code, out, _ = publisher.publish()
    assert code == 0
    (updated,) = publisher.api.comments(REPO, 7)
    assert updated["id"] == comment["id"] and "QA passed" in updated["body"]
    assert len(publisher.api.calls("POST", rf"/repos/{REPO}/issues/7/comments")) == 1
    assert len(publisher.api.calls("PATCH", rf"/repos/{REPO}/issues/comments/{comment['id']}")) == 1
    assert "updated" in out


def test_check_runs_per_tier_scan_and_gate_on_the_pr_head(publisher: Publisher) -> None:
    assert publisher.publish()[0] == 0
    runs = {c["name"]: c for c in publisher.api.check_runs(REPO)}
    assert {name: c["conclusion"] for name, c in runs.items()} == {
        "qa / unit": "failure", "qa / integration": "failure", "qa / chaos": "success", "qa / acid": "neutral",
        "qa / security": "failure", "qa / coverage": "failure", "qa / verdict": "failure"}
    assert {c["head_sha"] for c in runs.values()} == {PR_HEAD}
    assert all(c["status"] == "completed" for c in runs.values())
    (failure,) = runs["qa / unit"]["annotations"]
    assert (failure["path"], failure["start_line"], failure["annotation_level"]) == \
        ("tests/unit/test_money.py", 42, "failure")
    ranges = [(a["path"], a["start_line"], a["end_line"]) for a in runs["qa / coverage"]["annotations"]]
    assert ranges == [("src/ledger/money.py", 61, 65), ("src/ledger/money.py", 70, 70),
                      ("src/ledger/pricing.py", 12, 12)]
    levels = sorted(a["annotation_level"] for a in runs["qa / security"]["annotations"])
    assert levels == ["failure", "failure", "notice"]


def test_120_annotations_arrive_in_3_requests(publisher: Publisher) -> None:
    publisher.save(with_failures(passing_run(), 120))
    assert publisher.publish()[0] == 0
    (unit,) = [c for c in publisher.api.check_runs(REPO) if c["name"] == "qa / unit"]
    assert len(unit["annotations"]) == 120
    assert [a["start_line"] for a in unit["annotations"]] == list(range(1, 121))
    create = [r for r in publisher.api.calls("POST", rf"/repos/{REPO}/check-runs") if r.body["name"] == "qa / unit"]
    updates = publisher.api.calls("PATCH", rf"/repos/{REPO}/check-runs/{unit['id']}")
    sizes = [len(r.body["output"]["annotations"]) for r in create + updates]
    assert sizes == [50, 50, 20]


def test_the_comment_stays_under_65535_characters(publisher: Publisher) -> None:
    publisher.save(with_failures(failing_run(), 800, message="🙈 assert " + "x" * 400))
    assert publisher.publish()[0] == 0
    (comment,) = publisher.api.comments(REPO, 7)
    body = comment["body"]
    assert utf16_size(body) <= 65_535
    assert body.splitlines()[0] == MARKER
    assert "job summary of the workflow run" in body  # the pointer to the full report
    assert "https://github.example/org/repo/actions/runs/99" in body
    for check in publisher.api.check_runs(REPO):
        assert utf16_size(check["output"]["summary"]) <= 65_535
        assert utf16_size(check["output"].get("text") or "") <= 65_535


def test_a_502_is_retried(publisher: Publisher) -> None:
    publisher.api.fail("POST", r"/check-runs$", 502)
    code, _, err = publisher.publish()
    assert code == 0, err
    statuses = [r.status for r in publisher.api.calls("POST", rf"/repos/{REPO}/check-runs")]
    assert statuses[:2] == [502, 201]
    assert len(publisher.api.check_runs(REPO)) == 7


def test_a_rate_limit_waits_for_retry_after(publisher: Publisher) -> None:
    publisher.api.fail("POST", r"/issues/7/comments$", 403,
                       headers={"x-ratelimit-remaining": "0", "retry-after": "1"},
                       body={"message": "API rate limit exceeded for installation ID 1."})
    started = time.monotonic()
    code, _, err = publisher.publish()
    assert code == 0, err
    attempts = publisher.api.calls("POST", rf"/repos/{REPO}/issues/7/comments")
    assert [r.status for r in attempts] == [403, 201]
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert len(publisher.api.comments(REPO, 7)) == 1


def test_a_429_is_retried(publisher: Publisher) -> None:
    publisher.api.fail("PATCH", r"/check-runs/\d+$", 429, body={"message": "You have exceeded a secondary rate limit"})
    publisher.save(with_failures(passing_run(), 60))
    code, _, err = publisher.publish()
    assert code == 0, err
    assert [r.status for r in publisher.api.calls("PATCH", r".*/check-runs/\d+")] == [429, 200]


def test_github_failing_after_the_retries_is_one_clear_error(publisher: Publisher) -> None:
    publisher.api.fail("POST", r"/check-runs$", 502, times=10)
    code, _, err = publisher.publish()
    assert code == 2
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("qa: error: GitHub API")
    assert "502" in err
    assert len(publisher.api.calls("POST", rf"/repos/{REPO}/check-runs")) == 3  # first try + 2 retries
    summary = Path(os.environ["GITHUB_STEP_SUMMARY"]).read_text()
    assert "Publishing failed" in summary and "QA failed" in summary


def test_a_fork_pr_without_write_permission_degrades_to_the_job_summary(publisher: Publisher) -> None:
    publisher.api.deny("comments", "checks")
    publisher.pull_request_event(head_repo="someone/fork")
    code, out, err = publisher.publish()
    assert code == 0
    assert "Traceback" not in out + err
    assert "`pull-requests: write`" in err and "`checks: write`" in err
    assert "fork" in err
    summary = Path(os.environ["GITHUB_STEP_SUMMARY"]).read_text()
    assert "The pull-request comment was not posted" in summary
    assert "The check runs were not created" in summary
    assert "QA failed" in summary and "tests/unit/test_money.py::test_broken" in summary
    # one refused check run is enough to stop trying the others
    assert len(publisher.api.calls("POST", rf"/repos/{REPO}/check-runs")) == 1
    assert publisher.api.comments(REPO, 7) == []


def test_a_push_without_pull_request_gets_check_runs_only(publisher: Publisher) -> None:
    pushed = "e" * 40
    publisher.event("push", {"before": "a" * 40, "after": pushed})
    code, out, _ = publisher.publish()
    assert code == 0
    assert publisher.api.calls("GET", rf"/repos/{REPO}/commits/{pushed}/pulls")
    assert not publisher.api.calls("POST", r".*/comments") and not publisher.api.calls("GET", r".*/comments")
    assert {c["head_sha"] for c in publisher.api.check_runs(REPO)} == {pushed}
    assert "no open pull request for this push event" in out


def test_a_push_to_an_open_pull_request_comments_there(publisher: Publisher) -> None:
    publisher.event("push", {"before": "a" * 40, "after": PR_HEAD})
    assert publisher.publish()[0] == 0
    assert len(publisher.api.comments(REPO, 7)) == 1


def test_workflow_run_from_a_fork_finds_the_pr_by_branch(publisher: Publisher) -> None:
    fork_head = "f" * 40
    publisher.api.add_pull(REPO, 12, fork_head, head_ref="fix-bug", head_repo="someone/repo")
    publisher.monkeypatch.setenv("GITHUB_WORKFLOW", "qa-publish")
    publisher.event("workflow_run", {"repository": {"full_name": REPO}, "workflow_run": {
        "name": "qa", "head_sha": fork_head, "head_branch": "fix-bug", "pull_requests": [],
        "head_repository": {"full_name": "someone/repo", "owner": {"login": "someone"}}}})
    assert publisher.publish()[0] == 0
    (comment,) = publisher.api.comments(REPO, 12)
    assert comment["body"].startswith("<!-- qa-actions:qa:report -->")  # the triggering workflow's marker
    assert {c["head_sha"] for c in publisher.api.check_runs(REPO)} == {fork_head}


def test_comment_mode_changes_leaves_the_same_results_alone(publisher: Publisher) -> None:
    (publisher.project / "pyproject.toml").write_text(FAST + 'comment-mode = "changes"\n')
    assert publisher.publish()[0] == 0
    publisher.monkeypatch.setenv("GITHUB_RUN_ID", "100")  # a re-run: other links, same results
    code, out, _ = publisher.publish()
    assert code == 0 and "same results" in out
    assert not publisher.api.calls("PATCH", r".*/issues/comments/\d+")


def test_comment_mode_failures_posts_only_once_something_fails(publisher: Publisher) -> None:
    publisher.save(passing_run())
    assert publisher.publish("--comment-mode", "failures")[0] == 0
    assert publisher.api.comments(REPO, 7) == []
    publisher.save(failing_run())
    assert publisher.publish("--comment-mode", "failures")[0] == 0
    assert "QA failed" in publisher.api.comments(REPO, 7)[0]["body"]
    publisher.save(passing_run())
    assert publisher.publish("--comment-mode", "failures")[0] == 0  # the stale failure is replaced
    assert "QA passed" in publisher.api.comments(REPO, 7)[0]["body"]


def test_comment_mode_off_posts_check_runs_only(publisher: Publisher) -> None:
    assert publisher.publish("--comment-mode", "off")[0] == 0
    assert not publisher.api.calls("GET", r".*/comments") and publisher.api.check_runs(REPO)


def test_duplicate_comments_heal_and_others_are_left_alone(publisher: Publisher) -> None:
    for i in range(120):  # our comment is on the second page
        publisher.api.add_comment(REPO, 7, f"LGTM {i}", login="reviewer")
    ours = publisher.api.add_comment(REPO, 7, f"{MARKER}\nold report")
    publisher.api.add_comment(REPO, 7, f"quoting it: {MARKER}", login="reviewer")
    twin = publisher.api.add_comment(REPO, 7, f"{MARKER}\nraced report")
    assert publisher.publish()[0] == 0
    comments = publisher.api.comments(REPO, 7)
    marked = [c for c in comments if c["body"].startswith(MARKER)]
    assert [c["id"] for c in marked] == [ours["id"]] and "QA failed" in marked[0]["body"]
    assert twin["id"] not in {c["id"] for c in comments}
    assert len(comments) == 122


def test_github_enterprise_server_api_url(tmp_path: Path, publisher: Publisher) -> None:
    ghes = start(prefix="/api/v3")
    try:
        ghes.add_pull(REPO, 7, PR_HEAD)
        publisher.monkeypatch.setenv("GITHUB_API_URL", ghes.url)
        assert ghes.url.endswith("/api/v3")
        assert publisher.publish()[0] == 0
        assert len(ghes.comments(REPO, 7)) == 1 and len(ghes.check_runs(REPO)) == 7
        assert publisher.api.requests == []
    finally:
        ghes.server.stop()


def test_secrets_and_personal_data_never_reach_github(publisher: Publisher) -> None:
    planted = "planted-deploy-secret-3f9a"
    github_token = "ghp_" + "A1b2C3d4E5" * 4
    publisher.monkeypatch.setenv("DEPLOY_TOKEN", planted)
    run = failing_run()
    failure = run.tiers["unit"].failures[0]
    failure.message = f"login failed for jane.doe@acme-mail.com with {planted} via https://app:hunter2pw@db.local/x"
    failure.traceback = f"token={github_token}\n{planted}"
    failure.test = f"tests/unit/test_login.py::test_login[{planted}]"
    publisher.save(run)
    assert publisher.publish()[0] == 0
    sent = publisher.posted_text()
    assert publisher.api.comments(REPO, 7) and publisher.api.check_runs(REPO)
    for secret in (planted, github_token, "jane.doe@acme-mail.com", "hunter2pw"):
        assert secret not in sent
        for written in publisher.results.glob("*.md"):
            assert secret not in written.read_text()
    assert "[secret removed]" in sent and "[email removed]" in sent


def test_outputs_and_job_summary_are_written(publisher: Publisher) -> None:
    assert publisher.publish()[0] == 0
    outputs = dict(line.split("=", 1) for line in
                   Path(os.environ["GITHUB_OUTPUT"]).read_text().splitlines())
    assert outputs["verdict"] == "failed"
    assert (outputs["tests"], outputs["passed"], outputs["failed"]) == ("216", "215", "1")
    assert (outputs["coverage-unit"], outputs["coverage-integration"]) == ("97.68", "59.10")
    assert outputs["coverage-chaos"] == "" and outputs["changed-lines-coverage"] == "75.00"
    assert json.loads(outputs["json"])["tiers"]["unit"]["coverage"] == 97.68
    summary = Path(os.environ["GITHUB_STEP_SUMMARY"]).read_text()
    assert "### ❌ QA failed" in summary and MARKER not in summary
    assert (publisher.results / "comment.md").read_text() == publisher.api.comments(REPO, 7)[0]["body"]


def test_without_a_token_it_explains_and_writes_a_preview(publisher: Publisher) -> None:
    publisher.monkeypatch.delenv("GITHUB_TOKEN")
    code, out, _ = publisher.publish()
    assert code == 0
    assert "no GITHUB_TOKEN" in out
    assert f"comment marked {MARKER} on pull request #7" in out
    assert f"create 7 check runs on {PR_HEAD}" in out and "qa / coverage: failure, 3 annotations" in out
    assert (publisher.results / "comment.md").read_text().startswith(MARKER)
    assert publisher.api.requests == []


def test_missing_results_is_a_clear_usage_error(publisher: Publisher) -> None:
    (publisher.results / "results.json").unlink()
    code, _, err = publisher.publish()
    assert code == 2 and "run `qa collect`" in err and "Traceback" not in err


def test_malformed_event_file_is_a_clear_usage_error(publisher: Publisher) -> None:
    (publisher.project / "event.json").write_text("{not json")
    code, _, err = publisher.publish()
    assert code == 2 and "GITHUB_EVENT_PATH" in err and "Traceback" not in err


def test_run_commit_is_used_for_schedule_events(publisher: Publisher) -> None:
    publisher.event("schedule", {"schedule": "0 3 * * *"})
    assert publisher.publish()[0] == 0
    assert {c["head_sha"] for c in publisher.api.check_runs(REPO)} == {"d" * 40}
    assert not publisher.api.calls("GET", r".*/comments")
