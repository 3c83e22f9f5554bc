"""Small formatting helpers shared by every renderer."""

from __future__ import annotations

from ..model import CoverageResult


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def coverage(result: CoverageResult | None) -> str:
    """`91.30% (gate 80%)`, or `—` when the tier measures no coverage."""
    if result is None:
        return "—"
    if result.percent is None:
        return f"missing (gate {result.gate:g}%)"
    text = f"{result.percent:.2f}%"
    return text if result.gate is None else f"{text} (gate {result.gate:g}%)"
