"""`[tool.qa.security]`: which scans run, over what, with which thresholds, baseline and ignores."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Level = Literal["low", "medium", "high"]
SCANNER_SECRETS = ("SAFETY_API_KEY",)  # the scanners' accounts: qa-actions' own, never the tests'
SCAN_KINDS = ("bandit", "deps", "test-data")  # what `qa scan --only` and `qa run --scans` name
DepsTool = Literal["safety", "pip-audit", "none"]

# Bandit's own default exclusions, plus the folders that are never the project's source.
DEFAULT_EXCLUDE = [
    "*/tests/*", "*/test/*", "*/.venv/*", "*/venv/*", "*/.tox/*", "*/.nox/*", "*/build/*", "*/dist/*",
    "*/.git/*", "*/__pycache__/*", "*/.eggs/*", "*.egg",
]


@dataclass
class IgnoreRule:
    """A known vulnerability accepted for a while: who reads the config must learn why, and until when."""

    id: str
    reason: str
    expires: date | str
    package: str | None = None

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise ValueError("`id` must name a vulnerability (its id or CVE)")
        if not self.reason.strip():
            raise ValueError(f"ignoring {self.id} needs a `reason`")
        if isinstance(self.expires, datetime):
            self.expires = self.expires.date()
        elif isinstance(self.expires, str):
            try:
                self.expires = date.fromisoformat(self.expires)
            except ValueError:
                raise ValueError(f"`expires` of {self.id} must be a date (YYYY-MM-DD), not {self.expires!r}") from None

    @property
    def until(self) -> date:
        assert isinstance(self.expires, date)
        return self.expires

    def expired(self, today: date) -> bool:
        return today > self.until


@dataclass
class SecurityConfig:
    """The security scans of `qa scan` and `qa run`."""

    enabled: bool = True
    bandit: bool = True
    source: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    severity: Level = "low"
    confidence: Level = "low"
    baseline: str | None = None
    deps: DepsTool = "safety"
    requirements: list[str] = field(default_factory=list)
    audit_environment: bool = False
    safety_db: str | None = None
    osv_url: str | None = None
    ignore: list[IgnoreRule] = field(default_factory=list)
    timeout: float = 600

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError("`timeout` must be a positive number of seconds")
        if self.audit_environment and self.requirements:
            raise ValueError("set either `requirements` or `audit-environment = true`, not both")

    def enabled_scans(self) -> list[str]:
        """The code and dependency scans `qa run` and `qa scan` run by default (the test-data check is
        `[tool.qa.data] check`)."""
        if not self.enabled:
            return []
        return [kind for kind, on in (("bandit", self.bandit), ("deps", self.deps != "none")) if on]
