"""The security scans as users run them: real bandit, safety and pip-audit on copies of the sample
project, offline. safety reads the database shipped in tests/data and meets a loopback stand-in of
its auth server started here; pip-audit queries a loopback stand-in of the OSV API."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import results_of
from werkzeug import Request, Response

INSECURE_MODULE = '''"""Runs maintenance commands."""

import subprocess


def run(command: str) -> int:
    return subprocess.call(command, shell=True)


def run_fixed(command: str) -> int:
    return subprocess.call(command, shell=True)  # nosec B602 - only ever given constants


ADMIN_PASSWORD = "hunter2"
'''

# What OSV publishes for CVE-2021-33503 (trimmed to the fields pip-audit reads).
URLLIB3_REDOS = {
    "id": "PYSEC-2021-108", "schema_version": "1.6.0", "aliases": ["CVE-2021-33503", "GHSA-q2q7-5pp4-w6pg"],
    "details": "An issue was discovered in urllib3 before 1.26.5. When provided with a URL containing many @ "
               "characters in the authority component, the authority regular expression exhibits catastrophic "
               "backtracking, causing a denial of service if a URL were passed as a parameter or redirected to "
               "via an HTTP redirect.",
    "affected": [{"package": {"name": "urllib3", "ecosystem": "PyPI"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.26.5"}]}]}],
}


def scan_of(project: Path, kind: str) -> dict:
    return json.loads((project / "qa-results" / "security" / kind / "scan.json").read_text())


def sarif_of(project: Path) -> dict:
    return json.loads((project / "qa-results" / "security.sarif").read_text())


def configure(project: Path, toml: str) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("[tool.qa.security]\n", "[tool.qa.security]\n" + toml, 1))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pin(project: Path, *requirements: str) -> int:
    """Append pins to the sample's requirements.txt; returns the line of the first one."""
    path = project / "requirements.txt"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, *requirements]) + "\n")
    return len(lines) + 1


@pytest.fixture
def safety_auth(httpserver) -> dict[str, str]:
    """A loopback stand-in of safety's auth server: OpenID discovery and an empty key set."""
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/.well-known/openid-configuration").respond_with_json(
        {"issuer": base, "jwks_uri": f"{base}/jwks", "token_endpoint": f"{base}/token",
         "authorization_endpoint": f"{base}/authorize"})
    httpserver.expect_request("/jwks").respond_with_json({"keys": []})
    return {"SAFETY_AUTH_SERVER_URL": base}


@pytest.fixture
def osv(httpserver):
    """A loopback stand-in of OSV's query API knowing `advisories[(package, version)]`; yields its URL and
    the queries it answered."""
    advisories: dict[tuple[str, str], list[dict]] = {("urllib3", "1.26.4"): [URLLIB3_REDOS]}
    queries: list[tuple[str, str]] = []

    def answer(request: Request) -> Response:
        query = json.loads(request.get_data())
        key = (query["package"]["name"], query["version"])
        queries.append(key)
        vulns = advisories.get(key) or advisories.get((key[0], "*"))
        return Response(json.dumps({"vulns": vulns} if vulns else {}), content_type="application/json")

    httpserver.expect_request("/v1/query", method="POST").respond_with_handler(answer)
    return httpserver.url_for("/v1/query"), advisories, queries


