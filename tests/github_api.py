"""A loopback stand-in for the GitHub REST API that `qa publish` and `qa nightly-issue` talk to,
recording every request.

It answers the endpoints qa-actions uses with GitHub's own rules (50 annotations per request,
65,536 characters per comment or issue body, 65,535 per check-run summary and text, 422 otherwise),
keeps state between requests (comments, check runs, pull requests, issues, labels) and knows who wrote
what: a token registered with `add_user` is that user's (`GET /user` answers with its login), any other
token is a GitHub Actions installation token (`GET /user` is refused with 403, as GitHub does, and what
it writes is by `github-actions[bot]`; its check runs belong to the `github-actions` app). It can be
told to misbehave: answer the next N matching requests with a status (502, a rate limit with
Retry-After), or refuse writes that need a permission, as GitHub does for a read-only token.

In our tests: the `github_api` fixture (tests/conftest.py). Alone, for workflows run with act:

    python tests/github_api.py --port 8765 --record requests.jsonl --repo org/repo --pull 7:<head sha>

prints the API base URL (for GITHUB_API_URL) and serves until interrupted; `GET /_fake/state`
returns the comments, check runs and issues as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import re
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

MAX_COMMENT = 65_536
MAX_OUTPUT = 65_535
MAX_ANNOTATIONS = 50
CONCLUSIONS = {"action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"}
LEVELS = {"notice", "warning", "failure"}
SHA = re.compile(r"^[0-9a-f]{40}$")
NOT_ACCESSIBLE = "Resource not accessible by integration"
ACTIONS_BOT = "github-actions[bot]"
ACTIONS_APP = {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"}
# which permission each kind of write needs, as GitHub's X-Accepted-GitHub-Permissions names it
WRITE_PERMISSIONS = {"comments": "issues=write; pull_requests=write", "checks": "checks=write",
                     "issues": "issues=write"}


@dataclass
class Recorded:
    method: str
    path: str  # without the API prefix
    query: dict[str, str]
    body: Any
    status: int
    authorized: bool

    def to_dict(self) -> dict[str, Any]:
        return vars(self)


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str]
    body: Any


@dataclass
class Repo:
    full_name: str
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # issue number -> comments
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # issues proper, not pull requests
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)

    def next_number(self) -> int:
        """Pull requests and issues share one sequence of numbers, as on GitHub."""
        return max([*self.pulls, *self.issues], default=0) + 1


class FakeGitHub:
    """GitHub's REST API for one test (or one act run), on a pytest-httpserver HTTPServer."""

    def __init__(self, server: HTTPServer, prefix: str = "", record: Path | None = None) -> None:
        self.server = server
        self.prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
        self.record = record
        self.requests: list[Recorded] = []
        self.repos: dict[str, Repo] = {}
        self.denied: set[str] = set()
        self.users: dict[str, str] = {}  # token -> login, for personal access tokens
        self._faults: list[Fault] = []
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        server.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    # --- set-up --------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The API base URL, for GITHUB_API_URL."""
        return self.server.url_for(self.prefix or "/").rstrip("/")

    def repo(self, full_name: str) -> Repo:
        return self.repos.setdefault(full_name, Repo(full_name))

    def add_pull(self, full_name: str, number: int, head_sha: str, *, head_ref: str = "feature",
                 head_repo: str | None = None, base_sha: str = "b" * 40, state: str = "open") -> dict[str, Any]:
        base = self.url
        owner = (head_repo or full_name).split("/")[0]
        pull = {
            "number": number, "state": state, "title": f"PR {number}",
            "url": f"{base}/repos/{full_name}/pulls/{number}",
            "issue_url": f"{base}/repos/{full_name}/issues/{number}",
            "html_url": f"https://github.example/{full_name}/pull/{number}",
            "head": {"sha": head_sha, "ref": head_ref, "label": f"{owner}:{head_ref}",
                     "repo": {"full_name": head_repo or full_name}},
            "base": {"sha": base_sha, "ref": "main", "repo": {"full_name": full_name}},
        }
        self.repo(full_name).pulls[number] = pull
        return pull

    def add_user(self, token: str, login: str) -> None:
        """Make `token` a personal access token of `login` (other tokens act as github-actions[bot])."""
        self.users[token] = login

    def add_comment(self, full_name: str, number: int, body: str, login: str = ACTIONS_BOT) -> dict:
        with self._lock:
            return self._new_comment(self.repo(full_name), number, body, login)

    def add_issue(self, full_name: str, title: str, body: str, labels: tuple[str, ...] = (),
                  login: str = ACTIONS_BOT) -> dict[str, Any]:
        """An open issue written by `login` (someone else's, when a test says so)."""
        with self._lock:
            return self._new_issue(self.repo(full_name), {"title": title, "body": body, "labels": list(labels)},
                                   login)

    def writes(self) -> list[Recorded]:
        """Every request that changes something (POST, PATCH, PUT, DELETE), as GitHub's write limits count them."""
        return [r for r in self.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]

    def fail(self, method: str, path: str, status: int, *, times: int = 1, headers: dict[str, str] | None = None,
             body: Any = None) -> None:
        """Answer the next `times` requests matching `method` and the regex `path` with `status`."""
        self._faults.append(Fault(method.upper(), re.compile(path), status, times, headers or {},
                                  body if body is not None else {"message": f"injected {status}"}))

    def deny(self, *kinds: str) -> None:
        """Refuse writes of these kinds (`comments`, `checks`) as GitHub does for a read-only token."""
        self.denied.update(kinds)

    # --- what tests look at ---------------------------------------------------------------------------
    def comments(self, full_name: str, number: int) -> list[dict[str, Any]]:
        return self.repo(full_name).comments.get(number, [])

    def check_runs(self, full_name: str) -> list[dict[str, Any]]:
        return self.repo(full_name).check_runs

    def issues(self, full_name: str) -> list[dict[str, Any]]:
        return list(self.repo(full_name).issues.values())

    def calls(self, method: str, path: str) -> list[Recorded]:
        """Recorded requests with `method` whose path matches the regex `path` (fully)."""
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def state(self) -> dict[str, Any]:
        return {name: {"comments": {str(n): c for n, c in repo.comments.items()}, "check_runs": repo.check_runs,
                       "issues": repo.issues} for name, repo in self.repos.items()}

    # --- the server -----------------------------------------------------------------------------------
    def _handle(self, request: Request) -> Response:
        with self._lock:
            return self._answer(request)

    def _answer(self, request: Request) -> Response:
        path = request.path
        if path == "/_fake/state":
            return _json(self.state())
        if self.prefix and not path.startswith(self.prefix + "/"):
            return _json({"message": "Not Found"}, 404)
        path = path[len(self.prefix):]
        body = _body(request)
        token = request.headers.get("Authorization", "").split(" ", 1)[-1].strip()
        authorized = bool(token)
        response = self._fault(request.method, path) or (
            _json({"message": "Requires authentication"}, 401) if not authorized
            else self._route(request.method, path, request.args, body, self.users.get(token)))
        self._log(Recorded(request.method, path, dict(request.args), body, response.status_code, authorized))
        return response

    def _fault(self, method: str, path: str) -> Response | None:
        for fault in self._faults:
            if fault.times > 0 and fault.method == method and fault.path.search(path):
                fault.times -= 1
                return _json(fault.body, fault.status, fault.headers)
        return None

    def _log(self, record: Recorded) -> None:
        self.requests.append(record)
        if self.record is not None:
            with self.record.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record.to_dict()) + "\n")

    def _route(self, method: str, path: str, args: Any, body: Any, user: str | None) -> Response:
        if method == "GET" and path == "/user":
            if user is None:  # an installation token has no user
                return _json({"message": NOT_ACCESSIBLE, "documentation_url": "https://docs.github.com/rest"}, 403)
            return _json({"login": user, "id": 1, "type": "User", "url": f"{self.url}/users/{user}"})
        routes = [
            ("GET", r"/repos/([^/]+/[^/]+)", self._get_repo),
            ("GET", r"/repos/([^/]+/[^/]+)/pulls", self._list_pulls),
            ("GET", r"/repos/([^/]+/[^/]+)/pulls/(\d+)", self._get_pull),
            ("GET", r"/repos/([^/]+/[^/]+)/commits/([0-9a-f]+)/pulls", self._commit_pulls),
            ("GET", r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", self._list_comments),
            ("POST", r"/repos/([^/]+/[^/]+)/issues/(\d+)/comments", self._create_comment),
            ("PATCH", r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", self._edit_comment),
            ("DELETE", r"/repos/([^/]+/[^/]+)/issues/comments/(\d+)", self._delete_comment),
            ("POST", r"/repos/([^/]+/[^/]+)/check-runs", self._create_check_run),
            ("PATCH", r"/repos/([^/]+/[^/]+)/check-runs/(\d+)", self._update_check_run),
            ("GET", r"/repos/([^/]+/[^/]+)/check-runs/(\d+)", self._get_check_run),
            ("GET", r"/repos/([^/]+/[^/]+)/commits/([0-9a-f]+)/check-runs", self._list_check_runs),
            ("GET", r"/repos/([^/]+/[^/]+)/issues", self._list_issues),
            ("POST", r"/repos/([^/]+/[^/]+)/issues", self._create_issue),
            ("GET", r"/repos/([^/]+/[^/]+)/issues/(\d+)", self._get_issue),
            ("PATCH", r"/repos/([^/]+/[^/]+)/issues/(\d+)", self._edit_issue),
            ("POST", r"/repos/([^/]+/[^/]+)/labels", self._create_label),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                repo = self.repo(match[1])
                return handler(repo, *match.groups()[1:], args=args, body=body, actor=user or ACTIONS_BOT)
        return _json({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, 404)

    def _refuse(self, kind: str) -> Response | None:
        if kind not in self.denied:
            return None
        return _json({"message": NOT_ACCESSIBLE, "documentation_url": "https://docs.github.com/rest"}, 403,
                     {"X-Accepted-GitHub-Permissions": WRITE_PERMISSIONS[kind]})

    # repositories and pull requests
    def _get_repo(self, repo: Repo, **_: Any) -> Response:
        return _json({"full_name": repo.full_name, "name": repo.full_name.split("/")[1],
                      "url": f"{self.url}/repos/{repo.full_name}"})

    def _list_pulls(self, repo: Repo, *, args: Any, **_: Any) -> Response:
        state, head = args.get("state", "open"), args.get("head")
        return _json([p for p in repo.pulls.values()
                      if state in ("all", p["state"]) and (head is None or p["head"]["label"] == head)])

    def _get_pull(self, repo: Repo, number: str, **_: Any) -> Response:
        pull = repo.pulls.get(int(number))
        return _json(pull) if pull else _json({"message": "Not Found"}, 404)

    def _commit_pulls(self, repo: Repo, sha: str, **_: Any) -> Response:
        return _json([p for p in repo.pulls.values() if p["head"]["sha"] == sha])

    # comments
    def _list_comments(self, repo: Repo, number: str, *, args: Any, **_: Any) -> Response:
        comments = repo.comments.get(int(number), [])
        per_page, page = int(args.get("per_page", 30)), int(args.get("page", 1))
        chunk = comments[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(comments):
            query = urlencode({**args, "page": page + 1})
            headers["Link"] = f'<{self.url}/repos/{repo.full_name}/issues/{number}/comments?{query}>; rel="next"'
        return _json(chunk, 200, headers)

    def _create_comment(self, repo: Repo, number: str, *, body: Any, actor: str, **_: Any) -> Response:
        refused = self._refuse("comments") or _check_comment(body)
        return refused or _json(self._new_comment(repo, int(number), body["body"], actor), 201)

    def _edit_comment(self, repo: Repo, comment_id: str, *, body: Any, **_: Any) -> Response:
        refused = self._refuse("comments") or _check_comment(body)
        if refused:
            return refused
        comment = self._find_comment(repo, int(comment_id))
        if comment is None:
            return _json({"message": "Not Found"}, 404)
        comment["body"] = body["body"]
        return _json(comment)

    def _delete_comment(self, repo: Repo, comment_id: str, **_: Any) -> Response:
        refused = self._refuse("comments")
        if refused:
            return refused
        for comments in repo.comments.values():
            comments[:] = [c for c in comments if c["id"] != int(comment_id)]
        return Response(status=204)

    def _new_comment(self, repo: Repo, number: int, body: str, login: str) -> dict[str, Any]:
        comment_id = next(self._ids)
        comment = {"id": comment_id, "body": body,
                   "url": f"{self.url}/repos/{repo.full_name}/issues/comments/{comment_id}",
                   "html_url": f"https://github.example/{repo.full_name}/pull/{number}#issuecomment-{comment_id}",
                   "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
                   "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
        repo.comments.setdefault(number, []).append(comment)
        return comment

    def _find_comment(self, repo: Repo, comment_id: int) -> dict[str, Any] | None:
        return next((c for cs in repo.comments.values() for c in cs if c["id"] == comment_id), None)

    # check runs
    def _create_check_run(self, repo: Repo, *, body: Any, **_: Any) -> Response:
        refused = self._refuse("checks") or _check_check_run(body, creating=True)
        if refused:
            return refused
        run_id = next(self._ids)
        output = body.get("output") or {}
        check = {"id": run_id, "url": f"{self.url}/repos/{repo.full_name}/check-runs/{run_id}",
                 "html_url": f"https://github.example/{repo.full_name}/runs/{run_id}",
                 "name": body["name"], "head_sha": body["head_sha"], "status": body.get("status", "queued"),
                 "conclusion": body.get("conclusion"), "external_id": body.get("external_id"), "app": ACTIONS_APP,
                 "output": {k: v for k, v in output.items() if k != "annotations"},
                 "annotations": list(output.get("annotations", []))}
        check["output"]["annotations_count"] = len(check["annotations"])
        repo.check_runs.append(check)
        return _json(check, 201)

    def _update_check_run(self, repo: Repo, run_id: str, *, body: Any, **_: Any) -> Response:
        refused = self._refuse("checks") or _check_check_run(body, creating=False)
        if refused:
            return refused
        check = next((c for c in repo.check_runs if c["id"] == int(run_id)), None)
        if check is None:
            return _json({"message": "Not Found"}, 404)
        output = body.get("output") or {}
        check["output"].update({k: v for k, v in output.items() if k != "annotations"})
        check["annotations"] += output.get("annotations", [])
        check["output"]["annotations_count"] = len(check["annotations"])
        check.update({k: body[k] for k in ("status", "conclusion", "name") if k in body})
        return _json(check)

    def _get_check_run(self, repo: Repo, run_id: str, **_: Any) -> Response:
        check = next((c for c in repo.check_runs if c["id"] == int(run_id)), None)
        return _json(check) if check else _json({"message": "Not Found"}, 404)

    def _list_check_runs(self, repo: Repo, sha: str, **_: Any) -> Response:
        runs = [c for c in repo.check_runs if c["head_sha"] == sha]
        return _json({"total_count": len(runs), "check_runs": runs})


    # issues and labels
    def _list_issues(self, repo: Repo, *, args: Any, **_: Any) -> Response:
        state, labels = args.get("state", "open"), {x for x in args.get("labels", "").split(",") if x}
        found = [i for i in repo.issues.values() if state in ("all", i["state"])
                 and labels <= {label["name"] for label in i["labels"]}]
        return _json(sorted(found, key=lambda i: i["number"], reverse=args.get("direction", "desc") == "desc"))

    def _create_issue(self, repo: Repo, *, body: Any, actor: str, **_: Any) -> Response:
        refused = self._refuse("issues") or _check_issue(body, creating=True)
        if refused:
            return refused
        return _json(self._new_issue(repo, body, actor), 201)

    def _new_issue(self, repo: Repo, body: dict[str, Any], login: str) -> dict[str, Any]:
        number = repo.next_number()
        for name in body.get("labels", []):  # GitHub creates a label it does not know
            repo.labels.setdefault(name, {"name": name, "color": "ededed"})
        issue = {"number": number, "title": body["title"], "body": body.get("body") or "", "state": "open",
                 "state_reason": None, "labels": [repo.labels[name] for name in body.get("labels", [])],
                 "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
                 "url": f"{self.url}/repos/{repo.full_name}/issues/{number}",
                 "html_url": f"https://github.example/{repo.full_name}/issues/{number}"}
        repo.issues[number] = issue
        return issue

    def _get_issue(self, repo: Repo, number: str, **_: Any) -> Response:
        issue = repo.issues.get(int(number))
        return _json(issue) if issue else _json({"message": "Not Found"}, 404)

    def _edit_issue(self, repo: Repo, number: str, *, body: Any, **_: Any) -> Response:
        refused = self._refuse("issues") or _check_issue(body, creating=False)
        if refused:
            return refused
        issue = repo.issues.get(int(number))
        if issue is None:
            return _json({"message": "Not Found"}, 404)
        issue.update({k: body[k] for k in ("title", "body", "state", "state_reason") if k in body})
        return _json(issue)

    def _create_label(self, repo: Repo, *, body: Any, **_: Any) -> Response:
        refused = self._refuse("issues")
        if refused:
            return refused
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return _invalid("name is missing")
        if body["name"] in repo.labels:
            return _json({"message": "Validation Failed", "errors": [{"resource": "Label", "code": "already_exists",
                                                                      "field": "name"}]}, 422)
        repo.labels[body["name"]] = {"name": body["name"], "color": body.get("color", "ededed"),
                                     "url": f"{self.url}/repos/{repo.full_name}/labels/{body['name']}"}
        return _json(repo.labels[body["name"]], 201)


def _check_issue(body: Any, *, creating: bool) -> Response | None:
    if not isinstance(body, dict) or (creating and not isinstance(body.get("title"), str)):
        return _invalid("title is missing")
    if len(body.get("body") or "") > MAX_COMMENT:
        return _invalid(f"body is too long (maximum is {MAX_COMMENT} characters)")
    if body.get("state", "open") not in ("open", "closed"):
        return _invalid("state is open or closed")
    return None


def _check_comment(body: Any) -> Response | None:
    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
        return _invalid("body is missing")
    if len(body["body"]) > MAX_COMMENT:
        return _invalid(f"Body is too long (maximum is {MAX_COMMENT} characters)")
    return None


def _check_check_run(body: Any, *, creating: bool) -> Response | None:
    if not isinstance(body, dict):
        return _invalid("a JSON object is expected")
    if creating and not (isinstance(body.get("name"), str) and SHA.match(str(body.get("head_sha", "")))):
        return _invalid("name and a 40-character head_sha are required")
    if body.get("status") == "completed" and body.get("conclusion") not in CONCLUSIONS:
        return _invalid("conclusion is required when status is completed")
    output = body.get("output")
    if output is None:
        return None
    if not (isinstance(output.get("title"), str) and isinstance(output.get("summary"), str)):
        return _invalid("output needs a title and a summary")
    for key in ("summary", "text"):
        if len(output.get(key) or "") > MAX_OUTPUT:
            return _invalid(f"output.{key} is too long (maximum is {MAX_OUTPUT} characters)")
    annotations = output.get("annotations", [])
    if len(annotations) > MAX_ANNOTATIONS:
        return _invalid(f"at most {MAX_ANNOTATIONS} annotations per request")
    for a in annotations:
        if not (isinstance(a.get("path"), str) and isinstance(a.get("start_line"), int)
                and isinstance(a.get("end_line"), int) and a.get("annotation_level") in LEVELS
                and isinstance(a.get("message"), str) and a["start_line"] <= a["end_line"]):
            return _invalid(f"invalid annotation {a!r}")
        if len(a.get("title") or "") > 255:
            return _invalid("annotation title is too long (maximum is 255 characters)")
    return None


def _invalid(message: str) -> Response:
    return _json({"message": "Validation Failed", "errors": [{"message": message}]}, 422)


def _body(request: Request) -> Any:
    raw = request.get_data(as_text=True)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers or {}, content_type="application/json")


def start(port: int = 0, prefix: str = "", record: Path | None = None, quiet: bool = True) -> FakeGitHub:
    """Serve on 127.0.0.1 in a background thread; stop with `fake.server.stop()`."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR if quiet else logging.INFO)
    server = HTTPServer(host="127.0.0.1", port=port)
    server.start()
    return FakeGitHub(server, prefix, record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A loopback stand-in for the GitHub REST API used by qa publish.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--prefix", default="", help="API path prefix, e.g. /api/v3 as on GitHub Enterprise Server")
    parser.add_argument("--record", type=Path, help="append every request to this file as JSON lines")
    parser.add_argument("--url-file", type=Path, help="write the API base URL to this file once listening")
    parser.add_argument("--repo", default="org/repo", help="repository for --pull (owner/name)")
    parser.add_argument("--pull", action="append", default=[], metavar="NUMBER:HEAD_SHA",
                        help="an open pull request (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.add_argument("--deny", action="append", default=[], choices=sorted(WRITE_PERMISSIONS),
                        help="refuse these writes with 403, like a read-only token (repeatable)")
    args = parser.parse_args(argv)
    fake = start(args.port, args.prefix, args.record, quiet=not args.verbose)
    for spec in args.pull:
        number, _, sha = spec.partition(":")
        fake.add_pull(args.repo, int(number), sha)
    fake.deny(*args.deny)
    if args.url_file:
        args.url_file.write_text(fake.url + "\n")
    print(fake.url, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    fake.server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
