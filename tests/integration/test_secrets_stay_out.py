"""Secrets never reach a file: a project whose tests print a token and a password everywhere a test
can print leaves neither in its results folder, `.errors/`, the dashboard or the history database."""

from __future__ import annotations

import base64
from pathlib import Path

from conftest import qa, read_errors, results_of

TOKEN = "ghp_" + "Zq7RfA2kLm9XbW4yTc8v" * 2  # a GitHub token's format
PASSWORD = "hunter2-but-much-longer-9c1e"  # no format at all: known only as the value of DB_PASSWORD
SCANNER_KEY = "safety-key-0d8c7b6a5f4e"

LEAKY_TESTS = '''
import logging
import os
import sys

import pytest

TOKEN = os.environ["GITHUB_TOKEN"]
PASSWORD = os.environ["DB_PASSWORD"]


@pytest.mark.parametrize("credential", [TOKEN, PASSWORD])
def test_in_parametrised_ids(credential):
    assert credential == "something else"


def test_in_assertion_message():
    assert not PASSWORD, f"connect failed for postgresql://app:{PASSWORD}@db/app with {TOKEN}"


def test_in_a_long_repr_that_pytest_truncates():
    assert {"padding": "x" * 200, "token": TOKEN, "password": PASSWORD} == {}


def test_in_stdout_stderr_and_logs():
    print("stdout", TOKEN, PASSWORD)
    print("stderr", TOKEN, PASSWORD, file=sys.stderr)
    logging.getLogger("app").error("log %s %s", TOKEN, PASSWORD)
    assert False, "see the captured output"


def test_the_scanners_key_is_not_passed():
    assert "SAFETY_API_KEY" not in os.environ


def test_passes():
    assert True
'''


def leaky_project(root: Path) -> Path:
    project = root / "leaky"
    (project / "src" / "leaky").mkdir(parents=True)
    (project / "src" / "leaky" / "__init__.py").write_text("VALUE = 1\n")
    (project / "tests").mkdir()
    (project / "tests" / "test_leaks.py").write_text(LEAKY_TESTS)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "leaky"\nversion = "0"\n\n'
        '[tool.qa]\nenvironment = "development"\n\n'
        '[tool.qa.history]\nrecord = true\nfile = "history/qa.sqlite"\n\n'
        '[tool.qa.tiers.unit]\npaths = ["tests"]\ncoverage = false\npass-env = ["GITHUB_TOKEN"]\n\n'
        + "".join(f"[tool.qa.tiers.{tier}]\nenabled = false\n\n" for tier in ("integration", "chaos", "acid", "smoke"))
    )
    return project


def every_file(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


def test_no_secret_reaches_any_file(tmp_path: Path) -> None:
    project = leaky_project(tmp_path)
    env = {"GITHUB_TOKEN": TOKEN, "DB_PASSWORD": PASSWORD, "SAFETY_API_KEY": SCANNER_KEY,
           "GITHUB_RUN_ID": "5", "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push"}

    done = qa("run", project, "--tiers", "all", "--scans", "none", env=env)
    dashboard = qa("dashboard", "--project", project, env=env)

    assert done.returncode == 1, done.stdout + done.stderr  # the leaky tests fail, as they should
    assert dashboard.returncode == 0, dashboard.stdout + dashboard.stderr
    unit = results_of(project)["tiers"]["unit"]
    assert unit["counts"]["failed"] == 5 and unit["counts"]["passed"] == 2  # the scanner's key was withheld
    assert read_errors(project)
    files = every_file(project / "qa-results", project / ".errors", project / "history")
    assert {p.name for p in files} >= {"results.json", "junit.xml", "output.log", "errors.jsonl", "index.html",
                                       "qa.sqlite"}
    forbidden = [TOKEN, PASSWORD, TOKEN[:16], PASSWORD[:12], TOKEN[-12:],
                 base64.b64encode(PASSWORD.encode()).decode().rstrip("=")]
    leaks = [f"{p.relative_to(project)}: {value[:6]}…" for p in files for value in forbidden
             if value.encode() in p.read_bytes()]
    assert leaks == []
    # and the console (the job's log) too
    assert TOKEN not in done.stdout + done.stderr and PASSWORD not in done.stdout + done.stderr


def test_add_mask_hides_the_values_in_the_actions_log(tmp_path: Path) -> None:
    project = leaky_project(tmp_path)
    env = {"GITHUB_ACTIONS": "true", "DB_PASSWORD": PASSWORD, "DEPLOY_KEY": "multi-line-key-1\nsecond-line-of-it"}

    done = qa("plan", "--project", project, env=env)

    masks = [line for line in done.stderr.splitlines() if line.startswith("::add-mask::")]
    assert f"::add-mask::{PASSWORD}" in masks
    assert {"::add-mask::multi-line-key-1", "::add-mask::second-line-of-it"} <= set(masks)
    assert f"::add-mask::{base64.b64encode(PASSWORD.encode()).decode()}" in masks
    assert not any(line.startswith("::add-mask::") for line in done.stdout.splitlines())  # stdout may be parsed
    outside = qa("plan", "--project", project, env={"DB_PASSWORD": PASSWORD})
    assert "::add-mask::" not in outside.stderr + outside.stdout


def test_configured_secret_names_are_scrubbed_too(tmp_path: Path) -> None:
    project = leaky_project(tmp_path)
    (project / "tests" / "test_leaks.py").write_text(
        "import os\n\ndef test_dsn():\n    assert False, os.environ['SENTRY_DSN']\n")
    text = (project / "pyproject.toml").read_text().replace("[tool.qa]\n", '[tool.qa]\nsecret-names = ["dsn"]\n', 1)
    (project / "pyproject.toml").write_text(text.replace('pass-env = ["GITHUB_TOKEN"]\n', ""))
    dsn = "https://abc123def456@sentry.example/42"

    done = qa("run", project, "--tiers", "all", "--scans", "none", env={"SENTRY_DSN": dsn})

    assert done.returncode == 1, done.stdout + done.stderr
    leaks = [p for p in every_file(project / "qa-results", project / ".errors") if b"abc123def456" in p.read_bytes()]
    assert leaks == []
