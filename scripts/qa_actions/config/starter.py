"""`qa init`: the `[tool.qa]` that writes down what detection found, so the project's configuration says
what runs, with coverage gates that start where the project is (the measured coverage rounded down,
when it is under the default) so that adoption does not start red. Written into pyproject.toml with
tomlkit, which keeps the rest of the file, comments included, as it was."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..scrub import write_text
from . import QaConfig


def starter_tiers(config: QaConfig, measured: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """One table per enabled pytest tier: its paths, marker, arguments, source and coverage gate."""
    tables: dict[str, dict[str, Any]] = {}
    for name in config.enabled_tiers():
        tier = config.tiers[name]
        if tier.kind != "pytest":
            continue
        table: dict[str, Any] = {"paths": list(tier.paths)}
        if tier.markers:
            table["markers"] = tier.markers
        if tier.pytest_args:
            table["pytest-args"] = list(tier.pytest_args)
        # spelled out: a written table no longer gets what detection decided (no seed timeout outside its layout)
        table["timeout"] = False if tier.test_timeout is None else tier.test_timeout
        gate = tier.coverage_gate
        if gate is None:
            table["coverage"] = False
        else:
            table["source"] = list(tier.source or config.detection.source)
            percent = measured.get(name)
            table["coverage"] = math.floor(percent) if percent is not None and percent < gate else int(gate) \
                if float(gate).is_integer() else gate
        tables[name] = table
    return tables


def merged_pyproject(path: Path, tiers: dict[str, dict[str, Any]], force: bool) -> str:
    """pyproject.toml's text with `[tool.qa.tiers.*]` set to `tiers`; every other key kept. An existing
    `[tool.qa]` is only changed with `force`."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file() else tomlkit.document()
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    if "qa" in tool and not force:
        raise ConfigError(f"{path} already has [tool.qa]: `qa init --force` replaces its tiers, `--dry-run` shows them")
    qa = tool.setdefault("qa", tomlkit.table(is_super_table=True))
    section = qa.setdefault("tiers", tomlkit.table(is_super_table=True))
    for name, values in tiers.items():
        table = tomlkit.table()
        for key, value in values.items():
            table[key] = value
        section[name] = table
    return tomlkit.dumps(document)


def write_pyproject(path: Path, text: str) -> None:
    write_text(path, text)
