import json
from pathlib import Path

import pytest

from qa_actions.errors import InputError
from qa_actions.github_env import parse_event, read_github_env

HEAD, BASE, OTHER = "a" * 40, "b" * 40, "c" * 40


def pull_request(head_repo: str | None = "org/repo") -> dict:
    return {"number": 7, "head": {"sha": HEAD, "repo": {"full_name": head_repo} if head_repo else None},
            "base": {"sha": BASE, "repo": {"full_name": "org/repo"}}}


def test_pull_request_events_name_head_base_and_number() -> None:
    for name in ("pull_request", "pull_request_target"):
        event = parse_event(name, {"pull_request": pull_request()}, OTHER)
        assert (event.head_sha, event.base_sha, event.pull.number, event.from_fork) == (HEAD, BASE, 7, False)


@pytest.mark.parametrize("head_repo", ["someone/repo", None])
def test_forks_and_deleted_forks(head_repo: str | None) -> None:
    assert parse_event("pull_request", {"pull_request": pull_request(head_repo)}, None).from_fork


def test_a_pull_requests_labels_are_read_with_limits() -> None:
    labels = [{"name": "qa:full-run"}, {"name": 7}, "bug", {"name": "x" * 500},
              *({"name": f"l{i}"} for i in range(200))]
    pull = parse_event("pull_request", {"pull_request": {**pull_request(), "labels": labels}}, None).pull
    assert pull.labels[0] == "qa:full-run" and len(pull.labels) <= 100 and all(len(n) <= 100 for n in pull.labels)
    odd = parse_event("pull_request", {"pull_request": {**pull_request(), "labels": "qa:full-run"}}, None)
    assert odd.pull.labels == ()


def test_push_compares_before_and_after() -> None:
    event = parse_event("push", {"before": BASE, "after": HEAD}, OTHER)
    assert (event.head_sha, event.base_sha, event.pull) == (HEAD, BASE, None)
    new_branch = parse_event("push", {"before": "0" * 40, "after": HEAD}, OTHER)
    assert new_branch.base_sha is None


def test_workflow_run_names_the_triggering_run() -> None:
    payload = {"repository": {"full_name": "org/repo"}, "workflow_run": {
        "name": "CI", "head_sha": HEAD, "head_branch": "fix", "pull_requests": [],
        "head_repository": {"full_name": "someone/repo", "owner": {"login": "someone"}}}}
    event = parse_event("workflow_run", payload, OTHER)
    assert (event.head_sha, event.head_branch, event.head_owner, event.from_fork) == (HEAD, "fix", "someone", True)
    assert event.triggering_workflow == "CI" and event.pull is None


@pytest.mark.parametrize("payload", [{}, {"pull_request": "nonsense"}, {"pull_request": {"number": "7"}},
                                     {"pull_request": {"number": 7, "head": {"sha": "not-a-sha"}}}])
def test_odd_payloads_fall_back_without_crashing(payload: dict) -> None:
    event = parse_event("pull_request", payload, OTHER)
    assert event.head_sha == OTHER


def test_environment(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": pull_request()}))
    env = read_github_env({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path),
                           "GITHUB_API_URL": "https://ghe.example/api/v3/", "GITHUB_REPOSITORY": "org/repo",
                           "GITHUB_RUN_ID": "5", "GITHUB_SERVER_URL": "https://ghe.example",
                           "GITHUB_WORKFLOW": "QA <!-- x -->", "GITHUB_JOB": "report"})
    assert env.api_url == "https://ghe.example/api/v3"
    assert env.run_url == "https://ghe.example/org/repo/actions/runs/5"
    assert env.marker_key(None) == "QA __- x -_:report"  # nothing can close the HTML comment early
    assert env.marker_key("custom") == "custom"
    assert env.token is None and env.event.pull.number == 7


def test_outside_github() -> None:
    env = read_github_env({})
    assert env.event.name == "local" and env.marker_key(None) == "local:local" and env.run_url is None


@pytest.mark.parametrize("content", ["{broken", "[1, 2]"])
def test_a_bad_event_file_is_an_input_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "event.json"
    path.write_text(content)
    with pytest.raises(InputError, match="GITHUB_EVENT_PATH"):
        read_github_env({"GITHUB_EVENT_PATH": str(path)})
    with pytest.raises(InputError, match="does not exist"):
        read_github_env({"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")})
