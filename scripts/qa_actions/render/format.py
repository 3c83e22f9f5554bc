"""Small formatting helpers shared by every renderer."""

from __future__ import annotations

from ..model import ChangedLinesResult, CoverageResult, RunResult, TierResult
from ..text import one_line

SELECTION_CHARS = 1000  # of a tier's selection line


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


def selection_lines(run: RunResult) -> list[str]:
    """What test-impact selection ran in each tier that selects (see `selection_line`)."""
    return [line for name, tier in run.tiers.items() if (line := selection_line(name, tier)) is not None]


def selection_line(name: str, tier: TierResult) -> str | None:
    """`unit: ran 41 of 612 unit tests: 37 affected by 3 changed functions, 4 new; coverage: 93 blocks
    carried forward from abc1234, 4 measured now`; None for a tier that does not select."""
    chosen = tier.selection
    if chosen is None:
        return None
    text = f"{name}: {chosen.explanation}"
    if chosen.mode == "selected" and chosen.map_commit:
        where = f" on {chosen.map_branch}" if chosen.map_branch else ""
        verdict = f", which {chosen.map_verdict}" if chosen.map_verdict in ("passed", "failed") else ""
        text += f" (map of the full run{where} at {chosen.map_commit[:7]}{verdict})"
    carried = chosen.coverage
    if carried is not None:
        text += (f"; coverage: {carried.carried_blocks} unchanged blocks carried forward from "
                 f"{(carried.base_commit or 'the map')[:7]}, {carried.measured_blocks} measured now")
    return one_line(text, SELECTION_CHARS)  # a tier.json says what it likes: one line, of bounded length
