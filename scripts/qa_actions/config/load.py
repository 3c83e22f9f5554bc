"""`[tool.qa]` configuration: defaults for the five tiers, overridden from the project's pyproject.toml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..categories import KNOWN_CODES, Category
from ..errors import ConfigError
from ..fsutil import read_toml
from ..layout import ERRORS_DIR, RESULTS_DIR, TIER_NAME, TIER_NAME_RULE
from ..schema import Rules, build
from ..scrub import add_secret_names
from .data import DataConfig
from .detect import Detection
from .detect.pytest_config import PytestConfig, read_pytest_config
from .detect.source import coverage_chooses, detect_source, read_pyproject
from .detect.tests import UNIT, detect_tests
from .detect.tree import FileTree, Tree
from .environments import DEFAULT_ENVIRONMENT, EnvironmentConfig
from .history import HistoryConfig
from .report import ReportConfig
from .security import SecurityConfig
from .tiers import DEFAULT_TIERS, TierConfig, check_kind_keys, tier_table

FailOnFailures = Literal["any", "new"]


@dataclass
class QaConfig:
    """The whole `[tool.qa]` table; `project` and `source` say where it came from."""

    tiers: dict[str, TierConfig] = field(default_factory=dict)
    results_dir: str = RESULTS_DIR
    errors_dir: str = ERRORS_DIR
    python: str | None = None
    fail_on: Category = "medium"
    # `new`: a failing test that also fails in the base branch's latest run is reported, not gating
    fail_on_failures: FailOnFailures = "any"
    categories: dict[str, Category] = field(default_factory=dict)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    environment: str = DEFAULT_ENVIRONMENT
    environments: dict[str, EnvironmentConfig] = field(default_factory=dict)
    data: DataConfig = field(default_factory=DataConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    changed_lines_coverage: float | bool = 80  # minimum coverage of the lines a change touched; false = off
    report: ReportConfig = field(default_factory=ReportConfig)
    max_tests_removed: float | bool = 10  # percent of the base branch's tests a change may remove; false = off
    secret_names: list[str] = field(default_factory=list)  # more variable names, words or globs to scrub
    pass_env: list[str] = field(default_factory=list)  # qa-actions' own secrets every tier's tests may see
    # test-impact selection (docs/impact.md): non-Python files (globs) -> the tests that read them
    # ([] for none); a change to an undeclared one runs every test
    impact_inputs: dict[str, list[str]] = field(default_factory=dict)
    impact_max_age: int = 50  # commits a map may lag the base before selection runs everything
    project: Path = field(default=Path(), init=False)
    source: Path = field(default=Path("pyproject.toml"), init=False)
    # what was found in the project without [tool.qa] (config/detect): tests, source, pytest's settings
    detection: Detection = field(default_factory=Detection, init=False)
    pytest: PytestConfig = field(default_factory=PytestConfig, init=False)

    def __post_init__(self) -> None:
        gate = self.changed_lines_coverage
        if gate is True or (not isinstance(gate, bool) and not 0 <= gate <= 100):
            raise ValueError("`changed-lines-coverage` takes a percentage between 0 and 100, or false")
        share = self.max_tests_removed
        if share is True or (not isinstance(share, bool) and not 0 <= share <= 100):
            raise ValueError("`max-tests-removed` takes a percentage between 0 and 100, or false")
        if self.impact_max_age < 0:
            raise ValueError("`impact-max-age` takes a number of commits (0: only a map of the base itself)")
        for glob, tests in self.impact_inputs.items():
            if not glob.strip() or any(not test.strip() for test in tests):
                raise ValueError("`impact-inputs` maps file globs to test files or node ids; neither may be empty")

    @property
    def tests_removed_share(self) -> float | None:
        return None if self.max_tests_removed is False else float(self.max_tests_removed)

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

    def expect_tests(self) -> dict[str, list[str]]:
        """The tiers that must collect tests when they run (all but `allow-empty = true`: a disabled tier
        runs only when named), each with where its tests were looked for, for `evaluate`: one that
        collected none is the problem `no-tests`. From the configuration, never from a results folder
        (an artifact cannot excuse its own tier). The `unit` tier of a project where nothing was
        found names every place detection looked."""
        nothing_found = self.detection.layout == "none"
        return {name: list(self.detection.looked_in) if nothing_found and name == UNIT
                else list(tier.junit_files) if tier.kind == "external" else list(tier.paths)
                for name, tier in self.tiers.items() if not tier.allow_empty}

    def runnable(self, names: list[str]) -> list[str]:
        """The tiers of `names` that qa runs itself: an external tier's tests run in another tool, and
        `qa collect` reads their reports."""
        return [name for name in names if self.tiers[name].kind != "external"]

    def external_tiers(self, names: list[str] | None = None) -> list[str]:
        """The external tiers of `names` (default: every enabled tier)."""
        chosen = self.enabled_tiers() if names is None else names
        return [name for name in chosen if self.tiers[name].kind == "external"]

    def planned_tiers(self) -> list[str]:
        """Every tier a nightly run (`qa plan --all`) runs: disabled ones too, but not the seed tiers
        detection did not find."""
        return [name for name in self.tiers if name not in self.detection.absent]

    def quarantine(self) -> dict[str, list[str]]:
        """Each tier's quarantined test patterns, for `evaluate`."""
        return {name: tier.quarantine for name, tier in self.tiers.items() if tier.quarantine}


