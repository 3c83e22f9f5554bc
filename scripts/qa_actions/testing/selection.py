"""Run only the tests a test-impact selection chose (docs/impact.md), after pytest collected them all.

When QA_SELECTION_FILE names a JSON file (`{"tests": [...]}`: test files and node ids relative to
the project, written by `qa tier`), every collected test that is not in it, its file or its id
without parameters, is deselected as `-k` deselects, and QA_SELECTION_REPORT receives how many
were collected and kept. Deselecting after collection, not naming the tests on the command line,
keeps every test module imported (its import-time code measured, as in a full run) and no command
line grows with the selection. Registered by the `qa_env` plugin (environment.py); standard
library and pytest only, like it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

SELECTION_ENV, SELECTION_REPORT_ENV = "QA_SELECTION_FILE", "QA_SELECTION_REPORT"


class SelectionFilter:
    """Keeps the selected tests of the collection."""

    def __init__(self, targets: set[str], root: Path, report: Path | None) -> None:
        self.targets, self.root, self.report = targets, root, report

    def project_id(self, item: pytest.Item) -> str:
        """The item's id relative to the project (pytest's is relative to its rootdir)."""
        try:
            file = item.path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return item.nodeid
        _, sep, rest = item.nodeid.partition("::")
        return f"{file}{sep}{rest}"

    def wanted(self, item: pytest.Item) -> bool:
        test = self.project_id(item)
        plain = test[:test.index("[")] if test.endswith("]") and "[" in test else test
        return bool({test, plain, test.partition("::")[0]} & self.targets)

    @pytest.hookimpl(trylast=True)  # after -m and -k: the total is the tier's tests
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        kept: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:  # no zip(strict=): this module runs on the project's Python, 3.9 too
            (kept if self.wanted(item) else dropped).append(item)
        if self.report is not None:
            partial = self.report.with_name(f"{self.report.name}.{os.getpid()}")
            partial.write_text(json.dumps({"collected": len(items), "selected": len(kept)}), encoding="utf-8")
            partial.replace(self.report)  # xdist workers each write the same counts: whole files only
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept


def register(config: pytest.Config) -> None:
    """Filter the collection by QA_SELECTION_FILE when it is set."""
    path = os.environ.get(SELECTION_ENV)
    if not path or config.pluginmanager.has_plugin("qa_selection"):
        return
    try:
        tests = json.loads(Path(path).read_text(encoding="utf-8"))["tests"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise pytest.UsageError(f"{SELECTION_ENV}={path}: not a selection written by qa tier ({exc})") from None
    report = os.environ.get(SELECTION_REPORT_ENV)
    config.pluginmanager.register(SelectionFilter({str(t) for t in tests}, Path.cwd().resolve(),
                                                  Path(report) if report else None), "qa_selection")
