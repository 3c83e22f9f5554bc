"""The reusable workflows, caller templates and composite actions, run for real with act.

One act run per workflow (module fixtures), shared by the tests that look at it. Every run talks to
one loopback GitHub API (tests/github_api.py, `GITHUB_API_URL`), whose recorded requests and state
the tests read: each consumer repository is its own repository there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from actrun import (
    REPO,
    ActRun,
    ActSandbox,
    copy_tree,
    for_act,
    git_repository,
    head_sha,
    printed_outputs,
    pull_request_event,
    repository_event,
    tracked_files,
    with_inputs,
    with_outputs_job,
)
from git_repo import git
from github_api import FakeGitHub, start

pytestmark = pytest.mark.act

SAMPLE = REPO / "examples" / "sample-project"
TIERS = ["unit", "integration", "chaos", "acid", "smoke"]
SCANS = ["bandit", "safety", "test-data"]
PR_RUN, NIGHTLY_RUN, FORK_RUN, CI_RUN = 101, 102, 103, 104


def assert_ran(run: ActRun, red: frozenset[str] = frozenset()) -> None:
    """Every job succeeded but the `red` ones, which must fail. act gives a matrix leg that finishes
    after a red leg of the same matrix the result `failure` as well: such a leg counts by its steps."""
    results = {job.strip(): result for job, result in run.job_results().items()}
    assert all(results.get(job) == "failure" for job in red), run.explain()
    red_matrices = {job.split(" (")[0] for job in red if " (" in job}
    failed = [job for job, result in results.items() if result != "success" and job not in red
              and (run.failed_steps(job) or job.split(" (")[0] not in red_matrices)]
    assert failed == [], run.explain()


def check_runs(api: FakeGitHub, repository: str, head: str) -> list[str]:
    """The names of the check runs created on `head`, in order."""
    return [c["name"] for c in api.check_runs(repository) if c["head_sha"] == head]


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> ActSandbox:
    return ActSandbox(tmp_path_factory.mktemp("act"))


@pytest.fixture(scope="module")
def github() -> FakeGitHub:
    """The loopback GitHub API every act run of this module publishes to."""
    fake = start()
    yield fake
    fake.server.stop()


def api_env(github: FakeGitHub) -> dict[str, str]:
    return {"GITHUB_API_URL": github.url}


def caller(template: str, **inputs: str) -> str:
    """A caller template (scripts/qa_actions/templates/workflows/), as a consumer copies it, with a few
    inputs set: the sample project runs its tests from src/ (nothing to install)."""
    text = (REPO / "scripts" / "qa_actions" / "templates" / "workflows" / template).read_text()
    return with_inputs(text, {"install-command": "", **inputs})


# The single actions in a consumer's own job: two tiers (one with extra pytest arguments) with their
# own artifact prefix, then the coverage gate over those artifacts, and bandit with its SARIF sent
# to code scanning. (act runs no job after a failed one, so this job does not wait for the reusable
# workflow.)
BUILDING_BLOCKS = """
  blocks:
    runs-on: ubuntu-latest
    permissions: { contents: read }
    steps:
      - name: Check out
        uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1
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
      - name: Security scan, SARIF to code scanning
        id: scan
        uses: org/qa-actions/actions/security-scan@v1
        with: { scans: bandit, upload-sarif: "true", results-dir: scan-results, artifact-name: scan-bandit }
