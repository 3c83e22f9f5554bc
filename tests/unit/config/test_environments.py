"""Environments from `[tool.qa]`: defaults, production's protection, variables for the tests."""

from pathlib import Path

import pytest

from qa_actions.config import parse_config
from qa_actions.errors import ConfigError
from qa_actions.project.environment import refuse_disallowed, resolve_environment


def config(table: dict, tmp_path: Path):
    return parse_config(table, tmp_path, tmp_path / "pyproject.toml")


def test_development_is_the_default_and_allows_every_tier(tmp_path: Path) -> None:
    env = resolve_environment(config({}, tmp_path), None)
    assert (env.name, env.read_only, env.tiers) == ("development", False, None)
    assert env.data_dir == tmp_path / "tests" / "data" / "development"
    assert env.process_env() == {"QA_ENV": "development", "QA_DATA_DIR": str(env.data_dir.resolve()),
                                 "QA_READ_ONLY": "0"}


def test_production_runs_smoke_only_and_read_only_unless_configured(tmp_path: Path) -> None:
    env = resolve_environment(config({}, tmp_path), "production")
    assert env.read_only and env.allows("smoke") and not env.allows("unit")
    with pytest.raises(ConfigError, match=r"tier `unit` may not run against `production`: only smoke may"):
        refuse_disallowed(env, ["smoke", "unit"])
    table = {"environments": {"production": {"tiers": ["smoke", "acid"], "read-only": False}}}
    opened = resolve_environment(config(table, tmp_path), "production")
    assert opened.allows("acid") and not opened.read_only


def test_configured_environment_and_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGING_TOKEN", "s3cret")
    table = {"environment": "staging", "environments": {"staging": {
        "data": "fixtures/stage", "base-url": "http://127.0.0.1:8080", "tiers": ["unit", "smoke"],
        "env": {"API_TOKEN": "${STAGING_TOKEN}", "QA_ENV": "overridden?"}}}}
    env = resolve_environment(config(table, tmp_path), None)
    assert env.name == "staging" and env.data_dir == tmp_path / "fixtures" / "stage"
    variables = env.process_env()
    assert variables["API_TOKEN"] == "s3cret" and variables["QA_BASE_URL"] == "http://127.0.0.1:8080"
    assert variables["QA_ENV"] == "staging"  # ours win
    assert env.allows("unit") and not env.allows("integration")


@pytest.mark.parametrize(("table", "name", "words"), [
    ({}, "qa", "unknown environment `qa`; known: development, staging, production"),
    ({"environment": "prod"}, None, "unknown environment `prod`"),
    ({"environments": {"staging": {"tiers": ["nightly"]}}}, "staging", "names unknown tier `nightly`"),
])
def test_bad_environments_are_config_errors(tmp_path: Path, table: dict, name: str | None, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        resolve_environment(config(table, tmp_path), name)


def test_environment_tables_are_validated_on_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key `tool.qa.environments.staging.base_uri`"):
        config({"environments": {"staging": {"base_uri": "x"}}}, tmp_path)
    with pytest.raises(ConfigError, match=r"`tool.qa.environments.production.read-only` must be"):
        config({"environments": {"production": {"read-only": "yes"}}}, tmp_path)
