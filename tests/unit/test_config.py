from pathlib import Path

import pytest

from qa_actions.config import load_config
from qa_actions.errors import ConfigError


def project_with(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert list(config.tiers) == ["unit", "integration", "chaos", "acid", "smoke", "load"]
    assert config.enabled_tiers() == ["unit", "integration", "chaos", "acid", "smoke"]
    assert config.tiers["load"].kind == "load" and config.tiers["load"].paths == ["tests/load"]
    assert config.tiers["chaos"].experiments[0] == "tests/chaos/experiments/*.json"
    assert config.tiers["unit"].coverage_gate == 80
    assert config.tiers["integration"].coverage_gate == 60
    assert config.tiers["smoke"].coverage_gate is None
    assert config.tiers["chaos"].paths == ["tests/chaos"]
    assert config.tiers["unit"].test_timeout == 60
    assert config.results_dir == "qa-results" and config.fail_on == "medium"


def test_overrides_merge_with_tier_defaults(tmp_path: Path) -> None:
    config = load_config(project_with(tmp_path, """
[tool.qa]
results-dir = "out"
fail-on = "high"
[tool.qa.tiers.unit]
source = ["mypkg"]
timeout = false
[tool.qa.tiers.contract]
paths = ["tests/contract"]
coverage = 50.5
markers = "not slow"
pytest-args = ["-x"]
[tool.qa.tiers.chaos]
enabled = false
[tool.qa.categories]
"coverage-gate" = "high"
"integration.test-failure" = "critical"
"""))
    unit = config.tiers["unit"]
    assert (unit.coverage_gate, unit.source, unit.test_timeout, unit.paths) == (80, ["mypkg"], None, ["tests/unit"])
    contract = config.tiers["contract"]
    assert (contract.coverage_gate, contract.markers, contract.pytest_args) == (50.5, "not slow", ["-x"])
    assert config.enabled_tiers() == ["unit", "integration", "acid", "smoke", "contract"]
    assert config.select_tiers(["chaos"]) == ["chaos"]
    assert config.categories == {"coverage-gate": "high", "integration.test-failure": "critical"}
    assert config.results_dir == "out" and config.fail_on == "high"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.qa]\nresult-dir = 'x'", "unknown key `tool.qa.result-dir` (did you mean `results-dir`?)"),
        ("[tool.qa.tiers.unit]\ncoverge = 70", "unknown key `tool.qa.tiers.unit.coverge` (did you mean `coverage`?)"),
        ("[tool.qa.tiers.unit]\nwhatever = 1", "unknown key `tool.qa.tiers.unit.whatever`; known keys:"),
        ("[tool.qa.tiers.unit]\ncoverage = 'high'", "`tool.qa.tiers.unit.coverage` must be a number or true or false"),
        ("[tool.qa.tiers.unit]\ncoverage = true", "`coverage` takes a minimum percentage or false"),
        ("[tool.qa.tiers.unit]\ncoverage = 120", "between 0 and 100"),
        ("[tool.qa.tiers.unit]\npaths = 'tests/unit'", "`tool.qa.tiers.unit.paths` must be a list, not a string"),
        ("[tool.qa.tiers.unit]\npaths = [1]", "`tool.qa.tiers.unit.paths[0]` must be a string, not an integer (1)"),
        ("[tool.qa.tiers.unit]\npaths = []", "`paths` must name at least one folder"),
        ("[tool.qa.tiers.unit]\ntimeout = -1", "`timeout` takes seconds per test"),
        ("[tool.qa.tiers.unit]\ntier-timeout = true", "`tool.qa.tiers.unit.tier-timeout` must be a number"),
        ("[tool.qa]\nfail-on = 'severe'", "`tool.qa.fail-on` must be 'critical' | 'high' | 'medium' | 'low'"),
        ("[tool.qa]\ntiers = 3", "`tool.qa.tiers` must be a table of tiers"),
        ("[tool.qa.tiers]\nunit = 3", "`tool.qa.tiers.unit` must be a table"),
        ("[tool.qa.categories]\n'nonsense' = 'low'", "unknown problem code in `tool.qa.categories.nonsense`"),
        ("[tool.qa.categories]\n'flaky-test' = 'urgent'", "`tool.qa.categories.flaky-test` must be"),
        ("[tool.qa\n", "not valid TOML"),
        ("[tool]\nqa = 1", "`tool.qa` must be a table"),
        ("[tool.qa.tiers.unit]\np95-ms = 100", '`tool.qa.tiers.unit.p95-ms` applies to tiers with kind = "load"'),
        ("[tool.qa.tiers.load]\ncoverage = 80", '`tool.qa.tiers.load.coverage` applies to tiers with kind = "pytest"'),
        ("[tool.qa.tiers.load]\nkind = 'locust'", "`tool.qa.tiers.load.kind` must be 'pytest' | 'load'"),
        ("[tool.qa.tiers.load]\nfail-ratio = 2", "`fail-ratio` takes a ratio between 0 and 1"),
        ("[tool.qa.tiers.load]\np95-ms = true", "`p95-ms` takes a positive number or false"),
        ("[tool.qa.tiers.load]\nrun-time = '10s'", "`tool.qa.tiers.load.run-time` must be an integer"),
        ("[tool.qa.tiers.load]\nstart = []", "`start` takes a command"),
        ("[tool.qa.tiers.chaos]\nexperiments = ['/x/*.json']", "`experiments` takes glob patterns relative"),
        ("[tool.qa.tiers.chaos]\nrollback-strategy = 'sometimes'", "`tool.qa.tiers.chaos.rollback-strategy` must be"),
    ],
)
def test_bad_config_names_key_and_file(tmp_path: Path, toml: str, message: str) -> None:
    project = project_with(tmp_path, toml)
    with pytest.raises(ConfigError) as caught:
        load_config(project)
    assert message in str(caught.value)
    assert str(project / "pyproject.toml") in str(caught.value)


def test_unknown_tier_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown tier `perf`; configured tiers: unit, integration"):
        load_config(tmp_path).select_tiers(["perf"])


def test_missing_project_dir(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope")


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.qa]\nresults-dir = '\xff'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)
