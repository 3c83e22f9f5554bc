"""`tier.json`: what `qa tier` records next to the raw reports, so `qa collect` needs nothing else.

A results folder is self-contained: it can be uploaded as an artifact by one job and collected by
another, with or without the project's configuration at hand.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .errors import InputError
from .fsutil import atomic_write_text, read_limited
from .schema import Rules, build, same_key

MANIFEST = "tier.json"
JUNIT = "junit.xml"
COVERAGE_JSON = "coverage.json"
COVERAGE_DATA = "coverage.data"
OUTPUT_LOG = "output.log"
EXPERIMENTS_DIR = "experiments"
LOCUST_PREFIX = "locust"
LOCUST_JSON = f"{LOCUST_PREFIX}.json"
LOCUST_FAILURES_CSV = f"{LOCUST_PREFIX}_failures.csv"
TARGET_LOG = "target.log"
MAX_MANIFEST_BYTES = 1024 * 1024


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


def write_manifest(folder: Path, manifest: TierManifest) -> None:
    atomic_write_text(folder / MANIFEST, json.dumps(dataclasses.asdict(manifest), indent=2) + "\n")


def read_manifest(path: Path) -> TierManifest:
    try:
        data = json.loads(read_limited(path, MAX_MANIFEST_BYTES))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    return build(TierManifest, data, "tier", Rules(path, key=same_key, strict=False, error=InputError))
