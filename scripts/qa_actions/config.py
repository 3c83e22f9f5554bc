"""`[tool.qa]` configuration: defaults for the five tiers, overridden from the project's pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .categories import KNOWN_CODES, Category
from .errors import ConfigError
from .schema import Rules, build

DEFAULT_TIERS: dict[str, dict[str, Any]] = {
    "unit": {"coverage": 80, "timeout": 60},
    "integration": {"coverage": 60},
    "chaos": {},
    "acid": {},
    "smoke": {},
}


@dataclass
class TierConfig:
    """One test tier: a folder of pytest tests with its own gate and limits."""

    paths: list[str]
    enabled: bool = True
    markers: str | None = None
    coverage: float | bool = False
    branch: bool = False
    timeout: float | bool = 300
    tier_timeout: float = 1800
    source: list[str] = field(default_factory=list)
    pytest_args: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.coverage is True:
            raise ValueError("`coverage` takes a minimum percentage or false")
        if isinstance(self.coverage, float | int) and not 0 <= self.coverage <= 100:
            raise ValueError("`coverage` must be between 0 and 100")
        if self.timeout is True or (not isinstance(self.timeout, bool) and self.timeout <= 0):
            raise ValueError("`timeout` takes seconds per test (a positive number) or false")
        if self.tier_timeout <= 0:
            raise ValueError("`tier-timeout` must be a positive number of seconds")
        if not self.paths:
            raise ValueError("`paths` must name at least one folder")

    @property
    def coverage_gate(self) -> float | None:
        """Minimum line coverage in percent, or None when this tier measures no coverage."""
        return None if self.coverage is False else float(self.coverage)

    @property
    def test_timeout(self) -> float | None:
        return None if self.timeout is False else float(self.timeout)


@dataclass
class QaConfig:
    """The whole `[tool.qa]` table; `project` and `source` say where it came from."""

    tiers: dict[str, TierConfig] = field(default_factory=dict)
    results_dir: str = "qa-results"
    errors_dir: str = ".errors"
    python: str | None = None
    fail_on: Category = "medium"
    categories: dict[str, Category] = field(default_factory=dict)
    project: Path = field(default=Path(), init=False)
    source: Path = field(default=Path("pyproject.toml"), init=False)

    def results_path(self, override: Path | None = None) -> Path:
        """The results folder: `override` (from --results) or `results-dir` inside the project."""
        return override if override is not None else self.project / self.results_dir

    @property
    def errors_path(self) -> Path:
        return self.project / self.errors_dir

    def enabled_tiers(self) -> list[str]:
        return [name for name, tier in self.tiers.items() if tier.enabled]

    def select_tiers(self, names: list[str] | None) -> list[str]:
        """The tiers a run covers: `names` if given (each must exist), else every enabled tier."""
        if not names:
            return self.enabled_tiers()
        unknown = [n for n in names if n not in self.tiers]
        if unknown:
            raise ConfigError(
                f"unknown tier `{unknown[0]}`; configured tiers: {', '.join(self.tiers)}"
                f" (add [tool.qa.tiers.{unknown[0]}] to {self.source})"
            )
        return names


def load_config(project: Path, fail_on: Category | None = None) -> QaConfig:
    """Read `[tool.qa]` from `project/pyproject.toml`; a missing file or table means all defaults.

    `fail_on` (from --fail-on or $QA_FAIL_ON) overrides the configured `fail-on`."""
    if not project.is_dir():
        raise ConfigError(f"project directory {project} does not exist")
    source = project / "pyproject.toml"
    table: dict[str, Any] = {}
    if source.is_file():
        try:
            document = tomllib.loads(source.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
        tool = document.get("tool", {})
        table = tool.get("qa", {}) if isinstance(tool, dict) else {}
    config = parse_config(table, project, source)
    if fail_on is not None:
        config.fail_on = fail_on
    return config


def parse_config(table: Any, project: Path, source: Path) -> QaConfig:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: `tool.qa` must be a table")
    table = dict(table)
    user_tiers = table.pop("tiers", {})
    if not isinstance(user_tiers, dict):
        raise ConfigError(f"{source}: `tool.qa.tiers` must be a table of tiers")
    rules = Rules(source)
    config = build(QaConfig, table, "tool.qa", rules)
    config.project, config.source = project, source
    config.tiers = {
        name: build(TierConfig, _tier_table(name, user_tiers.get(name, {})), f"tool.qa.tiers.{name}", rules)
        for name in {**DEFAULT_TIERS, **user_tiers}
    }
    for key in config.categories:
        code = key.rsplit(".", 1)[-1]
        if code not in KNOWN_CODES:
            raise ConfigError(
                f"{source}: unknown problem code in `tool.qa.categories.{key}`; known codes: "
                + ", ".join(sorted(KNOWN_CODES))
            )
    return config


def _tier_table(name: str, user: Any) -> Any:
    if not isinstance(user, dict):
        return user
    return {"paths": [f"tests/{name}"], **DEFAULT_TIERS.get(name, {}), **user}
