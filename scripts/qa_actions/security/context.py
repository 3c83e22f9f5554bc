"""What one run of one scan needs to know."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..config import QaConfig
from ..config.security import SecurityConfig
from ..layout import scan_folder


@dataclass
class ScanRun:
    config: QaConfig
    kind: str  # one of SCAN_KINDS
    results: Path
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    update_baseline: bool = False

    @property
    def settings(self) -> SecurityConfig:
        return self.config.security

    @property
    def project(self) -> Path:
        return self.config.project

    @property
    def folder(self) -> Path:
        return scan_folder(self.results, self.kind)

    @property
    def tool(self) -> str:
        """The scan's name in results.json and .errors/: the tool that runs it."""
        return self.settings.deps if self.kind == "deps" else self.kind

    def project_path(self, value: str) -> Path:
        """A configured path, relative to the project unless absolute."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.project / path

    def env(self) -> dict[str, str]:
        """The tools' environment: ours, so proxies, CA bundles and SAFETY_* settings reach them."""
        return dict(os.environ)
