"""Small formatting helpers shared by every renderer."""

from __future__ import annotations

from ..model import ChangedLinesResult, CoverageResult


def coverage(result: CoverageResult | None) -> str:
    """`91.30% (gate 80%)`, or `—` when the tier measures no coverage."""
    if result is None:
        return "—"
    if result.percent is None:
        return f"missing (gate {result.gate:g}%)"
    text = f"{result.percent:.2f}%"
    return text if result.gate is None else f"{text} (gate {result.gate:g}%)"


def changed_lines(result: ChangedLinesResult | None) -> str | None:
    """`75.00% of 16 lines (gate 80%) ✗`; None when there is nothing to say (gate off, nothing to compare)."""
    if result is None or result.status == "skipped":
        return None
    if result.status == "unavailable":
        return f"not measured: {result.reason}"
    if result.percent is None:
        return "no changed line is measured by coverage"
    text = f"{result.percent:.2f}% of {result.statements} lines"
    if result.gate is not None:
        text += f" (gate {result.gate:g}%)"
    return text if result.meets_gate else text + " ✗"
