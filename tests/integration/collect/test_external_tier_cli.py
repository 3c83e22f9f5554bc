"""Done when (issue 19, item 6): a JUnit file from another tool's test runner is counted in results.json and
the comment, and the external tier's coverage gate decides the verdict, through the `qa` commands the report
action runs (collect, gate, report)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import DATA, qa, read_errors, results_of

PRODUCERS = DATA / "producers"
PASSING = '<testsuite name="x"><testcase classname="Api" name="lists" time="0.25"/></testsuite>'


def js_project(root: Path, gate: int, junit: tuple[str, ...] = ("jest-junit.xml", "mocha-junit-reporter.xml")) -> Path:
    """A project whose JavaScript suite wrote JUnit and Cobertura (75 %) under web/reports/."""
    project = root / "app"
    reports = project / "web" / "reports"
    reports.mkdir(parents=True)
    for name in (*junit, "cobertura.xml"):
        shutil.copy(PRODUCERS / name, reports / name)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\n[tool.qa.tiers.js]\nkind = "external"\n'
        'junit-files = ["web/reports/*junit*.xml"]\ncoverage-files = ["web/reports/cobertura.xml"]\n'
        f"coverage = {gate}\n")
    return project


def test_other_runners_reports_are_counted_in_results_and_the_comment(tmp_path: Path) -> None:
    project = js_project(tmp_path, gate=70)
    downloads = tmp_path / "downloads"  # where a workflow put the Go and Java jobs' artifacts
    downloads.mkdir()
    for name in ("go-junit-report.xml", "lcov.info", "surefire.xml"):
        shutil.copy(PRODUCERS / name, downloads / name)
    done = qa("collect", "--project", project, "--junit-files", f"go={downloads}/go-*.xml",
              "--coverage-files", f"go={downloads}/lcov.info", "--junit-files", "java=downloads/surefire.xml",
              cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    tiers = results_of(project)["tiers"]
    counts = {name: [tier["counts"][k] for k in ("tests", "passed", "failed", "errors", "skipped", "flaky")]
              for name, tier in tiers.items()}
    assert counts == {"js": [8, 5, 2, 0, 1, 0], "go": [5, 2, 1, 1, 1, 0], "java": [5, 2, 1, 1, 1, 1]}
    assert {name: tier["kind"] for name, tier in tiers.items()} == dict.fromkeys(counts, "external")
    assert tiers["js"]["coverage"]["percent"] == 75.0 and tiers["go"]["coverage"]["percent"] == 57.14
    assert tiers["java"]["coverage"] is None

    assert qa("gate", "--project", project).returncode == 1  # their failing tests fail the verdict
    assert qa("report", "--project", project).returncode == 0
    comment = (project / "qa-results" / "comment.md").read_text()
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:6]]
            for line in comment.splitlines() if line.startswith("| **") and "|" in line[3:]}
    assert {k: v for k, v in rows.items() if k in ("**js**", "**go**", "**java**")} == {
        "**js**": ["5", "**2**", "1", "0"], "**go**": ["2", "**2**", "1", "0"], "**java**": ["2", "**2**", "1", "1"]}
    assert "com.example.CartTest::removesAnItem" in comment and "returns 404::api GET /items/9 returns 404" in comment
    checks = json.loads((project / "qa-results" / "check-runs.json").read_text())
    assert {"qa / js", "qa / go", "qa / java"} <= {check["name"] for check in checks}


def test_the_external_tiers_coverage_gate_passes_or_fails_the_run(tmp_path: Path) -> None:
    verdicts = {}
    for gate in (70, 80):  # the Cobertura report says 75 %
        project = js_project(tmp_path / str(gate), gate=gate, junit=())
        (project / "web" / "reports" / "api-junit.xml").write_text(PASSING)
        assert qa("collect", "--project", project).returncode == 0
        gated = qa("gate", "--project", project)
        verdicts[gate] = (gated.returncode, [(e["source"], e["code"]) for e in read_errors(project)])
    assert verdicts == {70: (0, []), 80: (1, [("js", "coverage-gate")])}


def test_a_missing_report_is_an_error_of_its_tier(tmp_path: Path) -> None:
    project = js_project(tmp_path, gate=70, junit=())
    assert qa("collect", "--project", project).returncode == 0
    js = results_of(project)["tiers"]["js"]
    assert js["status"] == "error" and "no JUnit report matched web/reports/*junit*.xml" in js["reason"]
    assert qa("gate", "--project", project).returncode == 1


def test_external_tiers_are_not_jobs_or_runs_of_qa(tmp_path: Path) -> None:
    project = js_project(tmp_path, gate=70)
    refused = qa("tier", "js", "--project", project)
    assert refused.returncode == 2 and "external tier" in refused.stderr
    plan = qa("plan", "--project", project, "--tiers", "js,unit")
    assert plan.returncode == 0, plan.stderr
    assert [entry["tier"] for entry in json.loads(plan.stdout)["include"]] == ["unit"]
