"""Hypothesis strategies for the property tests of qa's readers: JSON-, TOML- and XML-shaped input,
valid and odd, and ways to write it to a file."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# no example database (the suite runs without a cache), no deadline (the machine is shared)
READERS = settings(max_examples=150, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

odd_numbers = st.sampled_from([math.nan, math.inf, -math.inf, 10**30, -(10**30), 2**63, 1e308, -0.0, 0.5, -1])
numbers = st.integers() | st.floats() | odd_numbers
texts = st.text(st.characters(codec="utf-8"), max_size=30)
scalars = st.none() | st.booleans() | numbers | texts
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=12), inner, max_size=4),
                           max_leaves=25)


def json_text(value: Any) -> str:
    """JSON as a careless writer makes it: NaN and Infinity allowed."""
    return json.dumps(value, allow_nan=True)


def mutate(base: Any, path: list[Any], value: Any) -> Any:
    """`base` with the value at `path` (keys and indexes, as far as they lead) replaced by `value`."""
    if not path:
        return value
    key, rest = path[0], path[1:]
    if isinstance(base, dict) and base:
        key = sorted(base)[key % len(base)] if isinstance(key, int) else key
        return {**base, key: mutate(base.get(key), rest, value)}
    if isinstance(base, list) and base and isinstance(key, int):
        copy = list(base)
        copy[key % len(copy)] = mutate(copy[key % len(copy)], rest, value)
        return copy
    return value


paths = st.lists(st.integers(min_value=0, max_value=20) | st.text(st.characters(codec="utf-8"), max_size=8), max_size=5)


def toml_value(value: Any) -> str:
    """A TOML literal for a JSON-like value (inline tables and arrays; nan and inf as TOML spells them)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()) + "}"


def value_paths(base: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside `base`, containers and leaves, for `mutate` to replace one."""
    found = [prefix]
    if isinstance(base, dict):
        for key in sorted(base):
            found += value_paths(base[key], (*prefix, key))
    elif isinstance(base, list):
        for index, item in enumerate(base):
            found += value_paths(item, (*prefix, index))
    return found