def load_config(project: Path, fail_on: Category | None = None,
                fail_on_failures: FailOnFailures | None = None) -> QaConfig:
    """Read `[tool.qa]` from `project/pyproject.toml`; a missing file or table means all defaults.

    `fail_on` (from --fail-on or $QA_FAIL_ON) overrides the configured `fail-on`, `fail_on_failures`
    (--fail-on-failures, $QA_FAIL_ON_FAILURES) `fail-on-failures`."""
    if not project.is_dir():
        raise ConfigError(f"project directory {project} does not exist")
    source = project / "pyproject.toml"
    table: dict[str, Any] = {}
    if source.is_file():
        document = read_toml(source)
        tool = document.get("tool", {})
        table = tool.get("qa", {}) if isinstance(tool, dict) else {}
    config = parse_config(table, project, source)
    add_secret_names(config.secret_names)  # from now on, every file written scrubs those variables too
    if fail_on is not None:
        config.fail_on = fail_on
    if fail_on_failures is not None:
        config.fail_on_failures = fail_on_failures
    return config


def parse_config(table: Any, project: Path, source: Path, tree: Tree | None = None) -> QaConfig:
    """Validate `table` (`[tool.qa]`) and fill what it leaves out from what the project declares
    (`tree`: its files, by default the folder `project`; the trusted side passes a commit's)."""
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
    names = list({**DEFAULT_TIERS, **user_tiers})
    for name in names:
        if not TIER_NAME.fullmatch(name):
            raise ConfigError(f"{source}: tier name {name[:40]!r} is not allowed: {TIER_NAME_RULE}"
                              " (it names folders, checks and outputs)")
    tree = tree or FileTree(project)
    config.pytest = read_pytest_config(tree)
    config.detection = _detect(tree, config.pytest, names, user_tiers)
    for name in names:
        user = user_tiers.get(name, {})
        table = _with_detection(name, tier_table(name, user), user, name in user_tiers, config.detection)
        config.tiers[name] = tier = build(TierConfig, table, f"tool.qa.tiers.{name}", rules)
        check_kind_keys(name, tier, user, source)
    for key in config.categories:
        code = key.rsplit(".", 1)[-1]
        if code not in KNOWN_CODES:
            raise ConfigError(
                f"{source}: unknown problem code in `tool.qa.categories.{key}`; known codes: "
                + ", ".join(sorted(KNOWN_CODES))
            )
    return config


def _kind(name: str, user: Any) -> Any:
    table = user if isinstance(user, dict) else {}
    return table.get("kind", DEFAULT_TIERS.get(name, {}).get("kind", "pytest"))


def _detect(tree: Tree, pytest: PytestConfig, names: list[str], user_tiers: dict[str, Any]) -> Detection:
    pytest_tiers = [name for name in names if _kind(name, user_tiers.get(name)) == "pytest"]
    configured = {name for name, user in user_tiers.items()
                  if isinstance(user, dict) and "paths" in user and name in pytest_tiers}
    detection = detect_tests(tree, pytest, pytest_tiers, configured)
    pyproject = read_pyproject(tree)
    detection.coverage_config = coverage_chooses(tree, pyproject)
    if detection.coverage_config:
        detection.source, detection.source_why = [], "the project's coverage settings (`include`)"
    else:
        detection.source, detection.source_why = detect_source(tree, pyproject)
    return detection


def _with_detection(name: str, table: Any, user: Any, has_table: bool, detection: Detection) -> Any:
    """A tier's table with what detection found where `[tool.qa]` is silent: its paths, its marker,
    the folders other tiers run. A default tier detection did not find is off, unless it is `unit` of a
    project where nothing was found (so that the run says no tests were found instead of passing)."""
    if not isinstance(table, dict) or not isinstance(user, dict) or "paths" in user:
        return table
    found = detection.tiers.get(name)
    if found is not None:
        table["paths"] = list(found.paths)
        if found.markers and "markers" not in user:
            table["markers"] = found.markers
        if detection.layout != "tier-folders" and "timeout" not in user:
            table["timeout"] = False  # the seed's per-test timeout is for its layout; the project's own applies
        if not detection.source and not detection.coverage_config and not {"coverage", "source"} & set(user):
            table["coverage"] = False  # no package to measure: the tests still run, `qa plan --explain` says why
        if found.ignore:
            extra = user.get("pytest-args", [])
            table["pytest-args"] = [*(f"--ignore={path}" for path in found.ignore),
                                    *(extra if isinstance(extra, list) else [extra])]
    elif not has_table and _kind(name, user) == "pytest" and not (name == UNIT and detection.layout == "none"):
        table["enabled"] = False
        detection.absent.append(name)
    return table
