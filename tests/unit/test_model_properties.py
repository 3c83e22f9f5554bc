"""Property: no results.json makes `load_results` raise anything but InputError, and whatever it
accepts is plain data: it writes back as strict JSON with finite numbers and 64-bit integers (what
SQLite, the renderers and other JSON readers can hold) and reads again."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hostile_values import READERS, json_text, json_values, mutate, odd_numbers, scalars, value_paths
from hypothesis import given
from hypothesis import strategies as st
from sample_results import failing_run

from qa_actions.errors import InputError
from qa_actions.model import load_results, save_results

VALID = failing_run().to_dict()
PATHS = value_paths(VALID)

def leaf(path: tuple[Any, ...]) -> Any:
    value: Any = VALID
    for key in path:
        value = value[key]
    return value


NUMBER_PATHS = [p for p in PATHS if isinstance(leaf(p), int | float) and not isinstance(leaf(p), bool)]
where_to_change = st.sampled_from(NUMBER_PATHS) | st.sampled_from(PATHS)
new_values = odd_numbers | scalars | json_values


def assert_plain(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)
    elif isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, int):
        assert -(2**63) <= value < 2**63


def load_or_refuse(path: Path) -> None:
    try:
        run = load_results(path)
    except InputError:
        return
    save_results(run, path)

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} written to results.json")

    assert_plain(json.loads(path.read_text(), parse_constant=refuse))
    load_results(path)


@READERS
@given(data=st.binary(max_size=300))
def test_any_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "results.json"
    path.write_bytes(data)
    load_or_refuse(path)


@READERS
@given(value=json_values)
def test_any_json(tmp_path: Path, value: object) -> None:
    path = tmp_path / "results.json"
    path.write_text(json_text(value))
    load_or_refuse(path)


@READERS
@given(where=where_to_change, value=new_values)
def test_a_valid_results_file_with_one_value_changed(tmp_path: Path, where: tuple, value: object) -> None:
    path = tmp_path / "results.json"
    path.write_text(json_text(mutate(VALID, list(where), value)))
    load_or_refuse(path)
