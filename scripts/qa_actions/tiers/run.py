"""What one run of one tier needs to know: shared by the pytest, chaos and load runners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..config import QaConfig, TierConfig
from ..manifest import Shard
from ..project.environment import Environment
from .shards import Timings, find_timings


@dataclass(frozen=True)
class ImpactRequest:
    """What test-impact selection needs from the command line and the event (`select = "affected"`
    tiers only, docs/impact.md): the commit a pull request is compared with (None: a run of the base
    branch, which records the map), why a full run was asked for, and the history holding the maps."""

    base: str | None = None
    full_run: str | None = None
    history: Path | None = None


@dataclass
class TierRun:
    """Everything one run of one tier needs to know."""

    config: QaConfig
    name: str
    results: Path
    echo: bool = True
    environment: Environment | None = None
    while_running: Callable[[], None] | None = None
    extra_args: list[str] = field(default_factory=list)  # from --pytest-args, after the tier's own
    shard: Shard | None = None
    progress_file: Path | None = None  # where pytest counts its tests for a progress bar (terminal.py)
    impact: ImpactRequest = field(default_factory=ImpactRequest)

    @property
    def tier(self) -> TierConfig:
        return self.config.tiers[self.name]

    @property
    def pass_env(self) -> list[str]:
        """qa-actions' own secrets this tier's tests may see (`pass-env`, the root's and the tier's)."""
        return [*self.config.pass_env, *self.tier.pass_env]

    @property
    def folder(self) -> Path:
        return self.results / (self.shard.folder_name(self.name) if self.shard else self.name)

    @cached_property
    def timings(self) -> Timings:
        """Per-test seconds that balance the shards (looked up once)."""
        return find_timings(self.config, self.name)

    @property
    def project(self) -> Path:
        return self.config.project
