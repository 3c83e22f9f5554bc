"""File helpers: writes that never leave a half-written file, reads with a size limit."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename, so readers see old or new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        Path(tmp).chmod(_new_file_mode())  # mkstemp makes 0600; give the file the mode open() would
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise InputError(f"{path}: {size:,} bytes is over the {limit:,}-byte limit for this file")


def read_limited(path: Path, limit: int) -> str:
    """Read a UTF-8 text file, refusing files over `limit` bytes with a clear error."""
    check_size(path, limit)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_json(path: Path, limit: int) -> Any:
    """Parse a JSON file of at most `limit` bytes; malformed content is an InputError naming the file."""
    try:
        return json.loads(read_limited(path, limit))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
