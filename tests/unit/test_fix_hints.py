"""Each fix hint that names a `[tool.qa…]` key names one the configuration takes: a hint that sends a
user to a key that does not exist is worse than none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa_actions.categories import FIX_HINTS, fix_hint
from qa_actions.config import load_config

VALUES = {"coverage": "50", "tier-timeout": "100", "paths": '["tests"]', "markers": '["unit"]',
          "allow-empty": "true", "changed-lines-coverage": "70", "select": "\"all\""}
NAMED = re.compile(r"\[tool\.qa(?:\.tiers\.(\{source\}))?\] ([a-z-]+)")


def named_keys() -> list[tuple[str, bool, str]]:
    return [(code, bool(tier), key) for code, hint in FIX_HINTS.items() for tier, key in NAMED.findall(hint)]


@pytest.mark.parametrize(("code", "in_tier", "key"), named_keys())
def test_a_key_a_hint_names_is_taken(tmp_path: Path, code: str, in_tier: bool, key: str) -> None:
    (tmp_path / "tests").mkdir()
    table = "[tool.qa.tiers.unit]" if in_tier else "[tool.qa]"
    project = f'[project]\nname = "p"\nversion = "0"\n\n{table}\n{key} = {VALUES[key]}\n'
    (tmp_path / "pyproject.toml").write_text(project)
    load_config(tmp_path)  # raises on an unknown key


def test_hints_name_the_tier_they_are_about() -> None:
    hint = fix_hint("coverage-gate", "unit")
    assert hint == "add tests for the code they miss, or lower [tool.qa.tiers.unit] coverage"
    assert len(named_keys()) >= 4
