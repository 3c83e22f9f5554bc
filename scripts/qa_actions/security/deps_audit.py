"""The dependency audit: safety or pip-audit over the project's dependencies, then the ignore list."""

from __future__ import annotations

from datetime import date

from ..config.security import IgnoreRule
from ..model import Finding, ScanResult
from .context import ScanRun
from .deps_inputs import canonical, gather, locate
from .fingerprints import fingerprint_dependency
from .pip_audit_tool import audit_with_pip_audit
from .safety_tool import audit_with_safety
from .tools import require

AUDITORS = {
    "safety": ("safety", "safety", audit_with_safety),
    "pip-audit": ("pip_audit", "pip-audit", audit_with_pip_audit),
}


def run_deps(run: ScanRun) -> ScanResult:
    module, requirement, audit = AUDITORS[run.settings.deps]
    version = require(module, requirement)
    inputs = gather(run)
    result = ScanResult(name=run.tool, status="passed", tool_version=version, targets=inputs.shown)
    findings = audit(run, inputs)
    for finding in findings:
        if finding.file is None or finding.line is None:
            finding.file, finding.line = locate(inputs, finding.package or "", run.project, finding.file)
        fingerprint_dependency(finding)
    result.findings, result.suppressed = apply_ignores(findings, run.settings.ignore, run.today)
    result.status = "failed" if result.findings else "passed"
    return result


def apply_ignores(findings: list[Finding], rules: list[IgnoreRule], today: date) -> tuple[list[Finding],
                                                                                       list[Finding]]:
    """(open, suppressed). An ignore past its expiry date no longer hides its finding: the finding is
    open again, and its message says which rule expired and when."""
    open_, suppressed = [], []
    for finding in findings:
        rule = None if finding.suppression else next((r for r in rules if _matches(r, finding)), None)
        if finding.suppression:
            suppressed.append(finding)
        elif rule is not None and not rule.expired(today):
            finding.suppression = f"ignored until {rule.until.isoformat()}: {rule.reason}"
            suppressed.append(finding)
        else:
            if rule is not None:
                finding.ignore_expired = rule.until.isoformat()
                finding.message += (f" [the ignore rule for {rule.id} expired on {rule.until.isoformat()} "
                                    f"(reason given: {rule.reason}): fix it or renew the rule]")
            open_.append(finding)
    return open_, suppressed


def _matches(rule: IgnoreRule, finding: Finding) -> bool:
    ids = {i.upper() for i in (finding.rule, finding.cve) if i}
    if rule.id.strip().upper() not in ids:
        return False
    return rule.package is None or canonical(finding.package or "") == canonical(rule.package)
