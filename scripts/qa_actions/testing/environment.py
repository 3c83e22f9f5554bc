"""pytest plugin: the active qa-actions environment (`qa_env`) and its test data folder (`qa_data`).

`qa tier --env staging` runs pytest with QA_ENV, QA_DATA_DIR, QA_READ_ONLY and QA_BASE_URL set;
plain `pytest` (QA_ENV unset) means development with `tests/data/development`. Tests marked
`@pytest.mark.writes_data` are skipped where the environment is read-only (production by default).

Registered by the `pytest11` entry point `qa_env`. This module uses only the standard library and
pytest: when the project's interpreter lacks qa-actions, `qa tier` loads this file alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from .progress import register as register_progress
from .selection import register as register_selection

DEFAULT = "development"
WRITES_DATA = "writes_data"


@dataclass(frozen=True)
class QaEnvironment:
    """The environment the tests run against."""

    name: str
    data: Path
    read_only: bool
    base_url: str | None = None


def current_environment(rootpath: Path) -> QaEnvironment:
    name = os.environ.get("QA_ENV") or DEFAULT
    data = Path(os.environ.get("QA_DATA_DIR") or rootpath / "tests" / "data" / name)
    read_only = os.environ.get("QA_READ_ONLY", "1" if name == "production" else "0") == "1"
    return QaEnvironment(name, data, read_only, os.environ.get("QA_BASE_URL") or None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{WRITES_DATA}: the test changes data; skipped in read-only environments")
    register_progress(config)  # counts for `qa run`'s progress bar, when it asks for them
    register_selection(config)  # a test-impact selection, when `qa tier` made one


def pytest_report_header(config: pytest.Config) -> str:
    env = current_environment(config.rootpath)
    data = env.data if env.data.is_dir() else f"none: {env.data} does not exist"
    return f"qa environment: {env.name} (data: {data}{', read-only' if env.read_only else ''})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    env = current_environment(config.rootpath)
    if not env.read_only:
        return
    skip = pytest.mark.skip(reason=f"writes data; `{env.name}` is read-only")
    for item in items:
        if item.get_closest_marker(WRITES_DATA):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def qa_env(pytestconfig: pytest.Config) -> QaEnvironment:
    """The active environment: name, data folder, read-only flag and base URL."""
    return current_environment(pytestconfig.rootpath)


@pytest.fixture(scope="session")
def qa_data(qa_env: QaEnvironment) -> Path:
    """The active environment's test data folder (`tests/data/<env>` unless configured otherwise)."""
    if not qa_env.data.is_dir():
        pytest.fail(f"no test data for environment `{qa_env.name}`: {qa_env.data} is not a folder", pytrace=False)
    return qa_env.data
