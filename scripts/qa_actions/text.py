"""Small text helpers every stage uses: clipping, whitespace, plurals, durations. One copy each."""

from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut marked with an ellipsis at the end."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def clip_start(text: str, limit: int) -> str:
    """`text` cut to its last `limit` characters (where a traceback's failure is), marked at the start."""
    return text if len(text) <= limit else ELLIPSIS + text[-(limit - 1):]


def one_line(text: str, limit: int | None = None) -> str:
    """Whitespace collapsed; clipped to `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if limit is None else clip(text, limit)


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 test`, `2 tests`; `many` for words whose plural is not word + s."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def duration(seconds: float) -> str:
    """`4.7s`, `2m05s`, `1h03m`."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
