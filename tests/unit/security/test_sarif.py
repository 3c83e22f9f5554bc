"""The SARIF log: valid against the official 2.1.0 schema, in the shape GitHub code scanning reads."""

import dataclasses
import json
import subprocess
from pathlib import Path

from qa_actions.model import Finding, ScanResult
from qa_actions.project.runinfo import path_in_repository
from qa_actions.security.fingerprints import SARIF_KEY
from qa_actions.security.runner import write_security_sarif
from qa_actions.security.sarif import build_sarif


def scans() -> list[ScanResult]:
    shell = Finding("bandit", "B602", "high", "subprocess call with shell=True identified", "high",
                    "src/app/run.py", 12, "CWE-78", fingerprint="f" * 32,
                    url="https://bandit.readthedocs.io/en/1.9.4/plugins/b602_subprocess_popen_with_shell_equals_true.html")
    assert_ = Finding("bandit", "B101", "low", "Use of assert detected.", "high", "src/app/run.py", 20,
                      "CWE-703", fingerprint="a" * 32)
    accepted = Finding("bandit", "B608", "medium", "SQL", "low", "src/app/db.py", 3, suppression="in the baseline")
    vulnerable = Finding("safety", "90002", "high", "ReDoS", file="requirements.txt", line=4, cve="CVE-2021-33503",
                         package="urllib3", version="1.26.4", fix_version="1.26.5", fingerprint="d" * 32)
    return [
        ScanResult("bandit", "failed", findings=[shell, assert_], suppressed=[accepted], tool_version="1.9.4"),
        ScanResult("safety", "failed", findings=[vulnerable], tool_version="3.8.1"),
        ScanResult("pip-audit", "skipped", reason="off"),
    ]


def test_valid_against_the_official_schema(sarif_errors) -> None:
    log = build_sarif(scans(), "examples/sample-project")
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0" and [r["tool"]["driver"]["name"] for r in log["runs"]] == ["bandit", "safety"]


def test_results_carry_what_code_scanning_needs(sarif_errors) -> None:
    bandit, safety = build_sarif(scans(), "examples/sample-project")["runs"]
    shell, assert_ = bandit["results"]
    assert shell["ruleId"] == "B602" and shell["level"] == "error" and assert_["level"] == "note"
    location = shell["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "examples/sample-project/src/app/run.py"
    assert location["region"] == {"startLine": 12}
    assert shell["partialFingerprints"] == {SARIF_KEY: "f" * 32}
    rule = bandit["tool"]["driver"]["rules"][shell["ruleIndex"]]
    assert rule["id"] == "B602" and rule["properties"]["security-severity"] == "7.5"
    assert "external/cwe/cwe-78" in rule["properties"]["tags"] and rule["helpUri"].endswith("equals_true.html")
    assert bandit["tool"]["driver"]["version"] == "1.9.4"
    (dependency,) = safety["results"]
    assert dependency["message"]["text"] == "urllib3 1.26.4: 90002 (CVE-2021-33503): ReDoS (fixed in 1.26.5)"
    assert dependency["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "examples/sample-project/requirements.txt")
    assert dependency["properties"] == {"package": "urllib3", "version": "1.26.4", "fixVersion": "1.26.5"}


def test_accepted_findings_are_left_out() -> None:
    bandit = build_sarif(scans())["runs"][0]
    assert "B608" not in {r["ruleId"] for r in bandit["results"]}
    assert bandit["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/app/run.py"


def test_a_scan_that_could_not_run_says_so(sarif_errors) -> None:
    log = build_sarif([ScanResult("safety", "error", reason="safety-db 'db' is not a folder")])
    assert sarif_errors(log) == []
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == "safety-db 'db' is not a folder"


def test_scans_downloaded_from_several_jobs_merge(tmp_path: Path, sarif_errors) -> None:
    results = tmp_path / "results"
    for scan in scans()[:2]:
        folder = results / f"artifact-{scan.name}" / "security" / scan.name
        folder.mkdir(parents=True)
        (folder / "scan.json").write_text(json.dumps(dataclasses.asdict(scan)))
    log = json.loads(write_security_sarif(results, tmp_path).read_text())
    assert sarif_errors(log) == []
    assert sorted(r["tool"]["driver"]["name"] for r in log["runs"]) == ["bandit", "safety"]


def test_paths_start_at_the_repository_root(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    project = tmp_path / "repo" / "services" / "api"
    project.mkdir(parents=True)
    assert path_in_repository(project) == ""
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    assert path_in_repository(project) == "services/api"
    assert path_in_repository(tmp_path / "repo") == ""
