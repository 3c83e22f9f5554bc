"""The reusable workflows, caller templates and composite actions, run for real with act.

One act run per workflow (module fixtures), shared by the tests that look at it. Commands of
other issues that are not on this branch yet (`PENDING`) make their steps fail with "No such
command"; `assert_ran` accepts exactly that, and the tests that need those commands' effects are
skipped until they exist (then they run, and `assert_ran` insists every job succeeds).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from actrun import (
    REPO,
    ActRun,
    ActSandbox,
    head_sha,
    printed_outputs,
    pull_request_event,
    repository_event,
    with_inputs,
    with_outputs_job,
)
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from qa_actions.cli import COMMANDS

pytestmark = pytest.mark.act

SAMPLE = REPO / "examples" / "sample-project"
TIERS = ["unit", "integration", "chaos", "acid", "smoke"]
PENDING = [name for name in ("scan", "report", "publish") if name not in COMMANDS]
needs_report = pytest.mark.skipif("report" in PENDING, reason="needs `qa report` and `qa publish` (issue 4)")
PR_RUN, NIGHTLY_RUN, FORK_RUN, CI_RUN = 101, 102, 103, 104


def assert_ran(run: ActRun, red: frozenset[str] = frozenset()) -> None:
    """Every job succeeded but the `red` ones (which must fail), or failed only at a `qa` command
    this branch does not have yet."""
    missing = set(re.findall(r"No such command '([\w-]+)'", run.log))
    assert missing <= set(PENDING), run.explain()
    results = {job.strip(): result for job, result in run.job_results().items()}
    assert all(results.get(job) == "failure" for job in red), run.explain()
    failed = [job for job, result in results.items() if result != "success" and job not in red]
    if not PENDING:
        assert not failed, run.explain()
    for job in failed:
        assert "No such command" in run.messages(job), run.explain()


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> ActSandbox:
    return ActSandbox(tmp_path_factory.mktemp("act"))


def caller(template: str, **inputs: str) -> str:
    """A caller template from workflows/, as a consumer copies it, with a few inputs set: the
    sample project runs its tests from src/ (nothing to install), and scans only once `qa scan` exists."""
    text = (REPO / "workflows" / template).read_text()
    return with_inputs(text, {"install-command": "", **({"scans": "none"} if "scan" in PENDING else {}), **inputs})


# The single actions in a consumer's own job: two tiers (one with extra pytest arguments) with their
# own artifact prefix, then the coverage gate over those artifacts. (act runs no job after a failed
# one, so this job does not wait for the reusable workflow.)
BUILDING_BLOCKS = """
  blocks:
    runs-on: ubuntu-latest
    permissions: { contents: read }
    steps:
      - name: Check out
        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - name: Set up
        uses: org/qa-actions/actions/setup@v1
        with: { install-command: "", tiers: "unit,integration" }
      - name: Unit
        id: unit
        uses: org/qa-actions/actions/test-tier@v1
        with: { tier: unit, artifact-prefix: blocks, results-dir: blocks-unit }
      - name: Integration, one module
        id: integration
        uses: org/qa-actions/actions/test-tier@v1
        with: { tier: integration, pytest-args: "-k 'not reopen'", artifact-prefix: blocks,
                results-dir: blocks-integration }
      - name: Coverage gate
        id: coverage
        uses: org/qa-actions/actions/coverage-gate@v1
        with: { artifact-pattern: "blocks-*", results-dir: merged }
