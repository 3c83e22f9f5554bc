"""`[tool.qa]` configuration: defaults for the five tiers, overridden from the project's pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .categories import KNOWN_CODES, Category
from .data.rules import DataConfig
from .environments import DEFAULT_ENVIRONMENT, EnvironmentConfig
from .errors import ConfigError
from .history.settings import HistoryConfig
from .report_config import ReportConfig
from .schema import Rules, build
from .security.settings import SecurityConfig

DEFAULT_TIERS: dict[str, dict[str, Any]] = {
    "unit": {"coverage": 80, "timeout": 60},
    "integration": {"coverage": 60},
    "chaos": {"experiments": [f"tests/chaos/experiments/*.{ext}" for ext in ("json", "yaml", "yml")]},
    "acid": {},
    "smoke": {},
    "load": {"kind": "load", "enabled": False},
}

TierKind = Literal["pytest", "load"]
RollbackStrategy = Literal["default", "always", "never", "deviated"]

# keys that mean something for one kind of tier only; setting one on the other kind is an error
PYTEST_KEYS = frozenset({"markers", "coverage", "branch", "timeout", "source", "pytest-args", "experiments",
                         "rollback-strategy", "workers", "durations"})
LOAD_KEYS = frozenset({"host", "start", "ready", "ready-timeout", "users", "spawn-rate", "run-time", "p95-ms",
                       "fail-ratio", "rps-min", "locust-args"})


@dataclass
class TierConfig:
    """One test tier: pytest tests (plus chaostoolkit experiments), or a locust load test (`kind = "load"`)."""

    paths: list[str]
    kind: TierKind = "pytest"
    enabled: bool = True
    tier_timeout: float = 1800
    # kind = "pytest"
    markers: str | None = None
    coverage: float | bool = False
    branch: bool = False
    timeout: float | bool = 300
    source: list[str] = field(default_factory=list)
    pytest_args: list[str] = field(default_factory=list)
    reruns: int = 0
    quarantine: list[str] = field(default_factory=list)
    workers: int | str = 1
    durations: str | None = None
    experiments: list[str] = field(default_factory=list)
    rollback_strategy: RollbackStrategy = "always"
    # kind = "load"
    host: str | None = None
    start: list[str] | str | None = None
    ready: str | None = None
    ready_timeout: float = 30
    users: int = 10
    spawn_rate: float = 10
    run_time: int = 30
    p95_ms: float | bool = False
    fail_ratio: float | bool = 0.01
    rps_min: float | bool = False
    locust_args: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._check_pytest_keys()
        self._check_load_keys()

    def _check_pytest_keys(self) -> None:
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
        if self.reruns < 0:
            raise ValueError("`reruns` must be 0 (no reruns) or more")
        if self.workers != "auto" and (isinstance(self.workers, str) or self.workers < 1):
            raise ValueError("`workers` takes a number of processes (1: no pytest-xdist) or \"auto\" (one per CPU)")
        if any(Path(pattern).is_absolute() or ".." in Path(pattern).parts for pattern in self.experiments):
            raise ValueError("`experiments` takes glob patterns relative to the project, such as "
                             '"tests/chaos/experiments/*.json"')

    def _check_load_keys(self) -> None:
        if self.users < 1 or self.spawn_rate <= 0:
            raise ValueError("`users` must be at least 1 and `spawn-rate` a positive number")
        if self.run_time < 1:
            raise ValueError("`run-time` takes a whole number of seconds, at least 1")
        if self.ready_timeout <= 0:
            raise ValueError("`ready-timeout` must be a positive number of seconds")
        for key, value in (("p95-ms", self.p95_ms), ("rps-min", self.rps_min)):
            if value is True or (not isinstance(value, bool) and value <= 0):
                raise ValueError(f"`{key}` takes a positive number or false")
        if self.fail_ratio is True or (not isinstance(self.fail_ratio, bool) and not 0 <= self.fail_ratio <= 1):
            raise ValueError("`fail-ratio` takes a ratio between 0 and 1 (0.01 = 1 %) or false")
        if self.start == [] or self.start == "":
            raise ValueError("`start` takes a command (a list of arguments, or one string split like a shell)")

    @property
    def coverage_gate(self) -> float | None:
        """Minimum line coverage in percent, or None when this tier measures no coverage."""
        return None if self.coverage is False else float(self.coverage)

    @property
    def test_timeout(self) -> float | None:
        return None if self.timeout is False else float(self.timeout)

    def threshold(self, value: float | bool) -> float | None:
        """A load threshold as a number, or None when it is switched off (`false`)."""
        return None if value is False else float(value)


@dataclass
class QaConfig:
    """The whole `[tool.qa]` table; `project` and `source` say where it came from."""

    tiers: dict[str, TierConfig] = field(default_factory=dict)
    results_dir: str = "qa-results"
    errors_dir: str = ".errors"
    python: str | None = None
    fail_on: Category = "medium"
    categories: dict[str, Category] = field(default_factory=dict)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    environment: str = DEFAULT_ENVIRONMENT
    environments: dict[str, EnvironmentConfig] = field(default_factory=dict)
    data: DataConfig = field(default_factory=DataConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    changed_lines_coverage: float | bool = 80  # minimum coverage of the lines a change touched; false = off
    report: ReportConfig = field(default_factory=ReportConfig)
    project: Path = field(default=Path(), init=False)
    source: Path = field(default=Path("pyproject.toml"), init=False)

    def __post_init__(self) -> None:
        gate = self.changed_lines_coverage
        if gate is True or (not isinstance(gate, bool) and not 0 <= gate <= 100):
            raise ValueError("`changed-lines-coverage` takes a percentage between 0 and 100, or false")

    @property
    def changed_lines_gate(self) -> float | None:
        return None if self.changed_lines_coverage is False else float(self.changed_lines_coverage)

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

    def quarantine(self) -> dict[str, list[str]]:
        """Each tier's quarantined test patterns, for `evaluate`."""
        return {name: tier.quarantine for name, tier in self.tiers.items() if tier.quarantine}


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
    config.tiers = {}
    for name in {**DEFAULT_TIERS, **user_tiers}:
        table = _tier_table(name, user_tiers.get(name, {}))
        config.tiers[name] = tier = build(TierConfig, table, f"tool.qa.tiers.{name}", rules)
        _check_kind_keys(name, tier, user_tiers.get(name, {}), source)
    for key in config.categories:
        code = key.rsplit(".", 1)[-1]
        if code not in KNOWN_CODES:
            raise ConfigError(
                f"{source}: unknown problem code in `tool.qa.categories.{key}`; known codes: "
                + ", ".join(sorted(KNOWN_CODES))
            )
    return config


def _check_kind_keys(name: str, tier: TierConfig, user: dict[str, Any], source: Path) -> None:
    """A key of the other kind of tier is a mistake worth naming (a threshold on a pytest tier does nothing)."""
    wrong = sorted(set(user) & (PYTEST_KEYS if tier.kind == "load" else LOAD_KEYS))
    if wrong:
        other = "pytest" if tier.kind == "load" else "load"
        raise ConfigError(f"{source}: `tool.qa.tiers.{name}.{wrong[0]}` applies to tiers with kind = \"{other}\","
                          f" and this tier's kind is \"{tier.kind}\"")


def _tier_table(name: str, user: Any) -> Any:
    if not isinstance(user, dict):
        return user
    return {"paths": [f"tests/{name}"], **DEFAULT_TIERS.get(name, {}), **user}