def test_an_insecure_call_fails_the_gate_and_nosec_is_honoured(sample_project: Path, run_qa, errors_of,
                                                                sarif_errors) -> None:
    (sample_project / "src" / "ledger" / "maintenance.py").write_text(INSECURE_MODULE)
    done = run_qa("run", sample_project, "--tiers", "none", "--scans", "bandit", "-q")
    assert done.returncode == 1, done.stdout + done.stderr
    problems = {(p["code"], p["category"], p["file"], p["line"]) for p in errors_of(sample_project)}
    assert problems == {("finding-high", "high", "src/ledger/maintenance.py", 7),
                        ("finding-low", "low", "src/ledger/maintenance.py", 3),
                        ("finding-low", "low", "src/ledger/maintenance.py", 14)}
    bandit = results_of(sample_project)["scans"]["bandit"]
    assert [(f["rule"], f["severity"], f["confidence"], f["cwe"]) for f in bandit["findings"]] == [
        ("B404", "low", "high", "CWE-78"), ("B602", "high", "high", "CWE-78"), ("B105", "low", "medium", "CWE-259")]
    assert bandit["findings"][2]["message"] == "Possible hardcoded password: '[redacted]'"
    for written in ("qa-results/results.json", "qa-results/security.sarif", ".errors/errors.jsonl"):
        assert "hunter2" not in (sample_project / written).read_text()
    assert [(f["rule"], f["suppression"]) for f in bandit["suppressed"]] == [
        ("B608", "in the bandit baseline .bandit-baseline.json")]
    assert results_of(sample_project)["verdict"] == "failed"
    log = sarif_of(sample_project)
    assert sarif_errors(log) == []
    (run,) = log["runs"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        ("B404", 3), ("B602", 7), ("B105", 14)]
    assert all(r["partialFingerprints"]["qaFindingHash/v1"] for r in run["results"])
    (bandit_row,) = [line.split() for line in done.stdout.splitlines() if line.startswith("bandit ")]
    assert bandit_row[:5] == ["bandit", "3", "1", "0", "2"]


def test_thresholds_drop_findings_below_them(sample_project: Path, run_qa) -> None:
    (sample_project / "src" / "ledger" / "maintenance.py").write_text(INSECURE_MODULE)
    configure(sample_project, 'severity = "medium"\nconfidence = "medium"\n')
    done = run_qa("scan", "--project", sample_project, "--only", "bandit")
    assert done.returncode == 1
    bandit = scan_of(sample_project, "bandit")
    assert [f["rule"] for f in bandit["findings"]] == ["B602"]  # B404 is low severity
    assert bandit["suppressed"] == []  # B608 has low confidence: not even reported


def test_a_second_copy_of_a_baselined_call_is_new(sample_project: Path, run_qa) -> None:
    service = sample_project / "src" / "ledger" / "service.py"
    service.write_text(service.read_text() + '''

def stock_of(inventory: Inventory, order: str) -> list[tuple]:
    return inventory.store.query(f"SELECT sku, location, quantity FROM stock ORDER BY {STOCK_ORDERS[order]}")
''')
    copy = len(service.read_text().splitlines())
    done = run_qa("scan", "--project", sample_project, "--only", "bandit")
    assert done.returncode == 1, done.stdout + done.stderr
    bandit = scan_of(sample_project, "bandit")
    assert [(f["rule"], f["line"]) for f in bandit["findings"]] == [("B608", copy)]
    assert [(f["rule"], f["line"]) for f in bandit["suppressed"]] == [("B608", 120)]


def test_update_baseline_accepts_what_is_there(sample_project: Path, run_qa) -> None:
    (sample_project / "src" / "ledger" / "maintenance.py").write_text(INSECURE_MODULE)
    done = run_qa("scan", "--project", sample_project, "--only", "bandit", "--update-baseline")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"baseline written: {sample_project / '.bandit-baseline.json'}" in done.stdout
    baseline = json.loads((sample_project / ".bandit-baseline.json").read_text())
    assert sorted(r["test_id"] for r in baseline["results"]) == ["B105", "B404", "B602", "B608"]
    assert run_qa("scan", "--project", sample_project, "--only", "bandit").returncode == 0


def test_a_malformed_baseline_is_critical(sample_project: Path, run_qa, errors_of) -> None:
    (sample_project / ".bandit-baseline.json").write_text("<html>not a report</html>")
    done = run_qa("run", sample_project, "--tiers", "none", "--scans", "bandit", "-q")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["source"], problem["code"]) == ("critical", "bandit", "scan-error")
    assert problem["message"].startswith("bandit baseline .bandit-baseline.json is not a bandit JSON report")
    assert "error — bandit baseline .bandit-baseline.json is not a bandit JSON report" in done.stdout


