"""`[tool.qa.tiers.<name>]`: one tier's table, the seed's tiers as defaults, and the keys each kind of tier takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError

DEFAULT_TIERS: dict[str, dict[str, Any]] = {
    "unit": {"coverage": 80, "timeout": 60},
    "integration": {"coverage": 60},
    "chaos": {"experiments": [f"tests/chaos/experiments/*.{ext}" for ext in ("json", "yaml", "yml")]},
    "acid": {},
    "smoke": {},
    "load": {"kind": "load", "enabled": False},
}

TierKind = Literal["pytest", "load", "external"]
RollbackStrategy = Literal["default", "always", "never", "deviated"]
Selection = Literal["all", "affected"]  # `affected`: test-impact selection on pull requests (docs/impact.md)

# keys that mean something for one kind of tier only; setting one on the other kind is an error
PYTEST_KEYS = frozenset({"markers", "coverage", "branch", "timeout", "source", "pytest-args", "experiments",
                         "rollback-strategy", "workers", "durations", "select"})
LOAD_KEYS = frozenset({"host", "start", "ready", "ready-timeout", "users", "spawn-rate", "run-time", "p95-ms",
                       "fail-ratio", "rps-min", "locust-args"})
EXTERNAL_KEYS = frozenset({"junit-files", "coverage-files"})
# the keys each kind takes (`coverage`, the gate, is shared by pytest and external tiers)
KIND_KEYS: dict[str, frozenset[str]] = {"pytest": PYTEST_KEYS, "load": LOAD_KEYS,
                                        "external": EXTERNAL_KEYS | {"coverage"}}


@dataclass
class TierConfig:
    """One test tier: pytest tests (plus chaostoolkit experiments), a locust load test (`kind = "load"`), or
    the reports another tool's test runner wrote (`kind = "external"`: JUnit XML, Cobertura or LCOV)."""

    paths: list[str]
    kind: TierKind = "pytest"
    enabled: bool = True
    allow_empty: bool = False  # a run that collects no tests is fine (else the problem `no-tests`)
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
    select: Selection = "all"
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
    # kind = "external": globs relative to the project, read by `qa collect`
    junit_files: list[str] = field(default_factory=list)
    coverage_files: list[str] = field(default_factory=list)
    # qa-actions' own secrets (GITHUB_TOKEN, SAFETY_API_KEY…) this tier's tests may see; none by default
    pass_env: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._check_pytest_keys()
        self._check_load_keys()
        self._check_external_keys()

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

    def _check_external_keys(self) -> None:
        if self.kind == "external" and not self.junit_files:
            raise ValueError('a tier with kind = "external" needs `junit-files`: globs of the JUnit XML reports'
                             ' its test runner writes, such as ["web/reports/junit*.xml"]')
        for key, patterns in (("junit-files", self.junit_files), ("coverage-files", self.coverage_files)):
            if any(not p or Path(p).is_absolute() or ".." in Path(p).parts for p in patterns):
                raise ValueError(f"`{key}` takes glob patterns relative to the project, such as"
                                 ' "web/reports/*.xml"')

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


def check_kind_keys(name: str, tier: TierConfig, user: dict[str, Any], source: Path) -> None:
    """A key of another kind of tier is a mistake worth naming (a threshold on a pytest tier does nothing)."""
    wrong = sorted((set(user) & frozenset().union(*KIND_KEYS.values())) - KIND_KEYS[tier.kind])
    if wrong:
        other = next(kind for kind, keys in KIND_KEYS.items() if wrong[0] in keys)
        raise ConfigError(f"{source}: `tool.qa.tiers.{name}.{wrong[0]}` applies to tiers with kind = \"{other}\","
                          f" and this tier's kind is \"{tier.kind}\"")


def tier_table(name: str, user: Any) -> Any:
    if not isinstance(user, dict):
        return user
    return {"paths": [f"tests/{name}"], **DEFAULT_TIERS.get(name, {}), **user}
