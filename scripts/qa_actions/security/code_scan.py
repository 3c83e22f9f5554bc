"""Bandit over the project's own code: thresholds, `# nosec` (bandit's own), and a baseline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..errors import QaError
from ..fsutil import read_toml
from ..layout import BANDIT_JSON
from ..model import Finding, ScanResult
from ..project.sources import code_folders
from ..scrub import write_text
from .baseline import DEFAULT_BASELINE, load_baseline, split_by_baseline
from .context import ScanRun
from .fingerprints import fingerprint_code
from .redaction import redact
from .tools import ScanFailure, read_report, relative, require, run_tool

SEVERITIES = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low"}
# bandit exits 0 without findings and 1 with findings; anything else means it failed
BANDIT_OK = (0, 1)


def run_bandit(run: ScanRun) -> ScanResult:
    version = require("bandit", "bandit[sarif,toml]")
    targets = _targets(run)
    result = ScanResult(name="bandit", status="passed", tool_version=version, targets=targets)
    if not targets:
        result.status = "skipped"
        result.reason = ("nothing to scan: no package under src/ or at the top level "
                         "(set [tool.qa.security] source)")
        return result
    path, shown = _baseline_location(run)
    use_baseline = run.update_baseline or run.settings.baseline is not None or path.is_file()
    entries = load_baseline(path, shown, run.project) if use_baseline and not run.update_baseline else []
    report_path = run.folder / BANDIT_JSON
    outcome = run_tool(_command(run, targets, report_path), cwd=run.project, env=run.env(), folder=run.folder,
                       timeout_s=run.settings.timeout, label="bandit")
    report = read_report(report_path, "bandit", outcome)
    if outcome.exit_code not in BANDIT_OK:
        raise ScanFailure(f"bandit exited with {outcome.exit_code}")
    findings, unparsed = parse_bandit(report, run.project)
    fingerprint_code(findings, run.project)
    if run.update_baseline:
        write_text(path, report_path.read_text(encoding="utf-8"))
        entries = load_baseline(path, shown, run.project)
    if use_baseline:
        findings, result.suppressed = split_by_baseline(findings, entries, shown)
    result.findings = findings
    result.status = "failed" if findings else "passed"
    if unparsed:
        result.reason = f"bandit could not parse {len(unparsed)} file(s): {', '.join(unparsed[:5])}"
    return result


def _targets(run: ScanRun) -> list[str]:
    configured = run.settings.source
    for target in configured:
        if not run.project_path(target).exists():
            raise ScanFailure(f"[tool.qa.security] source {target!r} does not exist in {run.project}")
    return list(configured) or code_folders(run.config)


def _baseline_location(run: ScanRun) -> tuple[Path, str]:
    """The baseline file and its name as shown: the configured one, else the default name."""
    shown = run.settings.baseline or DEFAULT_BASELINE
    return run.project_path(shown), shown


def _command(run: ScanRun, targets: list[str], report: Path) -> list[str]:
    settings = run.settings
    command = [sys.executable, "-m", "bandit", "-r", *targets, "-f", "json", "-o", str(report.resolve()), "-q",
               "--severity-level", settings.severity, "--confidence-level", settings.confidence]
    if settings.exclude:
        command += ["-x", ",".join(settings.exclude)]
    if _has_bandit_table(run.project / "pyproject.toml"):
        command += ["-c", "pyproject.toml"]
    return command


def _has_bandit_table(pyproject: Path) -> bool:
    """Projects that configure bandit in pyproject.toml (skips, tests) get that configuration honoured."""
    try:
        tool = read_toml(pyproject).get("tool", {})
    except (OSError, QaError):
        return False
    return isinstance(tool, dict) and isinstance(tool.get("bandit"), dict)


def parse_bandit(report: Any, project: Path) -> tuple[list[Finding], list[str]]:
    """Findings and the files bandit could not parse, from bandit's JSON report."""
    if not isinstance(report, dict) or not isinstance(report.get("results"), list):
        raise ScanFailure("bandit's report has no `results` list")
    findings = [_finding(item, project) for item in report["results"] if isinstance(item, dict)]
    errors = report.get("errors") if isinstance(report.get("errors"), list) else []
    unparsed = [relative(str(e.get("filename", "?")), project) for e in errors if isinstance(e, dict)]
    return findings, unparsed


def _finding(item: dict[str, Any], project: Path) -> Finding:
    cwe = item.get("issue_cwe")
    cwe_id = cwe.get("id") if isinstance(cwe, dict) else None
    line = item.get("line_number")
    rule = str(item.get("test_id", "B000"))
    return Finding(
        tool="bandit",
        rule=rule,
        severity=SEVERITIES.get(str(item.get("issue_severity", "")).upper(), "low"),  # type: ignore[arg-type]
        message=redact(rule, str(item.get("issue_text", ""))),
        confidence=str(item.get("issue_confidence", "")).lower() or None,
        file=relative(str(item.get("filename", "")), project),
        line=line if isinstance(line, int) else None,
        cwe=f"CWE-{cwe_id}" if isinstance(cwe_id, int) and cwe_id else None,
        url=item.get("more_info") if isinstance(item.get("more_info"), str) else None,
    )