"""


@pytest.fixture(scope="module")
def pr_run(sandbox: ActSandbox, github: FakeGitHub) -> ActRun:
    workflow = with_outputs_job(caller("pull-request.yml") + BUILDING_BLOCKS, "qa",
                                ["verdict", "tests", "failed", "coverage"])
    repository = sandbox.consumer("ledger", {"qa.yml": workflow}, SAMPLE)
    # unit selects (docs/impact.md); no base run has recorded a map yet, so every test runs, and says why
    pyproject = repository / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.qa.tiers.unit]\nselect = "affected"\n')
    git(repository, "commit", "-qam", "unit selects")
    return sandbox.run(repository, "pull_request", pull_request_event(repository), run_id=PR_RUN,
                       env=api_env(github))


def test_pull_request_runs_every_job_green(pr_run: ActRun) -> None:
    assert_ran(pr_run)
    results = {job.strip(): result for job, result in pr_run.job_results().items()}
    assert {results[job] for job in ("qa/qa/plan", "qa/qa/security", "qa/qa/report", "QA/print-outputs")} == {
        "success"}
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
    assert {name: scan["status"] for name, scan in results["scans"].items()} == dict.fromkeys(SCANS, "passed")
    assert results["scans"]["safety"]["targets"] == ["requirements.txt"]  # offline, against the sample's database
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


def test_security_scan_action_sends_its_sarif_to_code_scanning(pr_run: ActRun, sandbox: ActSandbox) -> None:
    outputs = pr_run.outputs("QA/blocks", "scan")
    assert (outputs["results-dir"], outputs["sarif"]) == ("./scan-results", "./scan-results/security.sarif")
    uploaded = read_json(sandbox.artifacts / str(PR_RUN) / "code-scanning" / "qa-actions.sarif")
    assert [run["tool"]["driver"]["name"] for run in uploaded["runs"]] == ["bandit"]
    stored = sandbox.artifacts / str(PR_RUN) / "scan-bandit"
    assert read_json(stored / "security" / "bandit" / "scan.json")["status"] == "passed"
    assert read_json(stored / "security.sarif") == uploaded


def test_pull_request_workflow_outputs_and_job_summary(pr_run: ActRun, sandbox: ActSandbox) -> None:
    outputs = printed_outputs(pr_run)
    assert outputs["verdict"] == "passed" and outputs["failed"] == "0"
    assert int(outputs["tests"]) > 100 and set(json.loads(outputs["coverage"])) == {"unit", "integration"}
    summary = pr_run.summaries("qa/qa/report")
    written = (sandbox.artifacts / str(PR_RUN) / "qa-report" / "qa-results" / "job-summary.md").read_text()
    assert summary == written + "\n"  # written once: by qa publish, which includes what qa report writes


def test_the_pull_request_gets_one_comment_and_a_check_run_per_tier_scan_and_gate(
        pr_run: ActRun, sandbox: ActSandbox, github: FakeGitHub) -> None:
    head = head_sha(sandbox.root / "ledger")
    (comment,) = github.comments("acme/ledger", 7)
    assert "<!-- qa-actions:" in comment["body"] and "passed" in comment["body"]
    assert "🎯 unit: full run of the unit tests: there is no impact map of the unit tests yet" in comment["body"]
    assert f"[📊 dashboard](https://github.com/acme/ledger/actions/runs/{PR_RUN}#artifacts)" in comment["body"]
    names = check_runs(github, "acme/ledger", head)
    assert sorted(names) == sorted([*(f"qa / {tier}" for tier in TIERS), "qa / security", "qa / coverage",
                                    "qa / verdict"])
    assert {c["conclusion"] for c in github.check_runs("acme/ledger")} == {"success"}
    assert all(r.authorized for r in github.requests if r.path.startswith("/repos/acme/ledger/"))


def test_the_report_job_records_the_history_renders_the_dashboard_and_caches_the_history(
        pr_run: ActRun, sandbox: ActSandbox) -> None:
    artifacts = sandbox.artifacts / str(PR_RUN)
    assert "<title>" in (artifacts / "qa-report-dashboard" / "index.html").read_text()
    assert not (artifacts / "qa-report" / "qa-results" / "dashboard").exists()  # its own artifact, not twice
    (cached,) = (sandbox.caches / "acme" / "ledger").iterdir()
    assert cached.name == f"qa-history-.-{PR_RUN}-1"
    outputs = pr_run.outputs("qa/qa/report", "report")
    assert (outputs["history-file"], outputs["dashboard"]) == ("qa-history.sqlite", "qa-results/dashboard")
    assert "in qa-history.sqlite, which holds 1 run" in pr_run.messages("qa/qa/report")


@pytest.fixture(scope="module")
def nightly(sandbox: ActSandbox, github: FakeGitHub) -> ActRun:
    repository = sandbox.root / "ledger-nightly"
    workflow = with_outputs_job(caller("nightly.yml"), "nightly", ["verdict", "issue"])
    project = sandbox.consumer("ledger-nightly", {"nightly.yml": workflow}, SAMPLE)
    smoke = project / "tests" / "smoke" / "test_service_up.py"
    smoke.write_text(smoke.read_text().replace('{"status": "ok"}', '{"status": "down"}'))
    pyproject = project / "pyproject.toml"
    # unit selects (docs/impact.md): the scheduled run is a full one that records the impact map
    pyproject.write_text(pyproject.read_text() + "\n[tool.qa.tiers.acid]\nenabled = false\n"
                         '\n[tool.qa.tiers.unit]\nselect = "affected"\n')
    return sandbox.run(repository, "schedule", repository_event(repository, schedule="17 3 * * *"),
                       run_id=NIGHTLY_RUN, env=api_env(github))


def test_nightly_runs_every_tier_even_disabled_ones(nightly: ActRun, sandbox: ActSandbox) -> None:
    assert_ran(nightly, red=frozenset({"nightly/qa nightly/tier (smoke)-5", "nightly/qa nightly/report"}))
    tiers = [*TIERS, "load"]  # acid is disabled here and load by default: the nightly runs both
    tier_jobs = [job.strip() for job in nightly.job_results() if "tier (" in job]
    assert sorted(tier_jobs) == sorted(f"nightly/qa nightly/tier ({t})-{i}" for i, t in enumerate(tiers, 1))
    results = read_json(sandbox.artifacts / str(NIGHTLY_RUN) / "qa-report" / "qa-results" / "results.json")
    assert list(results["tiers"]) == tiers
    assert results["tiers"]["load"]["status"] == "passed" and results["tiers"]["acid"]["status"] == "passed"
    assert results["tiers"]["smoke"]["status"] == "failed" and results["verdict"] == "failed"


def test_the_nightly_records_the_impact_map_of_a_selecting_tier(nightly: ActRun, sandbox: ActSandbox) -> None:
    """The tier job of a tier with select = "affected" fetches the history and restores the maps (none
    yet), runs every test with per-test contexts, and the report job stores the map in the history."""
    results = read_json(sandbox.artifacts / str(NIGHTLY_RUN) / "qa-report" / "qa-results" / "results.json")
    assert results["tiers"]["unit"]["selection"]["mode"] == "recorded"
    assert "impact map of unit at" in nightly.messages("nightly/qa nightly/report")


def test_a_failing_nightly_opens_one_labelled_issue(nightly: ActRun, github: FakeGitHub) -> None:
    (issue,) = github.issues("acme/ledger-nightly")
    assert [label["name"] for label in issue["labels"]] == ["qa-nightly"] and issue["title"] == "Nightly QA run failed"
    assert issue["state"] == "open" and "<!-- qa-actions:nightly:nightly -->" in issue["body"]
    assert "**smoke**: failed" in issue["body"] and "critical" in issue["body"]
    assert f"/acme/ledger-nightly/actions/runs/{NIGHTLY_RUN}" in issue["body"]
    assert nightly.outputs("nightly/qa nightly/report", "issue") == {"issue-action": "opened", "issue-number": "1"}
    names = {c["name"]: c["conclusion"] for c in github.check_runs("acme/ledger-nightly")}
    assert names["qa / smoke"] == "failure" and names["qa / load"] == "success" and names["qa / verdict"] == "failure"
    assert github.comments("acme/ledger-nightly", 1) == []  # comment-mode off: nothing but the issue


@pytest.fixture(scope="module")
def fork_runs(sandbox: ActSandbox, pr_run: ActRun, github: FakeGitHub) -> dict[str, ActRun]:
    """report-fork.yml in the base repository, whose default branch has a stricter unit gate than
    the pull request's run used: twice for a fork's pull request (#7, open on the API, from
    contributor:feature; the second run is a re-run), once for a same-repository one. The fork's
    report artifact also carries a pyproject.toml that would lift the gate, as a fork's own workflow
    could upload."""
    project = sandbox.consumer("ledger-base", {"fork-report.yml": caller("fork-report.yml")}, SAMPLE)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.qa.tiers.unit]\ncoverage = 99.9\n")
    planted = sandbox.artifacts / str(PR_RUN) / "qa-report" / "pyproject.toml"
    planted.write_text("[tool.qa.tiers.unit]\ncoverage = false\n")
    github.add_pull("acme/ledger-base", 7, head_sha(project), head_repo="contributor/ledger")
    runs = {}
    for who, head, run_id in (("fork", "contributor/ledger", FORK_RUN), ("re-run", "contributor/ledger", FORK_RUN + 20),
                              ("same-repository", "acme/ledger-base", FORK_RUN + 10)):
        workflow_run = {"id": PR_RUN, "name": "QA", "event": "pull_request", "conclusion": "success",
                        "head_branch": "feature", "head_sha": head_sha(project),
                        "head_repository": {"full_name": head, "owner": {"login": head.split("/")[0]}},
                        "actor": {"login": "contributor"}, "pull_requests": []}
        event = repository_event(project, action="completed", workflow_run=workflow_run)
        runs[who] = sandbox.run(project, "workflow_run", event, run_id=run_id, env=api_env(github))
    return runs


def test_fork_results_are_gated_by_the_base_branch_config(fork_runs: dict[str, ActRun], sandbox: ActSandbox) -> None:
    run = fork_runs["fork"]
    assert_ran(run)
    assert run.outputs("report/qa report for forks/publish", "report").get("verdict") == "failed", run.explain()
    published = sandbox.artifacts / str(FORK_RUN) / "qa-report-published"
    problems = [json.loads(line) for line in (published / ".errors" / "errors.jsonl").read_text().splitlines()]
    by_code = {p["code"]: p for p in problems}
    assert sorted((p["source"], p["code"]) for p in problems) == [("gates", "gate-lowered"), ("unit", "coverage-gate")]
    assert "below the 99.9% gate" in by_code["coverage-gate"]["message"]
    # the fork's run recorded its own, lower gate: named, and the base branch's value applied (protect-gates)
    lowered = by_code["gate-lowered"]
    assert "lowers the unit coverage gate 99.9 % →" in lowered["message"], lowered
    assert "the base branch's value applies" in lowered["message"] and not lowered["blocking"]
    messages = run.messages("report/qa report for forks/publish")
    assert "downloaded 1 artifacts from run 101: qa-report" in messages
    assert "Merge the results" not in messages  # collects nothing itself, runs none of the fork's code


def test_the_fork_pull_request_gets_one_comment_and_check_runs(fork_runs: dict[str, ActRun],
                                                                github: FakeGitHub) -> None:
    assert_ran(fork_runs["re-run"])
    (comment,) = github.comments("acme/ledger-base", 7)  # found from the workflow_run event, not the artifact
    writes = [r.method for r in github.requests if r.path.startswith("/repos/acme/ledger-base/issues")
              and r.method != "GET"]
    assert writes == ["POST", "PATCH"]  # the re-run updated the comment
    assert f"/actions/runs/{FORK_RUN + 20})" in comment["body"]
    assert comment["body"].startswith("<!-- qa-actions:QA:publish -->") and "gate 99.9% ❌" in comment["body"]
    head = github.repo("acme/ledger-base").pulls[7]["head"]["sha"]
    checks = {c["name"]: c["conclusion"] for c in github.check_runs("acme/ledger-base") if c["head_sha"] == head}
    assert checks["qa / coverage"] == "failure" and checks["qa / verdict"] == "failure"
    assert checks["qa / unit"] in ("success", "failure") and set(checks) >= {f"qa / {t}" for t in TIERS}


def test_same_repository_pull_requests_are_not_published_twice(fork_runs: dict[str, ActRun]) -> None:
    run = fork_runs["same-repository"]
    assert run.returncode == 0, run.explain()
    assert "publish" not in " ".join(run.job_results())


@pytest.fixture(scope="module")
def ci_run(sandbox: ActSandbox, github: FakeGitHub) -> ActRun:
    push = repository_event(sandbox.qa_copy, ref="refs/heads/main")
    return sandbox.run(sandbox.qa_copy, "push", push, run_id=CI_RUN, workflow="ci.yml", job="sample",
                       env=api_env(github))


def test_ci_dogfoods_the_root_action_on_the_sample_project(ci_run: ActRun, sandbox: ActSandbox,
                                                           github: FakeGitHub) -> None:
    assert_ran(ci_run)
    messages = ci_run.messages("ci/qa-actions on the sample project")
    assert "Successfully installed ledger" in messages  # the default install-command ran
    assert messages.count("▶ scan bandit") == 1  # tiers and scans in one qa run, nothing scanned twice
    outputs = ci_run.outputs("ci/qa-actions on the sample project", "qa")
    assert outputs["verdict"] == "passed" and json.loads(outputs["coverage"])["unit"] >= 80
    # named after its project-dir: the `self` job's report (project `.`) is `qa-report` in the same run
    report = sandbox.artifacts / str(CI_RUN) / "examples-sample-project-qa-report"
    results = read_json(report / "qa-results" / "results.json")
    assert list(results["tiers"]) == TIERS and list(results["scans"]) == SCANS and results["verdict"] == "passed"
    # the sample project sits in examples/sample-project: its checks carry the project key, apart from
    # those of the `self` job (project-dir `.`) on the same commit
    names = [c["name"] for c in github.check_runs("org/qa-actions")]
    prefix = "qa / examples-sample-project"
    assert sorted(names) == sorted([*(f"{prefix} / {t}" for t in TIERS), *(f"{prefix} / {part}" for part in
                                                                          ("security", "coverage", "verdict"))])
    assert github.comments("org/qa-actions", 7) == []  # a push, comment-mode off


MONOREPO_RUN = 105
MONOREPO_CALLER = """name: QA
on:
  pull_request:
