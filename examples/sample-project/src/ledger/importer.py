"""Load items and opening stock from CSV, reporting every bad row instead of stopping at the first."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LedgerError
from .models import Item
from .money import Money
from .service import Inventory

COLUMNS = ("sku", "name", "price", "stock", "reorder_level")


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_items(inventory: Inventory, path: Path) -> ImportReport:
    report = ImportReport()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            report.errors.append(f"{path.name}: missing columns {', '.join(missing)}")
            return report
        for number, row in enumerate(reader, start=2):
            try:
                item = Item(row["sku"].strip(), row["name"].strip(), Money.parse(row["price"]),
                            int(row["reorder_level"] or 0))
                inventory.add_item(item)
                opening = int(row["stock"] or 0)
                if opening:
                    inventory.receive(item.sku, opening, reference="opening stock")
            except (LedgerError, ValueError) as exc:
                report.errors.append(f"{path.name}:{number}: {exc}")
            else:
                report.imported += 1
    return report
