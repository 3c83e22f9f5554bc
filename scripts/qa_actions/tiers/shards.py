"""Sharding: one tier's tests split across N jobs of near-equal duration, each writing its own folder.

`qa tier NAME --shard K/N` runs the K-th part with pytest-split's `least_duration` algorithm (the
longest test first, each to the part with the least time so far). Its timings come from, in order:
the tier's `durations` file (pytest-split's JSON, node id -> seconds), the history (median of each
test's last runs), or nothing, when every test counts the same and the parts get equal counts.
Every job computes the same split from the same timings, so the parts never overlap or miss a test.

A shard writes `<results>/<tier>-<K>of<N>/` with `shard: "K/N"` in its `tier.json`, so the folders
of all shards can be downloaded into one results folder; `qa collect` merges them and combines
their coverage data before the gate.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..fsutil import read_json
from ..layout import MANIFEST, shard_label_of
from ..manifest import Shard
from ..scrub import write_text
from ..text import plural

if TYPE_CHECKING:
    from ..config import QaConfig

HISTORY_RUNS = 5  # each test's duration is its median over this many recent runs
MAX_DURATIONS_BYTES = 256 * 1024 * 1024
DURATIONS_FILE = "durations.json"
ALGORITHM = "least_duration"



def remove_other_layouts(results: Path, tier: str, shard: Shard | None) -> None:
    """Remove folders this tier left under `results` when it ran unsharded or in another number of
    shards, so a later `qa collect` never mixes two runs; sibling shards of the same N stay."""
    if not results.is_dir():
        return
    for folder in results.iterdir():
        label = shard_label_of(folder.name, tier)
        if folder.name == tier:
            stale = shard is not None
        elif label is not None:
            stale = shard is None or not label.endswith(f"/{shard.count}")
        else:
            stale = False
        if stale and (folder / MANIFEST).is_file():
            shutil.rmtree(folder)


@dataclass
class Timings:
    """Seconds per pytest node id, and where they came from (recorded in tier.json)."""

    source: str
    seconds: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(self.seconds, sort_keys=True) + "\n"

    @property
    def summary(self) -> str:
        """The source and a digest of the timings: shards split with different timings may overlap."""
        return f"{self.source} [sha256 {hashlib.sha256(self.as_json().encode()).hexdigest()[:12]}]"


def find_timings(config: QaConfig, tier: str) -> Timings:
    """The tier's `durations` file when configured, else the history when it knows the tier, else none."""
    configured = config.tiers[tier].durations
    if configured:
        path = config.project / configured
        if not path.is_file():
            raise InputError(f"`[tool.qa.tiers.{tier}] durations` names {path}, which does not exist")
        seconds = read_durations(path)
        return Timings(f"durations file {configured} ({plural(len(seconds), 'test')})", seconds)
    history = config.history.path(config.project)
    if history.is_file():
        try:
            found = history_timings(history, tier)
        except InputError as exc:
            return Timings(f"none: history unreadable ({exc}); split by test count")
        if found.seconds:
            return found
    return Timings("none: split by test count")


def read_durations(path: Path) -> dict[str, float]:
    """A pytest-split durations file: a JSON object of node id -> seconds (or its older list of pairs)."""
    data: Any = read_json(path, MAX_DURATIONS_BYTES)
    if isinstance(data, list) and all(isinstance(pair, list) and len(pair) == 2 for pair in data):
        data = dict(data)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object of test id -> seconds (pytest-split's format)")
    for name, seconds in data.items():
        if not isinstance(name, str) or isinstance(seconds, bool) or not isinstance(seconds, int | float) \
                or seconds < 0:
            raise InputError(f"{path}: `{name}` must map a test id to seconds (a number of 0 or more)")
    return {name: float(seconds) for name, seconds in data.items()}


def history_timings(history: Path, tier: str, runs: int = HISTORY_RUNS) -> Timings:
    """Each test's median duration over the last `runs` runs of `tier` that recorded per-test results."""
    from statistics import median

    from ..history.store import open_history

    with open_history(history) as store:
        newest_first = [run.key for run in reversed(store.runs())]
        spent: dict[int, list[int]] = defaultdict(list)
        used = 0
        for start in range(0, len(newest_first), 50):
            chunk = newest_first[start:start + 50]
            parts = [p for p in store.outcomes(chunk) if p.tier == tier]
            for part in sorted(parts, key=lambda p: chunk.index(p.run))[:runs - used]:
                for test, ms in zip(part.tests, part.durations_ms, strict=True):
                    spent[test].append(ms)
                used += 1
            if used >= runs:
                break
        names = store.test_names(list(spent)) if spent else {}
    seconds = {names[test][1]: median(ms) / 1000 for test, ms in spent.items()}
    return Timings(f"history {history.name} ({plural(used, 'run')}, {plural(len(seconds), 'test')})", seconds)


def pytest_split_args(shard: Shard, timings: Timings, folder: Path) -> list[str]:
    """pytest-split's options for this shard; the timings go to `<folder>/durations.json`."""
    durations = folder / DURATIONS_FILE
    write_text(durations, timings.as_json())
    return ["--splits", str(shard.count), "--group", str(shard.index),
            "--splitting-algorithm", ALGORITHM, "--durations-path", str(durations)]