"""


@pytest.fixture(scope="module")
def pr_run(sandbox: ActSandbox) -> ActRun:
    workflow = with_outputs_job(caller("pull-request.yml") + BUILDING_BLOCKS, "qa",
                                ["verdict", "tests", "failed", "coverage"])
    repository = sandbox.consumer("ledger", {"qa.yml": workflow}, SAMPLE)
    return sandbox.run(repository, "pull_request", pull_request_event(repository), run_id=PR_RUN)


def test_pull_request_runs_every_job_it_can(pr_run: ActRun) -> None:
    assert_ran(pr_run)
    results = {job.strip(): result for job, result in pr_run.job_results().items()}
    assert results["qa/qa/plan"] == "success"
    assert {job for job in results if "tier (" in job} == {f"qa/qa/tier ({t})-{i}" for i, t in enumerate(TIERS, 1)}
    assert all(results[job] == "success" for job in results if "tier (" in job)


def test_each_tier_uploads_its_results_with_the_coverage_data(pr_run: ActRun, sandbox: ActSandbox) -> None:
    artifacts = sandbox.artifacts / str(PR_RUN)
    assert {f"qa-results-{t}" for t in TIERS} <= {p.name for p in artifacts.iterdir()}
    unit = artifacts / "qa-results-unit" / "unit"
    assert {p.name for p in unit.iterdir()} >= {"junit.xml", "coverage.json", "coverage.data", "tier.json",
                                                "output.log"}
    assert read_json(unit / "tier.json")["status"] == "ran"


def test_the_report_job_merges_every_artifact_and_gates(pr_run: ActRun, sandbox: ActSandbox) -> None:
    report = sandbox.artifacts / str(PR_RUN) / "qa-report"
    results = read_json(report / "qa-results" / "results.json")
    assert list(results["tiers"]) == TIERS
    assert all(tier["status"] == "passed" for tier in results["tiers"].values())
    assert results["verdict"] == "passed"
    assert (report / ".errors" / "errors.jsonl").read_text() == ""  # hidden folder uploaded on purpose
    event = read_json(report / "qa-results" / "event.json")
    assert event["pull_request"]["number"] == 7
    outputs = pr_run.outputs("qa/qa/report", "report")
    assert outputs["verdict"] == "passed"
    assert int(outputs["tests"]) == sum(t["counts"]["tests"] for t in results["tiers"].values()) > 100
    coverage = json.loads(outputs["coverage"])
    assert set(coverage) == {"unit", "integration"} and coverage["unit"] >= 80


def test_single_actions_in_a_job_of_ones_own(pr_run: ActRun, sandbox: ActSandbox) -> None:
    assert pr_run.job_results().get("QA/blocks") == "success", pr_run.explain()
    outputs = pr_run.outputs("QA/blocks", "integration")
    assert (outputs["results-dir"], outputs["artifact-name"]) == ("./blocks-integration", "blocks-integration")
    artifacts = sandbox.artifacts / str(PR_RUN)
    integration = read_json(artifacts / "blocks-integration" / "integration" / "tier.json")
    assert integration["command"][-2:] == ["-k", "not reopen"]
    gate = pr_run.outputs("QA/blocks", "coverage")
    assert gate["verdict"] == "passed"
    coverage, full = json.loads(gate["coverage"]), json.loads(pr_run.outputs("qa/qa/report", "report")["coverage"])
    assert coverage["unit"] == full["unit"] and coverage["integration"] < full["integration"]


@needs_report
def test_pull_request_workflow_outputs_and_job_summary(pr_run: ActRun) -> None:
    outputs = printed_outputs(pr_run)
    assert outputs["verdict"] == "passed" and outputs["failed"] == "0"
    assert int(outputs["tests"]) > 100
    assert "unit" in pr_run.summaries("qa/qa/report")


class IssuesApi:
    """The GitHub endpoints `qa nightly-issue` uses, on a loopback server; records what it got."""

    def __init__(self, server: HTTPServer, repository: str) -> None:
        self.server, self.created = server, []
        base = f"/repos/{repository}"
        server.expect_request(f"{base}/issues", method="GET").respond_with_json([])
        server.expect_request(f"{base}/labels", method="POST").respond_with_json(
            {"name": "qa-nightly", "color": "b60205", "url": server.url_for(f"{base}/labels/qa-nightly")}, status=201)
        server.expect_request(f"{base}/issues", method="POST").respond_with_handler(self._create)

    def _create(self, request: Request) -> Response:
        body = request.get_json()
        self.created.append(body)
        return Response(json.dumps({"number": len(self.created), "title": body["title"], "body": body["body"],
                                    "state": "open", "url": self.server.url_for("/issues/1")}),
                        status=201, content_type="application/json")


@pytest.fixture(scope="module")
def github_api() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def nightly(sandbox: ActSandbox, github_api: HTTPServer) -> tuple[ActRun, IssuesApi]:
    repository = sandbox.root / "ledger-nightly"
    workflow = with_outputs_job(caller("nightly.yml"), "nightly", ["verdict", "issue"])
    project = sandbox.consumer("ledger-nightly", {"nightly.yml": workflow}, SAMPLE)
    smoke = project / "tests" / "smoke" / "test_service_up.py"
    smoke.write_text(smoke.read_text().replace('{"status": "ok"}', '{"status": "down"}'))
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.qa.tiers.acid]\nenabled = false\n")
    api = IssuesApi(github_api, "acme/ledger-nightly")
    run = sandbox.run(repository, "schedule", repository_event(repository, schedule="17 3 * * *"),
                      run_id=NIGHTLY_RUN, env={"GITHUB_API_URL": github_api.url_for("").rstrip("/")})
    return run, api


def test_nightly_runs_every_tier_even_disabled_ones(nightly: tuple[ActRun, IssuesApi], sandbox: ActSandbox) -> None:
    run, _ = nightly
    assert_ran(run, red=frozenset({"nightly/qa nightly/tier (smoke)-5", "nightly/qa nightly/report"}))
    tier_jobs = [job.strip() for job in run.job_results() if "tier (" in job]
    assert sorted(tier_jobs) == sorted(f"nightly/qa nightly/tier ({t})-{i}" for i, t in enumerate(TIERS, 1))
    results = read_json(sandbox.artifacts / str(NIGHTLY_RUN) / "qa-report" / "qa-results" / "results.json")
    assert results["tiers"]["smoke"]["status"] == "failed" and results["verdict"] == "failed"


def test_a_failing_nightly_opens_one_labelled_issue(nightly: tuple[ActRun, IssuesApi]) -> None:
    run, api = nightly
    (issue,) = api.created
    assert issue["labels"] == ["qa-nightly"] and issue["title"] == "Nightly QA run failed"
    assert "<!-- qa-actions:nightly:nightly -->" in issue["body"]
    assert "**smoke**: failed" in issue["body"] and "critical" in issue["body"]
    assert f"/acme/ledger-nightly/actions/runs/{NIGHTLY_RUN}" in issue["body"]
    assert run.outputs("nightly/qa nightly/report", "issue") == {"issue-action": "opened", "issue-number": "1"}


@pytest.fixture(scope="module")
def fork_runs(sandbox: ActSandbox, pr_run: ActRun) -> dict[str, ActRun]:
    """report-fork.yml in the base repository, whose default branch has a stricter unit gate than
    the pull request's run used: once for a fork's pull request, once for a same-repository one."""
    project = sandbox.consumer("ledger-base", {"fork-report.yml": caller("fork-report.yml")}, SAMPLE)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.qa.tiers.unit]\ncoverage = 99.9\n")
    runs = {}
    for who, head in (("fork", "contributor/ledger"), ("same-repository", "acme/ledger-base")):
        workflow_run = {"id": PR_RUN, "event": "pull_request", "conclusion": "success", "head_branch": "feature",
                        "head_sha": head_sha(project), "head_repository": {"full_name": head},
                        "actor": {"login": "contributor"}, "pull_requests": []}
        event = repository_event(project, action="completed", workflow_run=workflow_run)
        runs[who] = sandbox.run(project, "workflow_run", event, run_id=FORK_RUN if who == "fork" else FORK_RUN + 10)
    return runs


def test_fork_results_are_gated_by_the_base_branch_config(fork_runs: dict[str, ActRun], sandbox: ActSandbox) -> None:
    run = fork_runs["fork"]
    assert_ran(run)
    assert run.outputs("report/qa report for forks/publish", "report").get("verdict") == "failed", run.explain()
    published = sandbox.artifacts / str(FORK_RUN) / "qa-report-published"
    problems = [json.loads(line) for line in (published / ".errors" / "errors.jsonl").read_text().splitlines()]
    assert [(p["source"], p["code"]) for p in problems] == [("unit", "coverage-gate")]
    assert "below the 99.9% gate" in problems[0]["message"]
    messages = run.messages("report/qa report for forks/publish")
    assert "downloaded 1 artifacts from run 101: qa-report" in messages
    assert "Merge the results" not in messages  # collects nothing itself, runs none of the fork's code


def test_same_repository_pull_requests_are_not_published_twice(fork_runs: dict[str, ActRun]) -> None:
    run = fork_runs["same-repository"]
    assert run.returncode == 0, run.explain()
    assert "publish" not in " ".join(run.job_results())


@pytest.fixture(scope="module")
def ci_run(sandbox: ActSandbox) -> ActRun:
    push = repository_event(sandbox.qa_copy, ref="refs/heads/main")
    return sandbox.run(sandbox.qa_copy, "push", push, run_id=CI_RUN, workflow="ci.yml", job="sample")


def test_ci_dogfoods_the_root_action_on_the_sample_project(ci_run: ActRun, sandbox: ActSandbox) -> None:
    assert_ran(ci_run)
    messages = ci_run.messages("ci/qa-actions on the sample project")
    assert "Successfully installed ledger" in messages  # the default install-command ran
    outputs = ci_run.outputs("ci/qa-actions on the sample project", "qa")
    assert outputs["verdict"] == "passed" and json.loads(outputs["coverage"])["unit"] >= 80
    results = read_json(sandbox.artifacts / str(CI_RUN) / "qa-report" / "qa-results" / "results.json")
    assert list(results["tiers"]) == TIERS and results["verdict"] == "passed"
