"""Coverage per tier from coverage.py's JSON report."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError
from .fsutil import read_limited
from .model import CoverageResult

MAX_COVERAGE_BYTES = 1024**3


def read_coverage(path: Path, gate: float | None) -> CoverageResult:
    """The totals of a coverage.py JSON report, with the tier's gate attached."""
    try:
        data = json.loads(read_limited(path, MAX_COVERAGE_BYTES))
        totals = data["totals"]
        return CoverageResult(
            percent=round(float(totals["percent_covered"]), 2),
            gate=gate,
            covered_lines=int(totals["covered_lines"]),
            num_statements=int(totals["num_statements"]),
        )
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: not a coverage.py JSON report (missing or bad {exc})") from None
