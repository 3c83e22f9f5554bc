"""Coverage per tier from coverage.py's JSON report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..fsutil import read_json
from ..model import CoverageResult

MAX_COVERAGE_BYTES = 1024**3
MAX_LINES = 10**12  # more statements than any code base has


def read_coverage(path: Path, gate: float | None) -> CoverageResult:
    """The totals of a coverage.py JSON report, with the tier's gate attached."""
    try:
        data = read_json(path, MAX_COVERAGE_BYTES)
        totals = data.get("totals") if isinstance(data, dict) else None
        if not isinstance(totals, dict):
            raise TypeError("`totals` is not a table")
        percent = float(totals["percent_covered"])
        if not 0 <= percent <= 100:
            raise ValueError(f"percent_covered {percent:g}")
        return CoverageResult(percent=round(percent, 2), gate=gate, covered_lines=_count(totals, "covered_lines"),
                              num_statements=_count(totals, "num_statements"))
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_a_report(path, exc) from None


def _count(totals: dict[str, object], key: str) -> int:
    value = totals[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_LINES:
        raise ValueError(f"{key} {value!r}")
    return int(value)


@dataclass
class FileLines:
    """Which lines of one file are statements, and which of them ran."""

    statements: set[int] = field(default_factory=set)
    executed: set[int] = field(default_factory=set)
    # (from line, to line) of a run measured with branches; `to` is negative for an exit from a function
    branches: set[tuple[int, int]] = field(default_factory=set)
    executed_branches: set[tuple[int, int]] = field(default_factory=set)

    def add(self, other: FileLines) -> None:
        self.statements |= other.statements
        self.executed |= other.executed
        self.branches |= other.branches
        self.executed_branches |= other.executed_branches


def read_line_coverage(path: Path) -> dict[str, FileLines]:
    """Per-file executed and missing lines of a coverage.py JSON report (file names as written)."""
    try:
        data = read_json(path, MAX_COVERAGE_BYTES)
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            raise TypeError("`files` is not a table")
        result = {}
        for name, entry in files.items():
            executed = {_line(n) for n in entry["executed_lines"]}
            taken = {_arc(a) for a in entry.get("executed_branches", ())}
            result[str(name)] = FileLines(executed | {_line(n) for n in entry["missing_lines"]}, executed,
                                          taken | {_arc(a) for a in entry.get("missing_branches", ())}, taken)
        return result
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_a_report(path, exc) from None


def _line(value: object) -> int:
    if type(value) is not int or not 0 <= value <= MAX_LINES:
        raise ValueError(f"line number {value!r}")
    return value


def _arc(value: object) -> tuple[int, int]:
    """A branch, `[from, to]`; `to` is negative where the branch leaves the function."""
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"branch {value!r}")
    start, end = value
    if type(end) is not int or abs(end) > MAX_LINES:
        raise ValueError(f"branch {value!r}")
    return _line(start), end


def _not_a_report(path: Path, exc: Exception) -> InputError:
    why = f"missing {exc}" if isinstance(exc, KeyError) else f"bad value: {exc}"
    return InputError(f"{path}: not a coverage.py JSON report ({why})")
