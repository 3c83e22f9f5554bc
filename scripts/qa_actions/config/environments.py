"""`[tool.qa.environments.<name>]`: which test data, settings and tiers each environment (development, staging,
production) gives a run; `project.environment` resolves the one a run uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_ENVIRONMENT = "development"
BUILT_IN = ("development", "staging", "production")
# production is the one environment where a stray write or a heavy test costs real money
PROTECTED = {"production": {"tiers": ["smoke"], "read_only": True}}


@dataclass
class EnvironmentConfig:
    """`[tool.qa.environments.<name>]`; unset keys take the environment's defaults."""

    data: str | None = None
    base_url: str | None = None
    tiers: list[str] | None = None
    read_only: bool | None = None
    env: dict[str, str] = field(default_factory=dict)
