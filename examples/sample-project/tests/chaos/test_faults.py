"""Resilience of the critical paths when their dependencies misbehave."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from ledger import Inventory, Item, LedgerError, Money, Store
from ledger.pricing import refresh_prices


@pytest.mark.asyncio
async def test_price_refresh_survives_a_flaky_feed(inventory: Inventory) -> None:
    calls: dict[str, int] = {}

    async def flaky(sku: str) -> Money:
        calls[sku] = calls.get(sku, 0) + 1
        if calls[sku] < 3:
            raise ConnectionError("connection reset by peer")
        return Money(77)

    report = await refresh_prices(inventory, flaky, backoff_s=0)
    assert sorted(report.updated) == ["BOLT-100", "NUT-200"] and not report.failed


@pytest.mark.asyncio
async def test_price_refresh_isolates_a_hanging_feed(inventory: Inventory) -> None:
    async def hanging(sku: str) -> Money:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    report = await refresh_prices(inventory, hanging, attempts=2, timeout_s=0.01, backoff_s=0)
    assert report.updated == [] and set(report.failed) == {"BOLT-100", "NUT-200"}
    assert inventory.item("BOLT-100").unit_price == Money(25)


def test_locked_database_fails_cleanly_and_loses_nothing(db_path: Path) -> None:
    inventory = Inventory(Store(db_path, timeout_s=0.05))
    inventory.add_item(Item("AB-123", "Widget", Money(100)))
    inventory.receive("AB-123", 5)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            inventory.receive("AB-123", 1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert inventory.receive("AB-123", 1) == 6
    assert inventory.consistent()


def test_write_failing_mid_operation_rolls_back(inventory: Inventory) -> None:
    """A fault injected between the stock update and the movement insert leaves neither behind."""
    inventory.receive("BOLT-100", 10)
    inventory.store.query(
        "CREATE TEMP TRIGGER inject_fault BEFORE INSERT ON movements "
        "BEGIN SELECT RAISE(ABORT, 'injected: disk I/O error'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="injected"):
        inventory.ship("BOLT-100", 3)
    inventory.store.query("DROP TRIGGER inject_fault")
    assert inventory.stock("BOLT-100") == 10
    assert inventory.consistent()


def test_errors_are_ledger_errors_not_crashes(inventory: Inventory) -> None:
    with pytest.raises(LedgerError):
        inventory.ship("BOLT-100", 1)
