"""Turn parsed TOML or JSON tables into typed dataclasses, naming the key of any wrong value.

Config dataclasses (strict: unknown keys are errors, kebab-case keys) and the results model
(lenient: newer writers may add keys, snake_case keys) both load through here, so every file
gets the same checks and the same error messages.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import ConfigError, QaError

T = TypeVar("T")

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               date: "a date (YYYY-MM-DD)"}


def toml_key(field_name: str) -> str:
    return field_name.replace("_", "-")


def same_key(field_name: str) -> str:
    return field_name


@dataclass(frozen=True)
class Rules:
    """How strictly to read a file: the key spelling, unknown keys, and the error to raise."""

    source: Path
    key: Callable[[str], str] = toml_key
    strict: bool = True
    error: type[QaError] = ConfigError

    def fail(self, message: str) -> QaError:
        return self.error(f"{self.source}: {message}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's field types, evaluated once: the evaluation costs more than the rest of loading."""
    return get_type_hints(cls)


def build(cls: type[T], table: Any, where: str, rules: Rules) -> T:
    """Build dataclass `cls` from `table`; `where` is the dotted key path used in errors."""
    if not isinstance(table, dict):
        raise rules.fail(f"`{where}` must be a table, not {_describe(table)}")
    fields = {rules.key(f.name): f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    unknown = [key for key in table if key not in fields]
    if unknown and rules.strict:
        key = unknown[0]
        close = difflib.get_close_matches(key, fields, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else f"; known keys: {', '.join(sorted(fields))}"
        raise rules.fail(f"unknown key `{where}.{key}`{hint}")
    missing = [
        key for key, f in fields.items()
        if key not in table and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise rules.fail(f"`{where}` is missing the key `{missing[0]}`")
    hints = _hints(cls)
    values = {
        f.name: convert(hints[f.name], table[key], f"{where}.{key}", rules)
        for key, f in fields.items()
        if key in table
    }
    try:
        return cls(**values)
    except ValueError as exc:
        raise rules.fail(f"`{where}`: {exc}") from None


def convert(hint: Any, value: Any, where: str, rules: Rules) -> Any:
    """Check `value` against the type `hint`, returning the converted value."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _convert_union(hint, value, where, rules)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise rules.fail(f"`{where}` must be {_name(hint)}, not {value!r}")
        return value
    if origin is list:
        if not isinstance(value, list):
            raise rules.fail(f"`{where}` must be a list, not {_describe(value)}")
        (item,) = get_args(hint)
        return [convert(item, v, f"{where}[{i}]", rules) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise rules.fail(f"`{where}` must be a table, not {_describe(value)}")
        _, item = get_args(hint)
        return {k: convert(item, v, f"{where}.{k}", rules) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return build(hint, value, where, rules)  # type: ignore[arg-type]
    return _convert_scalar(hint, value, where, rules)


def _convert_union(hint: Any, value: Any, where: str, rules: Rules) -> Any:
    options = [o for o in get_args(hint) if o is not type(None)]
    if value is None and len(options) < len(get_args(hint)):
        return None
    if len(options) == 1:
        return convert(options[0], value, where, rules)
    for option in options:
        try:
            return convert(option, value, where, rules)
        except QaError:
            continue
    names = " or ".join(_name(o) for o in options)
    raise rules.fail(f"`{where}` must be {names}, not {_describe(value)}")


def _convert_scalar(hint: Any, value: Any, where: str, rules: Rules) -> Any:
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float) and isinstance(value, bool):
        raise rules.fail(f"`{where}` must be {_name(hint)}, not {_describe(value)}")
    if hint is Any or isinstance(value, hint):
        return value
    raise rules.fail(f"`{where}` must be {_name(hint)}, not {_describe(value)}")


def _name(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is Literal:
        return " | ".join(repr(a) for a in get_args(hint))
    if origin is None:
        return _TYPE_NAMES.get(hint, getattr(hint, "__name__", str(hint)))
    return {list: "a list", dict: "a table"}.get(origin, str(hint))


def _describe(value: Any) -> str:
    kind = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if isinstance(value, bool | int | float | str) else kind
