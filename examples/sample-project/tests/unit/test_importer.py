from pathlib import Path

from ledger import Inventory
from ledger.importer import import_items


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "items.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_imports_items_and_opening_stock(inventory: Inventory, tmp_path: Path) -> None:
    path = write(tmp_path, "sku,name,price,stock,reorder_level\nAB-123,Widget,1.50,7,2\nCD-456,Gadget,2,0,\n")
    report = import_items(inventory, path)
    assert report.ok and report.imported == 2
    assert inventory.stock("AB-123") == 7
    assert inventory.item("CD-456").unit_price.cents == 200


def test_reports_every_bad_row(inventory: Inventory, tmp_path: Path) -> None:
    path = write(tmp_path, "sku,name,price,stock,reorder_level\nbad,Widget,1,0,0\nAB-123,Widget,x,0,0\n"
                           "CD-456,Gadget,1,-1,0\nEF-789,Fine,1,1,0\n")
    report = import_items(inventory, path)
    assert report.imported == 1
    assert [e.split(":")[1] for e in report.errors] == ["2", "3", "4"]


def test_missing_columns(inventory: Inventory, tmp_path: Path) -> None:
    report = import_items(inventory, write(tmp_path, "sku,name\nAB-123,Widget\n"))
    assert not report.ok
    assert "missing columns price, stock, reorder_level" in report.errors[0]
