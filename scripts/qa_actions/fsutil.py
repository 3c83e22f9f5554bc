"""File helpers: writes that never leave a half-written file, reads with a size limit.

Every JSON or TOML file qa reads may come from an artifact a pull request produced, so the readers
here turn any odd value into one clear error naming the file instead of a traceback later:
`NaN`/`Infinity` and numbers that overflow to infinity (`1e999`), integers outside 64 bits (and so
the 4,300-digit limit of int()), nesting deeper than MAX_DEPTH (RecursionError), text that is not
UTF-8. What is left is plain data that any later stage can compute with, store in SQLite and print.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError, QaError

MAX_DEPTH = 64  # results.json needs 8; a chaos journal's probe output gets the rest
MAX_INT = 2**63 - 1  # what SQLite and every JSON reader elsewhere can hold
MAX_TOML_BYTES = 16 * 1024 * 1024
_TOO_MANY_DIGITS = f"an integer outside 64 bits (more than {sys.get_int_max_str_digits():,} digits)"


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
    """Parse a JSON file of at most `limit` bytes; malformed or odd content is an InputError naming it."""
    return parse_json(read_limited(path, limit), path)


class _OddValue(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _OddValue(f"{name} is not a number JSON allows")


def parse_json(text: str, source: Path | str) -> Any:
    """JSON `text` from `source` as plain, finite, shallow data (see the module's docstring)."""
    with _refusing(source, InputError, json.JSONDecodeError, _OddValue, kind="JSON"):
        data = json.loads(text, parse_constant=_refuse_constant)
    check_plain(data, source, InputError)
    return data


@contextlib.contextmanager
def _refusing(source: Path | str, error: type[QaError], *invalid: type[Exception], kind: str) -> Iterator[None]:
    """What a parser raises on hostile text, as one `error` naming `source`: `invalid` (its own syntax
    errors), too many digits for an int (ValueError) and nesting past the recursion limit."""
    try:
        yield
    except invalid as exc:
        raise error(f"{source}: not valid {kind}: {exc}") from None
    except ValueError:  # int() past sys.get_int_max_str_digits()
        raise error(f"{source}: refused: {_TOO_MANY_DIGITS}") from None
    except RecursionError:
        raise error(f"{source}: refused: values nested more than {MAX_DEPTH} deep") from None


def read_toml(path: Path, limit: int = MAX_TOML_BYTES, error: type[QaError] = ConfigError) -> dict[str, Any]:
    """A TOML file of at most `limit` bytes, with the checks of `parse_json`; bad content raises `error`."""
    try:
        check_size(path, limit)
        text = path.read_text(encoding="utf-8")
    except InputError as exc:
        raise error(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not valid TOML: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_toml(text, path, error)


def parse_toml(text: str, source: Path | str, error: type[QaError] = ConfigError) -> dict[str, Any]:
    """TOML text (from a file, or from git), with the checks of `parse_json`; bad content raises `error`."""
    with _refusing(source, error, tomllib.TOMLDecodeError, kind="TOML"):
        data = tomllib.loads(text)
    check_plain(data, source, error)
    return data


def check_plain(data: Any, source: Path | str, error: type[QaError]) -> None:
    """Refuse non-finite floats, integers outside 64 bits and nesting deeper than MAX_DEPTH."""
    stack: list[tuple[Any, int]] = [([data], 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(f"{source}: refused: values nested more than {MAX_DEPTH} deep")
        for item in value.values() if isinstance(value, dict) else value:
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1))
            elif kind is float and not math.isfinite(item):
                raise error(f"{source}: refused: a number that is not finite (NaN, Infinity, or too large for"
                            " a float, such as 1e999)")
            elif kind is int and not -MAX_INT - 1 <= item <= MAX_INT:
                raise error(f"{source}: refused: an integer outside 64 bits ({len(str(abs(item))):,} digits)")
