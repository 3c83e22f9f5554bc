"""Coverage per tier from coverage.py's JSON report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fsutil import read_json
from ..model import CoverageResult

MAX_COVERAGE_BYTES = 1024**3


def read_coverage(path: Path, gate: float | None) -> CoverageResult:
    """The totals of a coverage.py JSON report, with the tier's gate attached."""
    try:
        data = read_json(path, MAX_COVERAGE_BYTES)
        totals = data["totals"]
        return CoverageResult(
            percent=round(float(totals["percent_covered"]), 2),
            gate=gate,
            covered_lines=int(totals["covered_lines"]),
            num_statements=int(totals["num_statements"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: not a coverage.py JSON report (missing or bad {exc})") from None


@dataclass
class FileLines:
    """Which lines of one file are statements, and which of them ran."""

    statements: set[int] = field(default_factory=set)
    executed: set[int] = field(default_factory=set)

    def add(self, other: FileLines) -> None:
        self.statements |= other.statements
        self.executed |= other.executed


def read_line_coverage(path: Path) -> dict[str, FileLines]:
    """Per-file executed and missing lines of a coverage.py JSON report (file names as written)."""
    try:
        data = read_json(path, MAX_COVERAGE_BYTES)
        files = data["files"]
        if not isinstance(files, dict):
            raise TypeError("files")
        result = {}
        for name, entry in files.items():
            executed = {int(n) for n in entry["executed_lines"]}
            result[str(name)] = FileLines(executed | {int(n) for n in entry["missing_lines"]}, executed)
        return result
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: not a coverage.py JSON report (missing or bad {exc})") from None
