"""Fixtures for qa-actions' own tests: copies of the sample project and a way to run `qa`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample-project"
DATA = REPO / "tests" / "data"
# tests/data holds projects whose tests are data for ours (tests/data/layouts): never collect them here
collect_ignore_glob = ["data/*"]
CONSOLE_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
IGNORED = shutil.ignore_patterns("qa-results", ".errors", "__pycache__", ".pytest_cache", "*.pyc")


def qa(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
       timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the `qa` CLI as a user would, in a subprocess, with our interpreter as the project's."""
    full_env = {**os.environ, "QA_PYTHON": sys.executable, **(env or {})}
    # the runner's variables and what decides colour and width: as the test says, not the shell's
    for name in [k for k in full_env if k.startswith("GITHUB_") or k in CONSOLE_VARIABLES]:
        if env is None or name not in env:
            del full_env[name]
    return subprocess.run([sys.executable, "-m", "qa_actions", *map(str, args)], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def results_of(project: Path) -> dict:
    """The results.json of a project's default results folder, as plain JSON."""
    return json.loads((project / "qa-results" / "results.json").read_text())


def add_config(project: Path, toml: str) -> None:
    """Append TOML (new tables, usually under [tool.qa]) to a project's pyproject.toml."""
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + "\n" + toml)


def read_errors(project: Path) -> list[dict]:
    lines = (project / ".errors" / "errors.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture
def run_qa():
    """The `qa` function above, for tests that run the CLI."""
    return qa


@pytest.fixture
def errors_of():
    """Read a project's .errors/errors.jsonl as dicts."""
    return read_errors


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A private copy of examples/sample-project that a test may break."""
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target, ignore=IGNORED)
    return target


@pytest.fixture(scope="session")
def sarif_errors():
    """A function listing what makes a SARIF log invalid against the official 2.1.0 schema ([] = valid)."""
    import jsonschema

    schema = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return lambda log: [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


@pytest.fixture(scope="session")
def github_server():
    """One loopback HTTP server for the whole session (starting and stopping one costs half a second)."""
    from github_api import start

    fake = start()
    yield fake.server
    fake.server.stop()


@pytest.fixture
def github_api(github_server):
    """A fresh loopback GitHub REST API (tests/github_api.py) for this test, on the session's server."""
    from github_api import FakeGitHub

    github_server.clear()
    yield FakeGitHub(github_server)
    github_server.clear()