permissions: {}
jobs:
""" + "".join(f"""  service-{name}:
    uses: org/qa-actions/.github/workflows/qa.yml@v1
    permissions: {{ contents: read, checks: write, pull-requests: write }}
    with: {{ project-dir: services/{name}, tiers: unit, scans: none, install-command: "" }}
""" for name in ("a", "b"))


@pytest.fixture(scope="module")
def monorepo_run(sandbox: ActSandbox, github: FakeGitHub) -> ActRun:
    """One repository, two projects (copies of the sample under services/a and services/b; b has a
    failing unit test), qa.yml called once for each in one workflow run: unit tier only, no scans."""
    repository = sandbox.root / "mono"
    for name in ("a", "b"):
        copy_tree(SAMPLE, repository / "services" / name, tracked_files(SAMPLE))
    failing = repository / "services" / "b" / "tests" / "unit" / "test_money.py"
    failing.write_text(failing.read_text() + "\n\ndef test_only_b_fails() -> None:\n    assert 1 == 2\n")
    (repository / ".github" / "workflows").mkdir(parents=True)
    (repository / ".github" / "workflows" / "qa.yml").write_text(for_act(MONOREPO_CALLER))
    git_repository(repository, "https://github.com/acme/mono.git")
    github.add_pull("acme/mono", 7, head_sha(repository))
    return sandbox.run(repository, "pull_request", pull_request_event(repository), run_id=MONOREPO_RUN,
                       env=api_env(github))


def test_two_projects_in_one_repository_run_and_report_apart(monorepo_run: ActRun, sandbox: ActSandbox,
                                                             github: FakeGitHub) -> None:
    results = {job.strip(): result for job, result in monorepo_run.job_results().items()}
    assert results["service-a/qa/report"] == "success" and results["service-a/qa/tier (unit)"] == "success", \
        monorepo_run.explain()
    assert results["service-b/qa/report"] == "failure" and results["service-b/qa/tier (unit)"] == "failure", \
        monorepo_run.explain()
    assert monorepo_run.outputs("service-a/qa/report", "report")["verdict"] == "passed"
    assert monorepo_run.outputs("service-b/qa/report", "report")["verdict"] == "failed"

    artifacts = sandbox.artifacts / str(MONOREPO_RUN)
    assert {p.name for p in artifacts.iterdir()} >= {
        f"services-{name}-{artifact}" for name in "ab"
        for artifact in ("qa-results-unit", "qa-report", "qa-report-dashboard")}
    assert not any(p.name.startswith(("qa-results", "qa-report")) for p in artifacts.iterdir())
    for name, failed in (("a", 0), ("b", 1)):  # each report merged its own project's tier only
        merged = read_json(artifacts / f"services-{name}-qa-report" / "qa-results" / "results.json")
        assert list(merged["tiers"]) == ["unit"] and merged["tiers"]["unit"]["counts"]["failed"] == failed
    caches = sorted(p.name for p in (sandbox.caches / "acme" / "mono").iterdir())
    assert caches == [f"qa-history-services-{name}--{MONOREPO_RUN}-1" for name in "ab"]

    comments = {c["body"].splitlines()[0]: c["body"] for c in github.comments("acme/mono", 7)}
    assert len(comments) == 2, comments.keys()
    by_project = {marker.rsplit(":", 1)[1].removesuffix(" -->"): body for marker, body in comments.items()}
    assert set(by_project) == {"services-a", "services-b"}
    assert "### `services/a`: ✅ QA passed" in by_project["services-a"]
    assert "### `services/b`: ❌ QA failed" in by_project["services-b"] and "test_only_b_fails" in by_project[
        "services-b"]
    checks = {c["name"]: c["conclusion"] for c in github.check_runs("acme/mono")}
    assert checks == {"qa / services-a / unit": "success", "qa / services-a / coverage": "success",
                      "qa / services-a / verdict": "success", "qa / services-b / unit": "failure",
                      "qa / services-b / coverage": "success", "qa / services-b / verdict": "failure"}
