"""pip-audit: the pinned requirements as given (`--no-deps --disable-pip`: nothing is installed or
resolved), against PyPI's advisories by default or an OSV endpoint (`osv-url`, e.g. a mirror)."""

from __future__ import annotations

import sys
from typing import Any

from ..layout import PIP_AUDIT_JSON
from ..model import Finding
from .context import ScanRun
from .deps_inputs import DepsInput
from .tools import ScanFailure, explain, read_report, run_tool

# pip-audit exits 1 both for vulnerabilities and for errors: its report tells which
PIP_AUDIT_OK = (0, 1)


def audit_with_pip_audit(run: ScanRun, inputs: DepsInput) -> list[Finding]:
    report_path = run.folder / PIP_AUDIT_JSON
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--output", str(report_path.resolve()),
               "--progress-spinner", "off", "--no-deps", "--disable-pip"]
    if run.settings.osv_url:
        command += ["--vulnerability-service", "osv", "--osv-url", run.settings.osv_url]
    for file in inputs.files:
        command += ["--requirement", str(file.resolve())]
    outcome = run_tool(command, cwd=run.project, env=run.env(), folder=run.folder, timeout_s=run.settings.timeout,
                       label="pip-audit")
    if outcome.exit_code not in PIP_AUDIT_OK or not report_path.is_file():
        service = run.settings.osv_url or "PyPI"
        raise ScanFailure(f"pip-audit exited with {outcome.exit_code}: {explain(outcome)} "
                          f"(vulnerability service: {service}; requirements must pin every package with ==)")
    return parse_pip_audit(read_report(report_path, "pip-audit", outcome))


def parse_pip_audit(report: Any) -> list[Finding]:
    """Findings from pip-audit's JSON format: one per vulnerable package and advisory."""
    dependencies = report.get("dependencies") if isinstance(report, dict) else None
    if not isinstance(dependencies, list):
        raise ScanFailure("pip-audit's report has no `dependencies` list")
    findings = []
    for dependency in dependencies:
        if not isinstance(dependency, dict) or not isinstance(dependency.get("vulns"), list):
            continue
        for vuln in dependency["vulns"]:
            if not isinstance(vuln, dict):
                continue
            aliases = [a for a in vuln.get("aliases") or [] if isinstance(a, str)]
            fixes = [v for v in vuln.get("fix_versions") or [] if isinstance(v, str)]
            rule = str(vuln.get("id") or "unknown")
            findings.append(Finding(
                tool="pip-audit", rule=rule, severity="high",
                message=" ".join(str(vuln.get("description") or "known vulnerability").split()),
                cve=next((a for a in [rule, *aliases] if a.startswith("CVE-")), None),
                package=str(dependency.get("name", "unknown")),
                version=dependency.get("version") if isinstance(dependency.get("version"), str) else None,
                fix_version=fixes[0] if fixes else None,
                url=f"https://osv.dev/vulnerability/{rule}",
            ))
    return findings
