"""`[tool.qa.history]`: where the history lives, whether `qa run` records to it, and what metrics look at."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE = "qa-history.sqlite"


@dataclass
class HistoryConfig:
    file: str = DEFAULT_FILE
    record: bool = False
    base_branch: str = "main"
    window: int = 50
    keep_test_details: int = 0
    dashboard_url: str | None = None

    def __post_init__(self) -> None:
        if self.window < 2:
            raise ValueError("`window` must be at least 2 runs")
        if self.keep_test_details < 0:
            raise ValueError("`keep-test-details` takes a number of runs (0 keeps every run's test outcomes)")
        if not self.file:
            raise ValueError("`file` must name the history file")

    def path(self, project: Path, override: Path | None = None) -> Path:
        """The history file: `override` (a command's --history) or `file`, relative to the project."""
        return override if override is not None else project / self.file
