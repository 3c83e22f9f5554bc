"""How far a tier's pytest run is, for the progress bar of `qa run` on a terminal.

When QA_PROGRESS_FILE names a file, the run appends `total N` once the tests are collected and
`done` as each test ends (no test names: the bar needs counts only). Under pytest-xdist the
controller writes (it sees every worker's reports), the workers do not. Registered by the `qa_env`
plugin (environment.py); standard library and pytest only, like it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

import pytest

PROGRESS_ENV = "QA_PROGRESS_FILE"


class ProgressWriter:
    """pytest hooks that count into the progress file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: TextIO | None = None
        self.broken = False

    def _write(self, line: str) -> None:
        """One line, flushed for the bar to read; the file is opened once, not once a test."""
        if self.broken:
            return
        try:
            if self.handle is None:
                self.handle = self.path.open("a", encoding="utf-8", buffering=1)  # line-buffered
            self.handle.write(line + "\n")
        except OSError:
            self.broken = True  # a progress bar is no reason to fail a test run

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        if self.handle is not None:
            self.handle.close()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if session.items:
            self._write(f"total {len(session.items)}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self._write(f"total {len(ids)}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self._write("done")


def register(config: pytest.Config) -> None:
    """Count into QA_PROGRESS_FILE when it is set, in the process that reports (not an xdist worker)."""
    path = os.environ.get(PROGRESS_ENV)
    if path and not hasattr(config, "workerinput") and not config.pluginmanager.has_plugin("qa_progress"):
        config.pluginmanager.register(ProgressWriter(Path(path)), "qa_progress")
