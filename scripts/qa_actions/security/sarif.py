"""One SARIF 2.1.0 log for a run's scans, in the shape GitHub code scanning ingests.

One `run` per tool; paths relative to the repository root; each result carries a stable
`partialFingerprints` entry so a finding keeps its alert across pushes. Baselined and ignored
findings are left out, so code scanning shows the same open findings the gate counts.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import Finding, ScanResult
from ..scrub import write_text
from ..text import one_line
from .fingerprints import SARIF_KEY

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_URIS = {
    "bandit": "https://bandit.readthedocs.io/",
    "safety": "https://docs.safetycli.com/",
    "pip-audit": "https://github.com/pypa/pip-audit",
}
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
# GitHub ranks alerts by `security-severity`: 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low
SECURITY_SEVERITY = {"high": "7.5", "medium": "5.0", "low": "2.0"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}


def build_sarif(scans: Iterable[ScanResult], prefix: str = "") -> dict[str, Any]:
    """The SARIF log of every scan that ran; `prefix` is the project's folder in its repository."""
    runs = [_run(scan, prefix) for scan in scans if scan.status != "skipped"]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}


def write_sarif(path: Path, scans: Iterable[ScanResult], prefix: str = "") -> Path:
    write_text(path, json.dumps(build_sarif(scans, prefix), indent=2) + "\n")
    return path


def _run(scan: ScanResult, prefix: str) -> dict[str, Any]:
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    results = []
    for finding in scan.findings:
        if finding.rule not in rules:
            rules[finding.rule] = len(descriptors)
            descriptors.append(_rule(finding))
        results.append(_result(finding, rules[finding.rule], prefix))
    driver: dict[str, Any] = {"name": scan.name, "informationUri": TOOL_URIS.get(scan.name, "https://github.com"),
                              "rules": descriptors}
    if scan.tool_version:
        driver["version"] = scan.tool_version
    invocation: dict[str, Any] = {"executionSuccessful": scan.status != "error"}
    if scan.status == "error":
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": scan.reason or "the scan could not run"}}]
    return {"tool": {"driver": driver}, "invocations": [invocation], "results": results}


def _rule(finding: Finding) -> dict[str, Any]:
    tags = ["security"]
    if finding.cwe:
        tags.append(f"external/cwe/{finding.cwe.lower()}")
    if finding.package:
        tags.append("dependency")
        short = f"Vulnerable dependency {finding.package}: {finding.cve or finding.rule}"
    else:
        short = f"{finding.rule}: {finding.message}"
    rule: dict[str, Any] = {
        "id": finding.rule,
        "shortDescription": {"text": one_line(short, 200)},
        "fullDescription": {"text": finding.message or short},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[finding.severity]},
    }
    if finding.confidence in PRECISION:
        rule["properties"]["precision"] = PRECISION[finding.confidence]
    if finding.url:
        rule["helpUri"] = finding.url
    return rule


def _result(finding: Finding, rule_index: int, prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.summary},
    }
    if finding.file:
        region = {"startLine": finding.line if finding.line and finding.line > 0 else 1}
        location = {"uri": posixpath.join(prefix, finding.file) if prefix else finding.file,
                    "uriBaseId": "%SRCROOT%"}
        result["locations"] = [{"physicalLocation": {"artifactLocation": location, "region": region}}]
    if finding.fingerprint:
        result["partialFingerprints"] = {SARIF_KEY: finding.fingerprint}
    properties = {k: v for k, v in (("confidence", finding.confidence), ("package", finding.package),
                                    ("version", finding.version), ("fixVersion", finding.fix_version)) if v}
    if properties:
        result["properties"] = properties
    return result