def test_a_missing_scanner_is_critical(sample_project: Path, errors_of) -> None:
    """qa's environment without bandit: the import is blocked in the process that runs qa."""
    blocked = "import sys; sys.modules['bandit'] = None; from qa_actions.cli import main; sys.exit(main())"
    done = subprocess.run([sys.executable, "-c", blocked, "run", str(sample_project), "--tiers", "none",
                           "--scans", "bandit", "-q"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["code"]) == ("critical", "missing-tool")
    assert problem["message"].startswith("the bandit scan needs bandit, which is not installed in qa's environment")


def test_a_vulnerable_pin_fails_the_gate(sample_project: Path, run_qa, errors_of, safety_auth, httpserver,
                                         sarif_errors) -> None:
    line = pin(sample_project, "urllib3==1.26.4", "Jinja2==2.11.2")
    done = run_qa("run", sample_project, "--tiers", "none", "--scans", "deps", "-q", env=safety_auth)
    assert done.returncode == 1, done.stdout + done.stderr
    problems = sorted((p["category"], p["code"], p["file"], p["line"], p["message"]) for p in errors_of(sample_project))
    assert [p[:4] for p in problems] == [("high", "vulnerable-dependency", "requirements.txt", line),
                                         ("high", "vulnerable-dependency", "requirements.txt", line + 1)]
    assert problems[0][4].startswith("urllib3 1.26.4: 90002 (CVE-2021-33503): A URL with many @ characters")
    assert problems[0][4].endswith("(fixed in 1.26.5)")
    safety = results_of(sample_project)["scans"]["safety"]
    assert {(f["package"], f["severity"], f["cve"]) for f in safety["findings"]} == {
        ("urllib3", "high", "CVE-2021-33503"), ("jinja2", "medium", "CVE-2020-28493")}
    assert safety["targets"] == ["requirements.txt"]
    assert (sample_project / "qa-results" / "security" / "deps" / "safety.json").is_file()
    assert {request.path for request, _ in httpserver.log} >= {"/.well-known/openid-configuration", "/jwks"}
    log = sarif_of(sample_project)
    assert sarif_errors(log) == []
    assert sorted(r["ruleId"] for r in log["runs"][0]["results"]) == ["90001", "90002"]


def test_an_ignore_holds_until_it_expires(sample_project: Path, run_qa, safety_auth) -> None:
    pin(sample_project, "urllib3==1.26.4")
    configure(sample_project, 'ignore = [{id = "CVE-2021-33503", reason = "we only pass our own URLs", '
                              'expires = 2999-12-31}]\n')
    done = run_qa("scan", "--project", sample_project, "--only", "deps", env=safety_auth)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed — 1 ignored" in done.stdout
    (ignored,) = scan_of(sample_project, "deps")["suppressed"]
    assert ignored["suppression"] == "ignored until 2999-12-31: we only pass our own URLs"
    pyproject = sample_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("2999-12-31", "2020-01-31"))
    done = run_qa("scan", "--project", sample_project, "--only", "deps", env=safety_auth)
    assert done.returncode == 1
    (finding,) = scan_of(sample_project, "deps")["findings"]
    assert "the ignore rule for CVE-2021-33503 expired on 2020-01-31 (reason given: we only pass our own URLs)" in (
        finding["message"])


