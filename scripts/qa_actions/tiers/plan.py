"""The matrix of a workflow run: one job per tier, or per shard of a sharded tier."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..config import QaConfig
from ..errors import ConfigError


@dataclass(frozen=True)
class MatrixEntry:
    tier: str
    shard: int
    shards: int
    extras: str = ""  # of qa-actions, for the job's setup step: `load` for a load tier, `chaos` for experiments
    select: bool = False  # test-impact selection (`select = "affected"`): the job needs git history and the maps

    @property
    def name(self) -> str:
        return self.tier if self.shards == 1 else f"{self.tier} {self.shard}/{self.shards}"


def parse_shards(text: str | None) -> dict[str, int]:
    """`unit=4,integration=2` -> {"unit": 4, "integration": 2}."""
    shards: dict[str, int] = {}
    for item in (text or "").replace("\n", ",").split(","):
        if not item.strip():
            continue
        name, _, count = item.partition("=")
        if not count.strip().isdigit() or int(count) < 1:
            raise ConfigError(f"--shards: `{item.strip()}` is not TIER=COUNT with a COUNT of 1 or more")
        shards[name.strip()] = int(count)
    return shards


def build_matrix(config: QaConfig, tiers: list[str], shards: dict[str, int]) -> list[MatrixEntry]:
    unknown = [name for name in shards if name not in tiers]
    if unknown:
        raise ConfigError(f"--shards names `{unknown[0]}`, which is not among the tiers to run: {', '.join(tiers)}")
    if not tiers:
        raise ConfigError(f"no tiers to run: every tier is disabled in {config.source}")
    return [MatrixEntry(name, shard, shards.get(name, 1), tier_extras(config, name),
                        config.tiers[name].select == "affected" and shards.get(name, 1) == 1)
            for name in tiers for shard in range(1, shards.get(name, 1) + 1)]


def tier_extras(config: QaConfig, name: str) -> str:
    """The extra of qa-actions a tier's job installs (extras.py): locust for a load tier,
    chaostoolkit for a tier with experiments; the core runs every other tier."""
    from .chaos import find_experiments

    tier = config.tiers[name]
    if tier.kind == "load":
        return "load"
    return "chaos" if tier.experiments and find_experiments(config.project, tier.experiments) else ""


def matrix_json(entries: list[MatrixEntry]) -> dict[str, list[dict[str, object]]]:
    """The value of `strategy.matrix` (GitHub reads `include` as the list of jobs)."""
    return {"include": [{**asdict(e), "name": e.name} for e in entries]}
