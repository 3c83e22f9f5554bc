"""The one nightly issue, against a real HTTP server speaking the GitHub endpoints it uses."""

import json
from pathlib import Path

import pytest
from github import Auth, Github
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from qa_actions.model import Counts, Failure, Problem, RunInfo, RunResult, TierResult, save_results
from qa_actions.publish.client import Identity
from qa_actions.publish.issue import sync_issue
from qa_actions.render.nightly_issue import marker, render_issue
from qa_actions.scrub import Scrubber

REPO = "/repos/acme/ledger"
MARKER = marker("nightly")


LEAK = "status down, mail ops@ledger-corp.io, GET https://deploy:hunter2hunter2@ci.internal/ with key s3cr3t-v4lue"


def failed_run() -> RunResult:
    smoke = TierResult("smoke", "failed", Counts(tests=3, passed=2, failed=1), failures=[Failure("test_up", LEAK)])
    problems = [Problem("critical", "smoke", "test-failure", f"test_up: {LEAK}", "tests/smoke/test_up.py", 12)]
    return RunResult(RunInfo("77.1", "t", commit="abc123"), tiers={"smoke": smoke}, problems=problems,
                     verdict="failed")


def green_run() -> RunResult:
    return RunResult(RunInfo("78.1", "t"), tiers={"smoke": TierResult("smoke", "passed", Counts(tests=3, passed=3))})


