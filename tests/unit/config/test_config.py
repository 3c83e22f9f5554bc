import re
from pathlib import Path

import pytest

from qa_actions.config import load_config
from qa_actions.config.history import HistoryConfig
from qa_actions.errors import ConfigError


def project_with(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    return tmp_path


def test_defaults_without_pyproject(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert list(config.tiers) == ["unit", "integration", "chaos", "acid", "smoke", "load"]
    # nothing found: only `unit` stays on, so that the run reports no tests instead of passing
    assert config.enabled_tiers() == ["unit"] and config.detection.layout == "none"
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
    # the tiers of the seed without a folder and without a table are off; those with a table stay on
    assert config.enabled_tiers() == ["unit", "contract"]
    assert config.detection.layout == "configured"
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
        ("[tool.qa.tiers.unit]\nallow-empty = 'yes'", "`tool.qa.tiers.unit.allow-empty` must be true or false"),
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


def test_history_reruns_and_quarantine(tmp_path: Path) -> None:
    config = load_config(project_with(tmp_path, """
[tool.qa.history]
file = "ci/history.sqlite"
record = true
base-branch = "trunk"
window = 30
keep-test-details = 500
dashboard-url = "https://org.github.io/repo/"
[tool.qa.tiers.integration]
reruns = 2
quarantine = ["tests/integration/test_net.py::*"]
"""))
    history = config.history
    assert (history.record, history.base_branch, history.window, history.keep_test_details) == (True, "trunk", 30, 500)
    assert history.path(tmp_path) == tmp_path / "ci" / "history.sqlite"
    assert history.path(tmp_path, Path("x.sqlite")) == Path("x.sqlite")
    assert config.tiers["integration"].reruns == 2 and config.tiers["unit"].reruns == 0
    assert config.quarantine() == {"integration": ["tests/integration/test_net.py::*"]}
    (tmp_path / "other").mkdir()
    assert load_config(tmp_path / "other").history == HistoryConfig()
    assert HistoryConfig().file == "qa-history.sqlite" and HistoryConfig().record is False


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.qa.history]\nwindow = 1\n", "`tool.qa.history`: `window` must be at least 2 runs"),
        ("[tool.qa.history]\nrecord = 'yes'\n", "`tool.qa.history.record` must be true or false"),
        ("[tool.qa.history]\nkeep = 3\n", "unknown key `tool.qa.history.keep`"),
        ("[tool.qa.tiers.unit]\nreruns = -1\n", "`reruns` must be 0 (no reruns) or more"),
        ("[tool.qa.tiers.unit]\nquarantine = 'tests/x.py::t'\n", "`tool.qa.tiers.unit.quarantine` must be a list"),
    ],
)
def test_history_and_rerun_mistakes_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(project_with(tmp_path, toml))
    assert message in str(caught.value)


def test_report_settings_and_changed_lines_gate(tmp_path: Path) -> None:
    defaults = load_config(tmp_path)
    assert defaults.changed_lines_gate == 80 and defaults.report.comment_mode == "always"
    assert defaults.report.check_runs and defaults.report.check_prefix is None  # `qa`, or `qa / <project key>`
    config = load_config(project_with(tmp_path, """
[tool.qa]
changed-lines-coverage = false
[tool.qa.report]
comment-mode = "failures"
check-prefix = "ci"
retries = 0
"""))
    assert config.changed_lines_gate is None and config.report.comment_mode == "failures"
    assert (config.report.check_prefix, config.report.retries) == ("ci", 0)


@pytest.mark.parametrize(("toml", "message"), [
    ("[tool.qa]\nchanged-lines-coverage = 101", "`changed-lines-coverage` takes a percentage"),
    ("[tool.qa]\nchanged-lines-coverage = true", "`changed-lines-coverage` takes a percentage"),
    ('[tool.qa.report]\ncomment-mode = "sometimes"', "`tool.qa.report.comment-mode` must be 'always' | 'changes'"),
    ("[tool.qa.report]\nretries = -1", "`retries` must be 0 or more"),
    ("[tool.qa.report]\ncomment-modes = 1",
     "unknown key `tool.qa.report.comment-modes` (did you mean `comment-mode`?)"),
    ('[tool.qa.categories]\n"changed-lines-coverage" = "high"', None),
])
def test_report_settings_are_validated(tmp_path: Path, toml: str, message: str | None) -> None:
    project = project_with(tmp_path, toml)
    if message is None:
        assert load_config(project).categories == {"changed-lines-coverage": "high"}
        return
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(project)


@pytest.mark.parametrize("name", ["Unit", "1st", "a" * 33, "x\\n::warning ::pwned", "../escape", "a.b", '"sp ace"'])
def test_tier_names_that_could_leave_their_folder_or_line_are_refused(tmp_path: Path, name: str) -> None:
    key = name if name.startswith('"') else f'"{name}"'
    (tmp_path / "pyproject.toml").write_text(f"[tool.qa.tiers.{key}]\npaths = ['tests']\n")
    with pytest.raises(ConfigError, match=r"tier name .* is not allowed"):
        load_config(tmp_path)


@pytest.mark.parametrize("name", ["contract", "e2e_api", "slow-1", "a" * 32])
def test_ordinary_tier_names_are_accepted(tmp_path: Path, name: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.qa.tiers.{name}]\npaths = ['tests']\n")
    assert name in load_config(tmp_path).tiers


def test_pass_env_and_secret_names(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.qa]\nsecret-names = ["dsn"]\npass-env = ["GH_TOKEN"]\n'
                                             '[tool.qa.tiers.unit]\npass-env = ["GITHUB_TOKEN"]\n')
    config = load_config(tmp_path)
    assert (config.secret_names, config.pass_env, config.tiers["unit"].pass_env) == (["dsn"], ["GH_TOKEN"],
                                                                                      ["GITHUB_TOKEN"])


def test_impact_inputs_and_max_age(tmp_path: Path) -> None:
    defaults = load_config(tmp_path)
    assert (defaults.impact_inputs, defaults.impact_max_age) == ({}, 50)
    config = load_config(project_with(tmp_path, """
[tool.qa]
impact-max-age = 20
[tool.qa.impact-inputs]
"tests/data/*.json" = ["tests/unit/test_loader.py", "tests/unit/test_api.py::test_get"]
"docs/*" = []
"""))
    assert config.impact_max_age == 20
    assert config.impact_inputs == {
        "tests/data/*.json": ["tests/unit/test_loader.py", "tests/unit/test_api.py::test_get"], "docs/*": []}


@pytest.mark.parametrize(("toml", "message"), [
    ("[tool.qa]\nimpact-max-age = -1", "`impact-max-age` takes a number of commits"),
    ("[tool.qa]\nimpact-max-age = true", "`tool.qa.impact-max-age` must be"),
    ('[tool.qa]\nimpact-inputs = ["docs/*"]', "`tool.qa.impact-inputs` must be a table"),
    ('[tool.qa.impact-inputs]\n"docs/*" = "tests"', "`tool.qa.impact-inputs.docs/*` must be a list"),
    ('[tool.qa.impact-inputs]\n"docs/*" = [""]', "`impact-inputs` maps file globs to test files or node ids"),
])
def test_impact_settings_are_validated(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(project_with(tmp_path, toml))
