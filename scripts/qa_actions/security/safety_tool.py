"""Safety: `safety scan` when an API key is given (and no `safety-db`), `safety check` otherwise.

`scan` is safety's current command but needs an account (`SAFETY_API_KEY`). `check` is deprecated
but needs none, and it is the only one that reads a local database (`--db DIR`), which is what
offline and air-gapped runners need. Both write JSON to a file (stdout carries banners).
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ..layout import SAFETY_JSON
from ..model import Finding
from .auth_standin import offline_auth_server
from .context import ScanRun
from .deps_inputs import DepsInput
from .tools import ScanFailure, explain, read_json_or_fail, read_report, relative, run_tool

DB_FILES = ("insecure.json", "insecure_full.json")
DB_SCHEMA_VERSION = "2.0.0"
MAX_DB_BYTES = 1024**3
AUTH_URL_VARIABLE = "SAFETY_AUTH_SERVER_URL"
# safety exits 0 when clean and 64 when it found vulnerabilities
SAFETY_OK = (0, 64)
_CVSS_SEVERITY = {"critical": "high", "high": "high", "medium": "medium", "moderate": "medium", "low": "low"}
_PIN = re.compile(r"===?\s*([^\s,;]+)")


def audit_with_safety(run: ScanRun, inputs: DepsInput) -> list[Finding]:
    report_path = run.folder / SAFETY_JSON
    # a configured local database is an explicit choice for `check`; an ambient key does not override it
    key = None if run.settings.safety_db else os.environ.get("SAFETY_API_KEY")
    with ExitStack() as stack:
        if key:
            command = [sys.executable, "-m", "safety", "--stage", "cicd", "--disable-optional-telemetry", "scan",
                       "--target", str(run.project.resolve()), "--save-as", "json", str(report_path.resolve())]
            env = run.env()
        else:
            command, env = _check_command(run, inputs, report_path, stack)
        outcome = run_tool(command, cwd=run.project, env=env, folder=run.folder, timeout_s=run.settings.timeout,
                           label="safety")
    if outcome.exit_code not in SAFETY_OK:
        raise ScanFailure(f"safety exited with {outcome.exit_code}: {explain(outcome)}{_hint(run, key)}")
    report = read_report(report_path, "safety", outcome)
    return parse_scan_report(report, run.project) if key else parse_check_report(report, run.project)


def _check_command(run: ScanRun, inputs: DepsInput, report: Path, stack: ExitStack) -> tuple[list[str],
                                                                                           dict[str, str]]:
    command = [sys.executable, "-m", "safety", "--disable-optional-telemetry", "check"]
    env = run.env()
    database = run.settings.safety_db
    if database:
        if re.match(r"https?://", database):
            command += ["--db", database]
        else:
            path = run.project_path(database)
            check_database(path, database)
            command += ["--db", str(path.resolve())]
            if AUTH_URL_VARIABLE not in env:
                env[AUTH_URL_VARIABLE] = stack.enter_context(offline_auth_server())
    for file in inputs.files:
        command += ["-r", str(file.resolve())]
    return [*command, "--save-json", str(report.resolve())], env


def _hint(run: ScanRun, key: str | None) -> str:
    if key:
        return " (safety scan needs its platform to be reachable and the key to be valid)"
    if run.settings.safety_db:
        return f" (vulnerability database: {run.settings.safety_db})"
    return (" (safety needs its online vulnerability database and auth server; offline, set "
            "[tool.qa.security] safety-db to a local copy)")


def check_database(path: Path, shown: str) -> None:
    """A local safety database is a folder with insecure.json and insecure_full.json of schema 2.0.0."""
    if not path.is_dir():
        raise ScanFailure(f"safety-db {shown!r} is not a folder (expected {' and '.join(DB_FILES)} in it)")
    missing = [name for name in DB_FILES if not (path / name).is_file()]
    if missing:
        raise ScanFailure(f"safety-db {shown!r} has no {missing[0]} (a safety database holds {' and '.join(DB_FILES)})")
    for name in DB_FILES:
        file = path / name
        data = read_json_or_fail(file, MAX_DB_BYTES, f"safety-db {shown!r}: {name} is not valid JSON")
        meta = data.get("meta") if isinstance(data, dict) else None
        version = meta.get("schema_version") if isinstance(meta, dict) else None
        if version != DB_SCHEMA_VERSION or not isinstance(data.get("vulnerable_packages"), dict):
            raise ScanFailure(f"safety-db {shown!r}: {name} is not a safety database of schema "
                              f"{DB_SCHEMA_VERSION} (meta.schema_version is {version!r})")


def parse_check_report(report: Any, project: Path) -> list[Finding]:
    """Findings from `safety check --save-json` (JSON report 1.1)."""
    vulnerabilities = report.get("vulnerabilities") if isinstance(report, dict) else None
    if not isinstance(vulnerabilities, list):
        raise ScanFailure("safety's report has no `vulnerabilities` list")
    findings = []
    for item in vulnerabilities:
        if not isinstance(item, dict):
            continue
        fixed = [v for v in item.get("fixed_versions") or [] if isinstance(v, str)]
        requirement = item.get("analyzed_requirement") if isinstance(item.get("analyzed_requirement"), dict) else {}
        found = requirement.get("found")
        findings.append(Finding(
            tool="safety",
            rule=str(item.get("vulnerability_id") or "unknown"),
            severity=_severity(item.get("severity")),  # type: ignore[arg-type]
            message=" ".join(str(item.get("advisory") or "known vulnerability").split()),
            file=relative(found, project) if isinstance(found, str) else None,
            cve=item.get("CVE") if isinstance(item.get("CVE"), str) else None,
            package=str(item.get("package_name") or requirement.get("name") or "unknown"),
            version=item.get("analyzed_version") if isinstance(item.get("analyzed_version"), str) else None,
            fix_version=fixed[0] if fixed else None,
            url=item.get("more_info_url") if isinstance(item.get("more_info_url"), str) else None,
        ))
    return findings


def _severity(severity: Any) -> str:
    """From the CVSS rating when the database has one; a known vulnerability without one is high."""
    if isinstance(severity, dict):
        for version in ("cvssv3", "cvssv2"):
            cvss = severity.get(version)
            if isinstance(cvss, dict) and isinstance(cvss.get("base_severity"), str):
                return _CVSS_SEVERITY.get(cvss["base_severity"].lower(), "high")
    return "high"


def parse_scan_report(report: Any, project: Path) -> list[Finding]:
    """Findings from `safety scan --save-as json` (report schema 3.0); safety-policy ignores are kept
    as suppressed findings."""
    results = report.get("scan_results") if isinstance(report, dict) else None
    projects = results.get("projects") if isinstance(results, dict) else None
    if not isinstance(projects, list):
        raise ScanFailure("safety's scan report has no `scan_results.projects` list")
    findings = []
    for scanned in projects:
        for file in _dicts(scanned.get("files") if isinstance(scanned, dict) else None):
            location = relative(str(file.get("location", "")), project)
            results_of_file = file.get("results") if isinstance(file.get("results"), dict) else {}
            for dependency in _dicts(results_of_file.get("dependencies")):
                for spec in _dicts(dependency.get("specifications")):
                    findings += _scan_findings(dependency, spec, location)
    return findings


def _scan_findings(dependency: dict[str, Any], spec: dict[str, Any], location: str) -> list[Finding]:
    raw = str(spec.get("raw", ""))
    pinned = _PIN.search(raw)
    vulnerabilities = spec.get("vulnerabilities") if isinstance(spec.get("vulnerabilities"), dict) else {}
    remediation = vulnerabilities.get("remediation") if isinstance(vulnerabilities.get("remediation"), dict) else {}
    closest = remediation.get("closest_secure_version")
    fix = remediation.get("recommended") or (closest.get("upper") if isinstance(closest, dict) else None)
    findings = []
    for vulnerability in _dicts(vulnerabilities.get("known_vulnerabilities")):
        ignored = vulnerability.get("ignored")
        finding = Finding(
            tool="safety", rule=str(vulnerability.get("id") or "unknown"), severity="high",
            message=f"{raw} is in the vulnerable range {vulnerability.get('vulnerable_spec', '?')}",
            file=location or None, package=str(dependency.get("name", "unknown")),
            version=pinned.group(1) if pinned else None, fix_version=fix if isinstance(fix, str) else None)
        if isinstance(ignored, dict):
            finding.suppression = f"ignored by the safety policy: {ignored.get('reason') or 'no reason given'}"
        findings.append(finding)
    return findings


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
