"""Test data as users meet it: environments, the qa_env/qa_data fixtures, `qa data anonymize` and `qa data check`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from conftest import results_of

from qa_actions.config import load_config
from qa_actions.project.environment import resolve_environment
from qa_actions.project.interpreter import Interpreter
from qa_actions.tiers.run import TierRun
from qa_actions.tiers.runner import TESTING_PLUGINS, pytest_invocation

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "pii"
SALT = {"QA_ANONYMIZE_SALT": "integration-test-salt-0123456789"}
LEAK = "name,contact\nJane Smith,jane.smith@acme-mail.io\nMark Young,+44 20 7123 4567\n"
LEAKED_VALUES = ("Jane Smith", "jane.smith@acme-mail.io", "Mark Young", "7123 4567")


@pytest.mark.parametrize(("env", "passed", "skipped"), [("development", 3, 0), ("staging", 3, 0),
                                                        ("production", 2, 1)])
def test_sample_smoke_tier_runs_against_each_environment(sample_project: Path, run_qa, env: str, passed: int,
                                                         skipped: int) -> None:
    done = run_qa("tier", "smoke", "--project", sample_project, "--env", env, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((sample_project / "qa-results" / "smoke" / "tier.json").read_text())
    assert manifest["environment"] == env
    log = (sample_project / "qa-results" / "smoke" / "output.log").read_text()
    assert f"qa environment: {env} (data: {(sample_project / 'tests' / 'data' / env).resolve()}" in log
    assert f"{passed} passed" in log and (skipped == 0 or f"{skipped} skipped" in log)


def test_production_refuses_other_tiers(sample_project: Path, run_qa) -> None:
    for args in (("tier", "unit", "--project", sample_project), ("run", sample_project, "--tiers", "smoke,unit")):
        done = run_qa(*args, "--env", "production", "-q")
        assert done.returncode == 2
        assert done.stderr.strip() == ("qa: error: tier `unit` may not run against `production`: only smoke may"
                                       " ([tool.qa.environments.production] tiers)")
        assert not (sample_project / "qa-results" / "unit").exists()


def test_run_in_production_runs_smoke_and_reports_the_rest_skipped(sample_project: Path, run_qa) -> None:
    done = run_qa("run", sample_project, "--env", "production", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    tiers = results_of(sample_project)["tiers"]
    assert tiers["smoke"]["status"] == "passed" and tiers["smoke"]["environment"] == "production"
    assert tiers["smoke"]["counts"]["skipped"] == 1  # the test that writes data
    assert tiers["unit"]["status"] == "skipped"
    assert tiers["unit"]["reason"] == "not allowed in production: only smoke run there"
    assert tiers["unit"]["error_code"] == "not-allowed"  # the environment skipped it: not no-tests
    assert "■ environment production" in done.stderr and "(read-only)" in done.stderr


def test_unknown_environment_is_a_usage_error(sample_project: Path, run_qa) -> None:
    done = run_qa("run", sample_project, "--env", "prod", "-q")
    assert done.returncode == 2 and "unknown environment `prod`; known: development, staging, production" in done.stderr


def test_data_check_finds_planted_pii_without_repeating_it(sample_project: Path, run_qa) -> None:
    assert run_qa("data", "check", "--project", sample_project).returncode == 0  # the shipped data is clean
    (sample_project / "tests" / "data" / "staging" / "leak.csv").write_text(LEAK)
    done = run_qa("data", "check", "--project", sample_project)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "tests/data/staging/leak.csv:2: unmasked person's name: anonymise it with `qa data anonymize`" in lines
    assert "tests/data/staging/leak.csv:2: unmasked e-mail address: anonymise it with `qa data anonymize`" in lines
    assert "tests/data/staging/leak.csv:3: unmasked phone number: anonymise it with `qa data anonymize`" in lines
    assert lines[-1].startswith("test-data check failed: 4 findings in 1 file ")
    scan_file = sample_project / "qa-results" / "security" / "test-data" / "scan.json"
    scan = json.loads(scan_file.read_text())
    assert scan["name"] == "test-data" and scan["status"] == "failed"
    assert {(f["rule"], f["line"], f["code"], f["severity"]) for f in scan["findings"]} == {
        ("pii-name", 2, "unmasked-pii", "high"), ("pii-email", 2, "unmasked-pii", "high"),
        ("pii-name", 3, "unmasked-pii", "high"), ("pii-phone", 3, "unmasked-pii", "high")}
    for value in LEAKED_VALUES:
        assert value not in done.stdout and value not in scan_file.read_text()


def test_data_check_of_nothing_says_it_scanned_nothing(sample_project: Path, run_qa) -> None:
    empty = sample_project / "tests" / "data" / "empty"
    empty.mkdir()
    done = run_qa("data", "check", empty, "--project", sample_project)
    assert done.returncode == 0
    assert done.stdout.startswith("test-data check skipped: nothing scanned: tests/data/empty holds no file to check")
    clean = run_qa("data", "check", "--project", sample_project)
    assert clean.stdout.startswith("test-data check passed: no finding in tests/data"), clean.stdout


def test_run_includes_the_check_as_a_high_problem(sample_project: Path, run_qa, errors_of) -> None:
    (sample_project / "tests" / "data" / "development" / "leak.csv").write_text(LEAK)
    done = run_qa("run", sample_project, "--tiers", "acid", "--scans", "test-data", "-q")
    assert done.returncode == 1
    problems = errors_of(sample_project)
    assert {(p["category"], p["source"], p["code"]) for p in problems} == {("high", "test-data", "unmasked-pii")}
    assert len(problems) == 4 and problems[0]["file"] == "tests/data/development/leak.csv"
    assert results_of(sample_project)["scans"]["test-data"]["status"] == "failed"
    written = (sample_project / ".errors" / "errors.jsonl").read_text() + (sample_project / ".errors" /
                                                                          "summary.md").read_text()
    assert not any(value in written for value in LEAKED_VALUES)


def test_check_reads_sqlite_tables(tmp_path: Path, run_qa) -> None:
    import sqlite3

    data = tmp_path / "tests" / "data"
    data.mkdir(parents=True)
    with sqlite3.connect(data / "app.sqlite") as db:
        db.executescript((FIXTURES / "app.sql").read_text())
    db.close()
    done = run_qa("data", "check", "--project", tmp_path)
    assert done.returncode == 1
    assert "tests/data/app.sqlite: unmasked e-mail address (table users, column email, row 1)" in done.stdout


def test_anonymize_command_end_to_end(tmp_path: Path, run_qa) -> None:
    (tmp_path / "pyproject.toml").write_text((FIXTURES / "rules.toml").read_text())
    source = tmp_path / "raw.csv"
    source.write_text((FIXTURES / "customers.csv").read_text())
    missing = run_qa("data", "anonymize", source, tmp_path / "out.csv", "--project", tmp_path,
                     env={"QA_ANONYMIZE_SALT": ""})
    assert missing.returncode == 2 and missing.stderr.startswith("qa: error: QA_ANONYMIZE_SALT is not set")
    done = run_qa("data", "anonymize", source, tmp_path / "clean" / "out.csv", "--project", tmp_path,
                  "--report", tmp_path / "report.json", env=SALT)
    assert done.returncode == 0, done.stderr
    assert "3 records" in done.stdout and "credit-card 4" in done.stdout
    assert json.loads((tmp_path / "report.json").read_text())[0]["fields"]["card"] == 3
    assert run_qa("data", "check", tmp_path / "clean", "--project", tmp_path).returncode == 0
    over = run_qa("data", "anonymize", source, source, "--project", tmp_path, env=SALT)
    assert over.returncode == 2 and "refusing to write" in over.stderr
    assert source.read_text() == (FIXTURES / "customers.csv").read_text()


FIXTURE_TEST = '''
import os

def test_environment(qa_env, qa_data):
    assert qa_env.name == os.environ["EXPECT_ENV"]
    assert qa_data.name == os.environ["EXPECT_ENV"] and (qa_data / "marker.txt").read_text() == qa_env.name
    assert qa_env.base_url == (os.environ.get("EXPECT_URL") or None)
    assert qa_env.read_only is (os.environ["EXPECT_ENV"] == "production")
    assert os.environ.get("API_TOKEN") == os.environ.get("EXPECT_TOKEN")
'''


@pytest.fixture
def fixture_project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / "tests" / "smoke").mkdir(parents=True)
    (project / "tests" / "smoke" / "test_env.py").write_text(FIXTURE_TEST)
    for env in ("development", "staging", "production"):
        (project / "tests" / "data" / env).mkdir(parents=True)
        (project / "tests" / "data" / env / "marker.txt").write_text(env)
    (project / "pyproject.toml").write_text(
        '[tool.qa.environments.staging]\nbase-url = "http://127.0.0.1:9"\nenv = { API_TOKEN = "${STAGE_TOKEN}" }\n')
    return project


@pytest.mark.parametrize("env", ["development", "staging", "production"])
def test_fixtures_in_a_real_pytest_run_under_qa(fixture_project: Path, run_qa, env: str) -> None:
    extra = {"EXPECT_ENV": env, "STAGE_TOKEN": "t0k"}
    if env == "staging":
        extra |= {"EXPECT_URL": "http://127.0.0.1:9", "EXPECT_TOKEN": "t0k"}
    done = run_qa("tier", "smoke", "--project", fixture_project, "--env", env, "-q", env=extra)
    assert done.returncode == 0, (fixture_project / "qa-results" / "smoke" / "output.log").read_text()


def test_fixtures_in_plain_pytest_default_to_development(fixture_project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")} | {"EXPECT_ENV": "development"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests"],
                          cwd=fixture_project, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout
    (fixture_project / "tests" / "data" / "development" / "marker.txt").unlink()
    (fixture_project / "tests" / "data" / "development").rmdir()
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests"],
                          cwd=fixture_project, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "no test data for environment `development`" in done.stdout


def test_plugin_file_alone_serves_an_interpreter_without_qa_actions(fixture_project: Path, tmp_path: Path) -> None:
    """What `qa tier` does when the project's Python lacks qa-actions: load a copy of the plugins by
    themselves. Our interpreter also lists qa-actions' entry points, as a stale install would: the copy
    must still load once."""
    config = load_config(fixture_project)
    run = TierRun(config, "smoke", tmp_path / "results", echo=False,
                  environment=resolve_environment(config, "production"))
    bare = Interpreter(sys.executable, tuple(sys.version_info[:3]), frozenset({"pytest", "pytest_timeout"}))
    command, env = pytest_invocation(run, bare, ["tests/smoke"])
    assert command[command.index("-p") + 1:][:3] == ["no:qa_env", "-p", "qa_actions.testing.environment"]
    copy = Path(env["PYTHONPATH"].split(os.pathsep)[0]) / "qa_actions"
    assert sorted(p.name for p in copy.iterdir()) == ["__init__.py", "testing"]
    for module in (copy / "testing").glob("*.py"):  # the fixtures need nothing of qa-actions but themselves
        assert "import qa_actions" not in module.read_text() and "from qa_actions" not in module.read_text()
    env |= {"EXPECT_ENV": "production"}
    done = subprocess.run(command, cwd=fixture_project, env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout
    assert "qa environment: production" in done.stdout


def test_the_standalone_plugins_are_the_registered_entry_points() -> None:
    registered = {ep.name: ep.value for ep in entry_points(group="pytest11") if ep.value.startswith("qa_actions.")}
    assert registered == TESTING_PLUGINS
