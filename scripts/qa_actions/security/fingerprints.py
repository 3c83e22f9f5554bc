"""Stable identities for findings, so the same finding is the same alert on every push.

Line numbers are left out on purpose: adding an import above a finding must not make it new.
A code finding is its rule, file and the text of its line (and which copy of that text it is);
a dependency finding is its advisory, package and the file that pins it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from ..model import Finding

SARIF_KEY = "qaFindingHash/v1"


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def fingerprint_code(findings: list[Finding], project: Path) -> None:
    """Fill `fingerprint` of code findings from the source line each points at."""
    sources: dict[str, list[str]] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    for finding in findings:
        file = finding.file or ""
        if file not in sources:
            sources[file] = _lines(project / file)
        lines = sources[file]
        text = lines[finding.line - 1] if finding.line and 0 < finding.line <= len(lines) else finding.message
        key = (finding.tool, finding.rule, file, " ".join(text.split()))
        seen[key] += 1
        finding.fingerprint = digest(*key, str(seen[key]))


def fingerprint_dependency(finding: Finding) -> None:
    finding.fingerprint = digest(finding.tool, finding.rule, (finding.package or "").lower(), finding.file or "")


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
