"""`tier.json`: what `qa tier` records next to the raw reports, so `qa collect` needs nothing else.

A results folder is self-contained: it can be uploaded as an artifact by one job and collected by
another, with or without the project's configuration at hand.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import InputError
from .fsutil import read_json
from .layout import (
    LOCUST_PREFIX,
    MANIFEST,
    TIER_NAME,
    TIER_NAME_RULE,
    shard_folder,
)
from .schema import Rules, build, same_key
from .scrub import write_text
from .tier_selection import TierSelection

MAX_MANIFEST_BYTES = 1024 * 1024
# why a tier was skipped, in `error_code`: evaluate decides with the configuration whether that is a problem
# (`no-tests` is one unless the tier may be empty; `not-allowed`, by the environment, never is)
NO_TESTS, NOT_ALLOWED = "no-tests", "not-allowed"
MAX_SHARDS = 256
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """Part `index` (1-based) of `count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`K/N` as typed on the command line; ValueError says what is wrong."""
        match = _SPEC.fullmatch(text)
        if not match:
            raise ValueError(f"expected K/N, such as 2/4 (the second of four shards), not {text!r}")
        index, count = int(match[1]), int(match[2])
        if not 1 <= count <= MAX_SHARDS:
            raise ValueError(f"the number of shards must be between 1 and {MAX_SHARDS}, not {count}")
        if not 1 <= index <= count:
            raise ValueError(f"the shard must be between 1 and {count}, not {index}")
        return cls(index, count)

    @property
    def label(self) -> str:
        return f"{self.index}/{self.count}"

    def folder_name(self, tier: str) -> str:
        return shard_folder(tier, self.index, self.count)


@dataclass
class ExperimentRun:
    """One `chaos run`: the experiment file (relative to the project) and its journal (relative to the tier folder)."""

    file: str
    journal: str
    log: str
    exit_code: int | None = None
    duration_s: float = 0.0
    reason: str | None = None


@dataclass
class LoadRun:
    """One locust run: what it was pointed at and the thresholds to judge it by."""

    host: str | None
    users: int
    spawn_rate: float
    run_time_s: int
    p95_ms: float | None = None
    fail_ratio: float | None = None
    rps_min: float | None = None
    stats_prefix: str = LOCUST_PREFIX


@dataclass
class TierManifest:
    tier: str
    status: Literal["ran", "skipped", "error"]
    started: str
    duration_s: float = 0.0
    exit_code: int | None = None
    coverage_gate: float | None = None
    reason: str | None = None
    error_code: str | None = None
    python: str | None = None
    python_version: str | None = None
    command: list[str] = field(default_factory=list)
    shard: str | None = None  # "K/N" for one shard of a tier
    shard_timings: str | None = None  # where the timings that split the shards came from
    environment: str | None = None
    reruns: int = 0
    kind: str = "pytest"
    experiments: list[ExperimentRun] = field(default_factory=list)
    load: LoadRun | None = None
    selection: TierSelection | None = None  # test-impact selection (docs/impact.md)


def write_manifest(folder: Path, manifest: TierManifest) -> None:
    write_text(folder / MANIFEST, json.dumps(dataclasses.asdict(manifest), indent=2) + "\n")


def read_manifest(path: Path) -> TierManifest:
    data = read_json(path, MAX_MANIFEST_BYTES)
    manifest = build(TierManifest, data, "tier", Rules(path, key=same_key, strict=False, error=InputError))
    if not TIER_NAME.fullmatch(manifest.tier):
        raise InputError(f"{path}: tier name {manifest.tier[:40]!r} is not allowed: {TIER_NAME_RULE}")
    return manifest
