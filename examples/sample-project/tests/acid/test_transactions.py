"""Atomicity, consistency, isolation and durability of the SQLite store, checked with qa-actions' ACID helpers."""

import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import InsufficientStock, Inventory, Item, Money, Store
from ledger.health import CHURN_SKU, consistent
from qa_actions.testing.acid import (
    assert_atomic,
    assert_rejected,
    integrity_problems,
    kill_after_commits,
    run_concurrently,
    snapshot,
)

SRC = Path(__file__).resolve().parents[2] / "src"
TABLES = ("items", "stock", "movements")


@pytest.fixture
def ledger(db_path: Path) -> Inventory:
    inventory = Inventory(Store(db_path))
    inventory.add_item(Item("AB-123", "Widget", Money(100)))
    inventory.receive("AB-123", 100)
    return inventory


@pytest.fixture
def raw(db_path: Path, ledger: Inventory) -> Iterator[sqlite3.Connection]:
    """A second, plain connection to the same file: what another program would see."""
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA foreign_keys = ON")
    yield connection
    connection.close()


def test_atomicity_a_transfer_failing_on_its_second_leg_leaves_no_partial_write(
        ledger: Inventory, raw: sqlite3.Connection) -> None:
    ledger.store.query("CREATE TEMP TRIGGER fail_second_leg BEFORE INSERT ON stock WHEN NEW.location = 'shop' "
                       "BEGIN SELECT RAISE(ABORT, 'injected: the second leg fails'); END")
    error = assert_atomic(lambda: snapshot(raw, TABLES), lambda: ledger.transfer("AB-123", 10, "main", "shop"),
                          raises=sqlite3.IntegrityError)
    assert "second leg" in str(error)
    assert ledger.stock("AB-123", "main") == 100


def test_consistency_the_database_refuses_what_breaks_its_rules(raw: sqlite3.Connection) -> None:
    assert_rejected(raw, "UPDATE stock SET quantity = -1 WHERE sku = 'AB-123'")
    assert_rejected(raw, "INSERT INTO movements (sku, kind, quantity, location) VALUES ('ZZ-999', 'receive', 1, 'x')")
    assert_rejected(raw, "INSERT INTO items (sku, name, unit_price_cents, currency) VALUES ('AB-123', 'Dup', 1, 'EUR')")
    assert integrity_problems(raw) == []


def ship_one_at_a_time(worker: int, db_path: str, attempts: int) -> tuple[int, int]:
    """One clerk shipping single units from its own connection: (shipped, refused)."""
    inventory = Inventory(Store(db_path, timeout_s=30))
    shipped = refused = 0
    for _ in range(attempts):
        try:
            inventory.ship("AB-123", 1)
            shipped += 1
        except InsufficientStock:
            refused += 1
    return shipped, refused


@pytest.mark.parametrize(("processes", "workers", "attempts", "stock"), [(False, 8, 15, 100), (True, 4, 10, 20)],
                         ids=["threads", "processes"])
def test_isolation_concurrent_shipments_never_oversell(db_path: Path, ledger: Inventory, processes: bool,
                                                       workers: int, attempts: int, stock: int) -> None:
    if stock < 100:
        ledger.ship("AB-123", 100 - stock)
    outcome = run_concurrently(ship_one_at_a_time, workers, args=(str(db_path), attempts), processes=processes)
    assert outcome.failed == []
    shipped = sum(s for s, _ in outcome.results)
    refused = sum(r for _, r in outcome.results)
    assert (shipped, refused) == (stock, workers * attempts - stock)
    assert ledger.stock("AB-123") == 0
    assert ledger.consistent()


def test_durability_every_acknowledged_commit_survives_a_kill(db_path: Path) -> None:
    writer = [sys.executable, "-m", "ledger.health", "--db", str(db_path), "--churn", "100000"]
    acknowledged = kill_after_commits(writer, commits=20, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert len(acknowledged) >= 20
    reopened = Inventory(Store(db_path))
    references = {m.reference for m in reopened.history(CHURN_SKU)}
    lost = [line for line in acknowledged if f"churn {line.split()[-1]}" not in references]
    assert lost == []
    assert consistent(str(db_path))


def test_durability_committed_data_survives_close_and_reopen(db_path: Path, ledger: Inventory) -> None:
    ledger.ship("AB-123", 30)
    ledger.store.close()
    reopened = Inventory(Store(db_path))
    assert reopened.stock("AB-123") == 70
    assert reopened.consistent()
