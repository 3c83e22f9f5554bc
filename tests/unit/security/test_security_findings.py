"""Baselines, ignore rules, fingerprints and report parsing: the pure parts of the scans."""

import json
from datetime import date
from pathlib import Path

import pytest

from qa_actions.config.security import IgnoreRule
from qa_actions.model import Finding
from qa_actions.security.baseline import load_baseline, split_by_baseline
from qa_actions.security.deps_audit import apply_ignores
from qa_actions.security.fingerprints import fingerprint_code
from qa_actions.security.safety_tool import check_database, parse_scan_report
from qa_actions.security.tools import ScanFailure

DATA = Path(__file__).parents[2] / "data"
SAMPLE_SAFETY_DB = Path(__file__).parents[3] / "examples" / "sample-project" / "security" / "safety-db"


def code_finding(line: int, rule: str = "B608", file: str = "src/app/db.py") -> Finding:
    return Finding("bandit", rule, "medium", "Possible SQL injection", "low", file, line)


def baseline_file(tmp_path: Path, *entries: tuple[str, int]) -> Path:
    results = [{"filename": f"./{file}", "test_id": "B608", "issue_text": "Possible SQL injection",
                "issue_severity": "MEDIUM", "issue_confidence": "LOW", "line_number": line}
               for file, line in entries]
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"results": results}))
    return path


def test_each_baseline_entry_accepts_one_finding(tmp_path: Path) -> None:
    entries = load_baseline(baseline_file(tmp_path, ("src/app/db.py", 10)), "baseline.json", tmp_path)
    moved, copy = code_finding(14), code_finding(30)
    open_, accepted = split_by_baseline([moved, copy], entries, "baseline.json")
    assert accepted == [moved] and open_ == [copy]
    assert moved.suppression == "in the bandit baseline baseline.json" and copy.suppression is None


def test_exact_lines_are_matched_before_moved_ones(tmp_path: Path) -> None:
    entries = load_baseline(baseline_file(tmp_path, ("src/app/db.py", 30)), "b", tmp_path)
    first, second = code_finding(10), code_finding(30)
    open_, accepted = split_by_baseline([first, second], entries, "b")
    assert accepted == [second] and open_ == [first]


def test_other_rules_and_files_are_not_accepted(tmp_path: Path) -> None:
    entries = load_baseline(baseline_file(tmp_path, ("src/app/db.py", 10)), "b", tmp_path)
    findings = [code_finding(10, rule="B602"), code_finding(10, file="src/app/other.py")]
    assert split_by_baseline(findings, entries, "b") == (findings, [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "bandit baseline b.json not found (write one with `qa scan --only bandit --update-baseline`)"),
        ("{not json", "bandit baseline b.json is not a bandit JSON report: Expecting property name"),
        ("[1, 2]", "bandit baseline b.json is not a bandit JSON report: it has no `results` list"),
        ('{"results": [{"filename": "a.py"}]}', "bandit baseline b.json: results[0] lacks one of filename, test_id"),
        ("", "bandit baseline b.json is not a bandit JSON report: Expecting value"),
    ],
)
def test_malformed_baselines_are_named(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ScanFailure) as caught:
        load_baseline(path, "b.json", tmp_path)
    assert str(caught.value).startswith(message) and caught.value.code == "scan-error"


def dependency(rule: str = "90002", cve: str | None = "CVE-2021-33503", package: str = "urllib3") -> Finding:
    return Finding("safety", rule, "high", "ReDoS", cve=cve, package=package, version="1.26.4", fix_version="1.26.5")


def rule(id: str, expires: str, package: str | None = None) -> IgnoreRule:
    return IgnoreRule(id=id, reason="only our own URLs", expires=expires, package=package)


def test_ignores_match_by_id_or_cve_and_package() -> None:
    by_cve, by_id, other_package = dependency(), dependency(), dependency(package="requests")
    open_, ignored = apply_ignores([by_cve, by_id, other_package],
                                   [rule("cve-2021-33503", "2027-01-31", package="URLLib3")], date(2026, 12, 1))
    assert ignored == [by_cve, by_id] and open_ == [other_package]
    assert by_cve.suppression == "ignored until 2027-01-31: only our own URLs"
    open_, ignored = apply_ignores([dependency()], [rule("90002", "2027-01-31")], date(2026, 12, 1))
    assert len(ignored) == 1 and open_ == []


def test_an_expired_ignore_fails_again_and_says_so() -> None:
    finding = dependency()
    open_, ignored = apply_ignores([finding], [rule("CVE-2021-33503", "2026-11-30")], date(2026, 12, 1))
    assert open_ == [finding] and ignored == []
    assert finding.suppression is None
    assert ("the ignore rule for CVE-2021-33503 expired on 2026-11-30 (reason given: only our own URLs): "
            "fix it or renew the rule") in finding.message
    assert finding.summary.startswith("urllib3 1.26.4: 90002 (CVE-2021-33503): ReDoS")
    assert finding.summary.endswith("(fixed in 1.26.5)")
    # the last day is still covered
    assert apply_ignores([dependency()], [rule("CVE-2021-33503", "2026-12-01")], date(2026, 12, 1))[0] == []