@pytest.mark.parametrize(
    ("database", "auth", "words"),
    [
        ("http://127.0.0.1:{port}/", "stand-in", "safety exited with"),
        ("nowhere", "stand-in", "safety-db 'nowhere' is not a folder"),
        ("security/safety-db", "closed", "ConnectError"),
    ],
    ids=["unreachable-mirror", "missing-local-db", "unreachable-auth-server"],
)
def test_a_database_that_cannot_be_read_is_critical(sample_project: Path, run_qa, errors_of, safety_auth,
                                                    database: str, auth: str, words: str) -> None:
    configure(sample_project, f'safety-db = "{database.format(port=closed_port())}"\n')
    pyproject = sample_project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('safety-db = "security/safety-db"\n', "", 1))
    env = safety_auth if auth == "stand-in" else {"SAFETY_AUTH_SERVER_URL": f"http://127.0.0.1:{closed_port()}"}
    done = run_qa("run", sample_project, "--tiers", "none", "--scans", "deps", "-q", env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (problem,) = errors_of(sample_project)
    assert (problem["category"], problem["source"], problem["code"]) == ("critical", "safety", "scan-error")
    assert words in problem["message"]


def test_pip_audit_against_an_osv_stand_in(sample_project: Path, run_qa, errors_of, osv, sarif_errors) -> None:
    url, _, queries = osv
    line = pin(sample_project, "urllib3==1.26.4")
    configure(sample_project, f'deps = "pip-audit"\nosv-url = "{url}"\n')
    done = run_qa("run", sample_project, "--tiers", "none", "--scans", "deps", "-q")
    assert done.returncode == 1, done.stdout + done.stderr
    (problem,) = errors_of(sample_project)
    assert (problem["source"], problem["code"], problem["file"], problem["line"]) == (
        "pip-audit", "vulnerable-dependency", "requirements.txt", line)
    (finding,) = results_of(sample_project)["scans"]["pip-audit"]["findings"]
    assert (finding["rule"], finding["cve"], finding["version"], finding["fix_version"]) == (
        "PYSEC-2021-108", "CVE-2021-33503", "1.26.4", "1.26.5")
    assert ("urllib3", "1.26.4") in queries and ("pytest", "8.3.4") in queries
    assert sarif_errors(sarif_of(sample_project)) == []


def test_pip_audit_over_the_installed_environment(sample_project: Path, run_qa, osv) -> None:
    url, advisories, queries = osv
    advisories[("click", "*")] = [dict(URLLIB3_REDOS, id="PYSEC-0000-1", aliases=[])]
    configure(sample_project, f'deps = "pip-audit"\nosv-url = "{url}"\naudit-environment = true\n')
    done = run_qa("scan", "--project", sample_project, "--only", "deps")
    assert done.returncode == 1, done.stdout + done.stderr
    (finding,) = scan_of(sample_project, "deps")["findings"]
    assert (finding["package"], finding["file"], finding["line"]) == ("click", "pyproject.toml", None)
    listing = (sample_project / "qa-results" / "security" / "deps" / "environment.txt").read_text().splitlines()
    assert any(entry.startswith("click==") for entry in listing) and "click" in {name for name, _ in queries}


def test_an_unreachable_osv_service_is_critical(sample_project: Path, run_qa) -> None:
    configure(sample_project, f'deps = "pip-audit"\nosv-url = "http://127.0.0.1:{closed_port()}/v1/query"\n')
    done = run_qa("scan", "--project", sample_project, "--only", "deps")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    deps = scan_of(sample_project, "deps")
    assert (deps["status"], deps["error_code"]) == ("error", "scan-error")
    assert deps["reason"].startswith("pip-audit exited with 1")


@pytest.mark.parametrize("kind", ["bandit", "test-data"])
def test_our_own_code_passes_the_scans_ci_runs_on_it(kind: str, run_qa, tmp_path: Path) -> None:
    """ci.yml's `self` job scans qa-actions with `scans: all`; the scans that need no network run here too."""
    repo = Path(__file__).resolve().parents[3]
    done = run_qa("scan", "--project", repo, "--only", kind, "--results", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("only", ["bandit,test-data", "bandit test-data", "test-data, bandit"])
def test_only_takes_a_list_like_run_scans(sample_project: Path, run_qa, only: str) -> None:
    done = run_qa("scan", "--project", sample_project, "--only", only)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.parent.name for p in (sample_project / "qa-results" / "security").glob("*/scan.json")) == [
        "bandit", "test-data"]
    none = run_qa("scan", "--project", sample_project, "--only", "none")
    assert none.returncode == 0 and "no security scans to run: --only none" in none.stdout
    wrong = run_qa("scan", "--project", sample_project, "--only", "bandit,pip-audit")
    assert wrong.returncode == 2 and "the deps scan runs safety" in wrong.stderr
