"""Property: no pyproject.toml makes `load_config` raise anything but our own errors (ConfigError)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hostile_values import READERS, json_values, odd_numbers, scalars, toml_value
from hypothesis import given
from hypothesis import strategies as st

from qa_actions.config.load import load_config
from qa_actions.errors import QaError

KEYS = {
    "tool.qa": ["results-dir", "fail-on", "changed-lines-coverage", "python", "environment", "x"],
    "tool.qa.tiers.unit": ["paths", "timeout", "coverage", "reruns", "workers", "markers", "kind", "users"],
    "tool.qa.security": ["severity", "exclude", "deps", "baseline"],
    "tool.qa.categories": ["test-failure", "unit.test-failure", "nope"],
    "tool.qa.history": ["window", "record", "keep-test-details"],
    "tool.qa.report": ["retries", "retry-backoff", "comment-mode"],
}
tables = st.sampled_from(sorted(KEYS))
ODD_LITERALS = ["9" * 5000, "[" * 3000 + "]" * 3000, "1e999", "-nan", "0x7fffffffffffffff1"]
literals = (odd_numbers | scalars | json_values).map(toml_value) | st.sampled_from(ODD_LITERALS)
entries = tables.flatmap(lambda table: st.tuples(st.just(table), st.sampled_from(KEYS[table]), literals))


def load_or_refuse(project: Path) -> None:
    with contextlib.suppress(QaError):
        load_config(project)


@READERS
@given(data=st.binary(max_size=300))
def test_any_bytes(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "pyproject.toml").write_bytes(data)
    load_or_refuse(tmp_path)


@READERS
@given(settings=st.lists(entries, max_size=4))
def test_any_values_for_known_keys(tmp_path: Path, settings: list[tuple[str, str, str]]) -> None:
    chosen: dict[str, dict[str, str]] = {}
    for table, key, literal in settings:
        chosen.setdefault(table, {})[key] = literal
    text = "".join(f"[{table}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items()) for table, keys in chosen.items())
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    load_or_refuse(tmp_path)
