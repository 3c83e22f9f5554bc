"""Import the shipped test data into a SQLite file and read it back through a new store."""

from pathlib import Path

from ledger import Inventory, Money, Store
from ledger.importer import import_items


def test_import_development_data(data_dir: Path, db_path: Path) -> None:
    report = import_items(Inventory(Store(db_path)), data_dir / "items.csv")
    assert report.ok, report.errors
    assert report.imported == 5

    reopened = Inventory(Store(db_path))
    assert reopened.stock("BOLT-100") == 500
    assert reopened.valuation() == Money(500 * 25 + 800 * 10 + 1000 * 5 + 250 * 8 + 12 * 390)
    assert [i.sku for i in reopened.low_stock()] == []
    assert reopened.consistent()


def test_reimport_reports_duplicates(data_dir: Path, db_path: Path) -> None:
    inventory = Inventory(Store(db_path))
    import_items(inventory, data_dir / "items.csv")
    again = import_items(inventory, data_dir / "items.csv")
    assert again.imported == 0
    assert len(again.errors) == 5 and all("already exists" in e for e in again.errors)
