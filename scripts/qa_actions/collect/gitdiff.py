"""The lines a change added or modified, from `git diff --unified=0`.

Hunk bodies are consumed by their counts, so an added line that itself starts with `++ ` is never
taken for a file header; quoted paths (non-ASCII, quotes, control characters) are decoded as git
encodes them.
"""

from __future__ import annotations

import re

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPE = re.compile(r'\\([0-7]{3}|[abtnvfr"\\])')
_SIMPLE_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
NEW_PREFIX = "b/"


def added_lines(diff: str) -> dict[str, set[int]]:
    """Path in the new tree -> line numbers added or changed there (deleted files are left out)."""
    files: dict[str, set[int]] = {}
    current: str | None = None
    lines = diff.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("diff --git "):
            current = None
        elif line.startswith("+++ "):
            current = _new_path(line[4:])
        elif (hunk := _HUNK.match(line)) is not None:
            old_count = int(hunk[1]) if hunk[1] is not None else 1
            start, new_count = int(hunk[2]), int(hunk[3]) if hunk[3] is not None else 1
            if current is not None and new_count:
                files.setdefault(current, set()).update(range(start, start + new_count))
            index += _hunk_length(lines, index, old_count, new_count)
    return files


def _hunk_length(lines: list[str], index: int, old_count: int, new_count: int) -> int:
    """How many lines after the header belong to the hunk (`\\ No newline` notes included)."""
    taken = 0
    while (old_count > 0 or new_count > 0) and index + taken < len(lines):
        kind = lines[index + taken][:1]
        taken += 1
        if kind in ("-", " "):
            old_count -= 1
        if kind in ("+", " "):
            new_count -= 1
    while index + taken < len(lines) and lines[index + taken].startswith("\\"):
        taken += 1
    return taken


def _new_path(target: str) -> str | None:
    target = target.rstrip("\t")  # git ends a path holding spaces with a tab
    if target == "/dev/null":
        return None
    path = unquote_path(target)
    return path[len(NEW_PREFIX):] if path.startswith(NEW_PREFIX) else path


def unquote_path(path: str) -> str:
    """Undo git's C-style quoting of unusual paths (octal escapes are UTF-8 bytes)."""
    if not (len(path) >= 2 and path.startswith('"') and path.endswith('"')):
        return path

    def byte(match: re.Match[str]) -> str:
        code = match[1]
        return chr(int(code, 8) if len(code) == 3 else _SIMPLE_ESCAPES[code])

    return _ESCAPE.sub(byte, path[1:-1]).encode("latin-1", "replace").decode("utf-8", "replace")