def test_code_fingerprints_ignore_line_numbers_but_not_content(tmp_path: Path) -> None:
    source = tmp_path / "src" / "app" / "db.py"
    source.parent.mkdir(parents=True)
    call = 'rows = db.execute(f"SELECT * FROM t ORDER BY {column}")'
    source.write_text(f"import x\n{call}\n{call}\n")
    findings = [code_finding(2), code_finding(3)]
    fingerprint_code(findings, tmp_path)
    source.write_text(f'"""A docstring pushes everything down."""\n\nimport x\n{call}\n{call}\n')
    moved = [code_finding(4), code_finding(5)]
    fingerprint_code(moved, tmp_path)
    assert [f.fingerprint for f in moved] == [f.fingerprint for f in findings]
    assert findings[0].fingerprint != findings[1].fingerprint  # two copies are two findings
    source.write_text(call.replace("ORDER BY", "GROUP BY") + "\n")
    changed = [code_finding(1)]
    fingerprint_code(changed, tmp_path)
    assert changed[0].fingerprint not in {f.fingerprint for f in findings}


def test_the_shipped_database_is_valid_and_bad_ones_are_named(tmp_path: Path) -> None:
    check_database(SAMPLE_SAFETY_DB, "safety-db")
    with pytest.raises(ScanFailure, match="safety-db 'nowhere' is not a folder"):
        check_database(tmp_path / "nowhere", "nowhere")
    (tmp_path / "insecure.json").write_text('{"meta": {"schema_version": "1.0"}, "vulnerable_packages": {}}')
    with pytest.raises(ScanFailure, match=r"has no insecure_full\.json"):
        check_database(tmp_path, "db")
    (tmp_path / "insecure_full.json").write_text("{}")
    with pytest.raises(ScanFailure, match=r"insecure.json is not a safety database of schema 2.0.0 \(meta.schema"):
        check_database(tmp_path, "db")


def test_safety_scan_reports_follow_safetys_own_schema(tmp_path: Path) -> None:
    """`safety scan` needs an account, so its report is built here and checked with safety's own
    report model (safety_schemas) before our parser reads it."""
    from safety_schemas.report.schemas.v3_0.main import Report

    vulnerable = {"raw": "urllib3==1.26.4", "vulnerabilities": {
        "known_vulnerabilities": [{"id": "90002", "vulnerable_spec": "<1.26.5"},
                                  {"id": "90009", "vulnerable_spec": "<2", "ignored": {
                                      "code": "manual", "reason": "not reachable", "expires": None}}],
        "remediation": {"vulnerabilities_found": 2, "closest_secure_version": {"upper": "1.26.5", "lower": None},
                        "recommended": "1.26.18", "other_recommended": []}}}
    clean = {"raw": "click==8.1.7", "vulnerabilities": {"known_vulnerabilities": []}}
    report = {
        "meta": {"scan_type": "scan", "stage": "cicd", "scan_locations": [str(tmp_path)], "authenticated": True,
                 "authentication_method": "api_key", "timestamp": "2026-11-28T00:00:00",
                 "telemetry": {"safety_options": {}, "safety_version": "3.8.1", "safety_source": "cli",
                               "os_type": "Linux", "os_release": "6", "os_description": "Linux",
                               "python_version": "3.11.7", "safety_command": "scan"},
                 "schema_version": "3.0"},
        "scan_results": {"files": [], "projects": [{
            "id": "ledger", "upload_request_id": None, "location": str(tmp_path), "policy": None, "git": None,
            "files": [{"location": str(tmp_path / "requirements.txt"), "type": "requirements.txt",
                       "categories": ["python"], "results": {"dependencies": [
                           {"name": "urllib3", "specifications": [vulnerable]},
                           {"name": "click", "specifications": [clean]}]}}]}]},
    }
    Report.parse_obj(report)
    found, ignored = parse_scan_report(report, tmp_path)
    assert (found.rule, found.package, found.version, found.fix_version, found.file) == (
        "90002", "urllib3", "1.26.4", "1.26.18", "requirements.txt")
    assert found.suppression is None and found.severity == "high"
    assert ignored.rule == "90009" and ignored.suppression == "ignored by the safety policy: not reachable"


def test_the_offline_auth_stand_in_answers_only_discovery_and_keys() -> None:
    import urllib.error
    import urllib.request

    from qa_actions.security.auth_standin import offline_auth_server

    with offline_auth_server() as base:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=5) as answer:
            discovery = json.load(answer)
        assert discovery["jwks_uri"] == f"{base}/jwks"
        with urllib.request.urlopen(discovery["jwks_uri"], timeout=5) as answer:
            assert json.load(answer) == {"keys": []}
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{base}/oauth/token", timeout=5)
        assert caught.value.code == 404
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/jwks", timeout=5)


def test_passwords_bandit_quotes_are_redacted() -> None:
    from qa_actions.security.redaction import redact

    assert redact("B105", "Possible hardcoded password: 'hunter2'") == "Possible hardcoded password: '[redacted]'"
    assert redact("B106", 'Possible hardcoded password: "it\'s: me"') == 'Possible hardcoded password: "[redacted]"'
    assert redact("B608", "Possible SQL injection: 'x'") == "Possible SQL injection: 'x'"