def issue(server: HTTPServer, number: int, body: str, **extra: object) -> dict:
    return {"number": number, "title": "Nightly QA run failed", "body": body, "state": "open",
            "url": server.url_for(f"{REPO}/issues/{number}"), "user": {"login": "github-actions[bot]"}, **extra}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict]] = []

    def __call__(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        self.calls.append((request.method, request.path, body))
        number = int(request.path.split("/issues/")[1].split("/")[0]) if "/issues/" in request.path else 9
        return Response(json.dumps({"number": number, "id": 1, "body": body.get("body", ""), "state": "open",
                                    "url": request.url}), status=201 if request.method == "POST" else 200,
                        content_type="application/json")


@pytest.fixture
def repo(httpserver: HTTPServer):
    client = Github(base_url=httpserver.url_for("").rstrip("/"), auth=Auth.Token("t"), retry=None,
                    seconds_between_requests=None, seconds_between_writes=None, lazy=True)
    yield client.get_repo("acme/ledger")
    client.close()


def sync(repo, run: RunResult, *, title: str = "t", run_url: str | None = None):
    return sync_issue(repo, run, key="nightly", label="qa-nightly", title=title, run_url=run_url, scrubber=Scrubber(),
                      me=Identity.known("github-actions[bot]"))


def serve_open_issues(server: HTTPServer, issues: list[dict]) -> Recorder:
    server.expect_request(f"{REPO}/issues", method="GET",
                          query_string={"state": "open", "labels": "qa-nightly", "sort": "created",
                                        "direction": "asc"}).respond_with_json(issues)
    recorder = Recorder()
    for method in ("POST", "PATCH"):
        server.expect_request(f"{REPO}/labels", method=method).respond_with_handler(recorder)
        server.expect_request(f"{REPO}/issues", method=method).respond_with_handler(recorder)
        for number in (4, 5):
            server.expect_request(f"{REPO}/issues/{number}", method=method).respond_with_handler(recorder)
            server.expect_request(f"{REPO}/issues/{number}/comments", method=method).respond_with_handler(recorder)
    return recorder


def test_first_failure_opens_one_labelled_issue(httpserver: HTTPServer, repo) -> None:
    recorder = serve_open_issues(httpserver, [])
    outcome = sync(repo, failed_run(), title="Nightly QA run failed",
                   run_url="https://github.com/acme/ledger/actions/runs/77")
    assert (outcome.action, outcome.number) == ("opened", 9)
    (label, created) = recorder.calls
    assert label[:2] == ("POST", f"{REPO}/labels") and label[2]["name"] == "qa-nightly"
    assert created[:2] == ("POST", f"{REPO}/issues") and created[2]["labels"] == ["qa-nightly"]
    assert created[2]["body"].startswith(MARKER)


def test_an_existing_label_is_kept(httpserver: HTTPServer, repo) -> None:
    httpserver.expect_request(f"{REPO}/labels", method="POST").respond_with_json(
        {"message": "Validation Failed", "errors": [{"code": "already_exists"}]}, status=422)
    recorder = serve_open_issues(httpserver, [])
    assert sync(repo, failed_run()).action == "opened"
    assert [(method, path) for method, path, _ in recorder.calls] == [("POST", f"{REPO}/issues")]


def test_next_failure_updates_the_same_issue(httpserver: HTTPServer, repo) -> None:
    others = [issue(httpserver, 4, "someone else's issue with the label"),
              issue(httpserver, 6, "<!-- qa-actions:nightly:weekly -->")]
    recorder = serve_open_issues(httpserver, [*others, issue(httpserver, 5, MARKER + "\nold")])
    outcome = sync(repo, failed_run())
    assert (outcome.action, outcome.number) == ("updated", 5)
    assert [(method, path) for method, path, _ in recorder.calls] == [
        ("PATCH", f"{REPO}/issues/5"), ("POST", f"{REPO}/issues/5/comments")]
    assert "run 77.1" in recorder.calls[1][2]["body"]


def test_green_night_closes_the_issue(httpserver: HTTPServer, repo) -> None:
    recorder = serve_open_issues(httpserver, [issue(httpserver, 5, MARKER)])
    outcome = sync(repo, green_run(), run_url="https://run/78")
    assert (outcome.action, outcome.number) == ("closed", 5)
    (comment, close) = recorder.calls
    assert comment[1] == f"{REPO}/issues/5/comments" and "green again: https://run/78" in comment[2]["body"]
    assert close == ("PATCH", f"{REPO}/issues/5", {"state": "closed", "state_reason": "completed"})


def test_green_night_without_an_issue_does_nothing(httpserver: HTTPServer, repo) -> None:
    recorder = serve_open_issues(httpserver, [issue(httpserver, 4, "<!-- qa-actions:nightly:other -->")])
    assert sync(repo, green_run()).action == "none"
    assert recorder.calls == []


def test_issue_body_is_bounded_and_scrubbed() -> None:
    run = failed_run()
    run.problems *= 80
    body = render_issue(run, "https://run/77", "nightly", Scrubber.from_environ({"DEPLOY_API_KEY": "s3cr3t-v4lue"}))
    assert body.startswith(MARKER) and "[run 77.1](https://run/77)" in body
    for leaked in ("ops@ledger-corp.io", "hunter2hunter2", "s3cr3t-v4lue"):
        assert leaked not in body
    assert "mail [email removed], GET https://deploy:[password removed]@ci.internal/ with key [secret removed]" in body
    assert "`tests/smoke/test_up.py:12`" in body and "… and 30 more" in body
    assert "- **smoke**: failed — 1 of 3 failed, coverage —" in body


def results(project: Path, run: RunResult) -> None:
    save_results(run, project / "qa-results" / "results.json")


def test_without_a_token_it_says_what_it_would_do(tmp_path: Path, run_qa) -> None:
    results(tmp_path, failed_run())
    done = run_qa("nightly-issue", "--project", tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == "no GITHUB_TOKEN or GITHUB_REPOSITORY: would open or update the `qa-nightly` issue" \
                                  " (verdict failed)"


def test_missing_permission_is_a_warning(tmp_path: Path, run_qa, httpserver: HTTPServer) -> None:
    results(tmp_path, failed_run())
    httpserver.expect_request(f"{REPO}/issues").respond_with_json({"message": "Resource not accessible"}, status=403)
    out = tmp_path / "out"
    env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/ledger", "GITHUB_OUTPUT": str(out),
           "GITHUB_API_URL": httpserver.url_for("").rstrip("/")}
    done = run_qa("nightly-issue", "--project", tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "::warning title=qa nightly-issue::GitHub refused (403)" in done.stdout and "issues: write" in done.stdout
    assert "issue-action=none\n" in out.read_text()


def test_missing_results_is_a_clear_error(tmp_path: Path, run_qa) -> None:
    done = run_qa("nightly-issue", "--project", tmp_path)
    assert done.returncode == 2 and "results.json not found" in done.stderr and "Traceback" not in done.stderr


def test_open_update_close_against_the_loopback_api(tmp_path: Path, run_qa, github_api) -> None:
    """The whole life of the issue with `qa nightly-issue` as the workflow runs it (tests/github_api.py)."""
    out = tmp_path / "out"
    env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme/ledger", "GITHUB_API_URL": github_api.url,
           "GITHUB_RUN_ID": "77", "GITHUB_OUTPUT": str(out), "DEPLOY_API_KEY": "s3cr3t-v4lue"}
    for run, action in ((failed_run(), "opened"), (failed_run(), "updated"), (green_run(), "closed")):
        results(tmp_path, run)
        done = run_qa("nightly-issue", "--project", tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        assert f"issue-action={action}\nissue-number=1\n" in out.read_text()
    (issue,) = github_api.issues("acme/ledger")
    assert (issue["state"], issue["state_reason"], [x["name"] for x in issue["labels"]]) == (
        "closed", "completed", ["qa-nightly"])
    assert "s3cr3t-v4lue" not in issue["body"] and "[secret removed]" in issue["body"]
    comments = [c["body"] for c in github_api.comments("acme/ledger", 1)]
    assert comments == ["Still failing in https://github.com/acme/ledger/actions/runs/77.",
                        "The nightly QA run is green again: https://github.com/acme/ledger/actions/runs/77. Closing."]
