"""Atomicity, consistency, isolation and durability of the SQLite store."""

import sqlite3
import threading
from pathlib import Path

import pytest

from ledger import InsufficientStock, Inventory, Item, Money, Store


@pytest.fixture
def ledger(db_path: Path) -> Inventory:
    inventory = Inventory(Store(db_path))
    inventory.add_item(Item("AB-123", "Widget", Money(100)))
    inventory.receive("AB-123", 100)
    return inventory


def test_atomicity_failed_transfer_leaves_no_partial_write(ledger: Inventory) -> None:
    with pytest.raises(InsufficientStock):
        ledger.transfer("AB-123", 101, "main", "shop")
    assert ledger.stock("AB-123", "main") == 100
    assert ledger.stock("AB-123", "shop") == 0
    assert len(ledger.history("AB-123")) == 1


def test_consistency_constraints_hold_even_for_raw_sql(ledger: Inventory) -> None:
    with pytest.raises(sqlite3.IntegrityError), ledger.store.transaction() as db:
        db.execute("UPDATE stock SET quantity = -1 WHERE sku = 'AB-123'")
    with pytest.raises(sqlite3.IntegrityError), ledger.store.transaction() as db:
        db.execute("INSERT INTO movements (sku, kind, quantity, location) VALUES ('ZZ-999', 'receive', 1, 'x')")
    assert ledger.consistent()


def test_isolation_concurrent_shipments_never_oversell(db_path: Path, ledger: Inventory) -> None:
    shipped, refused = [], []

    def worker() -> None:
        mine = Inventory(Store(db_path, timeout_s=10))
        for _ in range(15):
            try:
                mine.ship("AB-123", 1)
                shipped.append(1)
            except InsufficientStock:
                refused.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(shipped) == 100 and len(refused) == 20
    assert ledger.stock("AB-123") == 0
    assert ledger.consistent()


def test_durability_committed_data_survives_reopen(db_path: Path, ledger: Inventory) -> None:
    ledger.ship("AB-123", 30)
    ledger.store.close()
    reopened = Inventory(Store(db_path))
    assert reopened.stock("AB-123") == 70
    assert reopened.consistent()
