"""The map in the history database: `ImpactMap` <-> `history.store.ImpactMapRecord`."""

from __future__ import annotations

from datetime import UTC, datetime

from ..history.store import HistoryStore, ImpactMapRecord
from .map import BlockKey, ImpactMap


def to_record(test_map: ImpactMap, branch: str | None, time: int | None = None) -> ImpactMapRecord:
    if not test_map.commit or not test_map.python:
        raise ValueError("a stored map names its commit and Python version")
    keys = sorted(test_map.blocks)
    index = {key: i for i, key in enumerate(keys)}
    when = time if time is not None else int(datetime.now(UTC).timestamp())
    return ImpactMapRecord(
        test_map.commit, test_map.python, test_map.tier, when, branch, sorted(test_map.files),
        [(file, name, test_map.blocks[(file, name)], *test_map.lines.get((file, name), ())) for file, name in keys],
        {test: sorted(index[key] for key in ran if key in index) for test, ran in sorted(test_map.tests.items())},
        sorted(index[key] for key in test_map.session if key in index))


def from_record(record: ImpactMapRecord) -> ImpactMap:
    keys: list[BlockKey] = [(block[0], block[1]) for block in record.blocks]
    return ImpactMap(
        record.commit, record.python, record.tier,
        {(block[0], block[1]): block[2] for block in record.blocks},
        {test: frozenset(keys[i] for i in ran) for test, ran in record.tests.items()},
        frozenset(keys[i] for i in record.session), frozenset(record.files),
        {(block[0], block[1]): (block[3], block[4], block[5], block[6]) for block in record.blocks if len(block) == 7})


def save_map(store: HistoryStore, test_map: ImpactMap, branch: str | None, time: int | None = None) -> None:
    store.save_impact_map(to_record(test_map, branch, time))


def latest_map(store: HistoryStore, branch: str | None, tier: str, python: str | None = None) -> ImpactMap | None:
    """The newest map of `branch` and `tier`: of `python` when one exists, else of any version (the
    selection then says the versions differ rather than that there is no map)."""
    record = store.latest_impact_map(branch, tier, python) if python else None
    record = record or store.latest_impact_map(branch, tier)
    return from_record(record) if record else None
