"""Fixtures shared by every tier of the sample project."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import Inventory, Item, Money, Store

DATA = Path(__file__).parent / "data"


@pytest.fixture
def inventory() -> Inventory:
    """An inventory on a fresh in-memory store with two items."""
    inv = Inventory(Store())
    inv.add_item(Item("BOLT-100", "Hex bolt M8", Money(25), reorder_level=50))
    inv.add_item(Item("NUT-200", "Hex nut M8", Money(10), reorder_level=0))
    return inv


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def data_dir() -> Path:
    return DATA / "development"
