"""Bandit baselines: a bandit JSON report of the findings a project has accepted.

A finding matches a baseline entry with the same file, rule, text, severity and confidence, at
the same line first and anywhere in the file second (code moves). Unlike bandit's own `-b`,
each entry absorbs one finding, so a second copy of an accepted call is still reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..model import Finding
from .redaction import redact
from .tools import ScanFailure, read_json_or_fail, relative

MAX_BASELINE_BYTES = 64 * 1024 * 1024
DEFAULT_BASELINE = ".bandit-baseline.json"
_FIELDS = ("filename", "test_id", "issue_text", "issue_severity", "issue_confidence")


@dataclass(frozen=True)
class Entry:
    file: str
    rule: str
    text: str
    severity: str
    confidence: str
    line: int | None


def _key(file: str, rule: str, text: str, severity: str, confidence: str | None) -> tuple[str, ...]:
    return file, rule, " ".join(text.split()), severity.lower(), (confidence or "").lower()


def load_baseline(path: Path, shown: str, project: Path) -> list[Entry]:
    """The entries of a bandit JSON report (paths relative to `project`); anything else is a scan error."""
    if not path.is_file():
        raise ScanFailure(f"bandit baseline {shown} not found "
                          "(write one with `qa scan --only bandit --update-baseline`)")
    data = read_json_or_fail(path, MAX_BASELINE_BYTES, f"bandit baseline {shown} is not a bandit JSON report")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ScanFailure(f"bandit baseline {shown} is not a bandit JSON report: it has no `results` list")
    entries = []
    for index, item in enumerate(results):
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in _FIELDS):
            raise ScanFailure(f"bandit baseline {shown}: results[{index}] lacks one of {', '.join(_FIELDS)}")
        line = item.get("line_number")
        entries.append(Entry(relative(item["filename"], project), item["test_id"],
                             redact(item["test_id"], item["issue_text"]),
                             item["issue_severity"], item["issue_confidence"],
                             line if isinstance(line, int) else None))
    return entries


def split_by_baseline(findings: list[Finding], entries: list[Entry], shown: str) -> tuple[list[Finding],
                                                                                       list[Finding]]:
    """(open, suppressed): each baseline entry accepts at most one finding."""
    pool: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
    for entry in entries:
        pool[_key(entry.file, entry.rule, entry.text, entry.severity, entry.confidence)].append(entry)
    keys = [_key(f.file or "", f.rule, f.message, f.severity, f.confidence) for f in findings]
    matched: set[int] = set()
    for exact in (True, False):
        for index, (finding, key) in enumerate(zip(findings, keys, strict=True)):
            candidates = pool.get(key)
            if index in matched or not candidates:
                continue
            entry = next((e for e in candidates if e.line == finding.line), None) if exact else candidates[0]
            if entry is not None:
                candidates.remove(entry)
                matched.add(index)
                finding.suppression = f"in the bandit baseline {shown}"
    open_ = [f for i, f in enumerate(findings) if i not in matched]
    return open_, [f for i, f in enumerate(findings) if i in matched]
