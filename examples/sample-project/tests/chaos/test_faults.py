"""Resilience of the critical paths when their dependencies misbehave."""

import sqlite3
from pathlib import Path

import pytest

from ledger import Inventory, Item, LedgerError, Money, Store
from ledger.pricing import refresh_prices


class Supplier:
    """The price feed the refresh depends on."""

    async def price(self, sku: str) -> Money:
        return Money(77)


@pytest.mark.asyncio
async def test_price_refresh_survives_a_supplier_that_fails_twice(inventory: Inventory, qa_faults) -> None:
    supplier = Supplier()
    calls = qa_faults.fail((supplier, "price"), ConnectionError("connection reset by peer"), times=2)
    report = await refresh_prices(inventory, supplier.price, backoff_s=0)
    assert sorted(report.updated) == ["BOLT-100", "NUT-200"] and not report.failed
    assert calls.count == 4
    assert inventory.item("NUT-200").unit_price == Money(77)


@pytest.mark.asyncio
async def test_price_refresh_isolates_a_hanging_supplier(inventory: Inventory, qa_faults) -> None:
    supplier = Supplier()
    qa_faults.hang((supplier, "price"))
    report = await refresh_prices(inventory, supplier.price, attempts=2, timeout_s=0.01, backoff_s=0)
    assert report.updated == [] and set(report.failed) == {"BOLT-100", "NUT-200"}
    assert inventory.item("BOLT-100").unit_price == Money(25)


def test_a_full_disk_fails_the_write_and_keeps_the_ledger(db_path: Path, qa_faults) -> None:
    inventory = Inventory(Store(db_path))
    inventory.add_item(Item("AB-123", "Widget", Money(100)))
    inventory.receive("AB-123", 5)
    qa_faults.sqlite_full(inventory.store.connection())
    with pytest.raises(sqlite3.OperationalError, match="full"):
        for _ in range(10_000):
            inventory.receive("AB-123", 1, reference="x" * 500)
    assert inventory.consistent()
    assert inventory.stock("AB-123") == 5 + len(inventory.history("AB-123")) - 1


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
