from pathlib import Path

import pytest

from ledger import Store


def test_file_store_roundtrip(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    with store.transaction() as db:
        db.execute("INSERT INTO items VALUES ('AB-123', 'Widget', 1, 'EUR', 0)")
    assert store.query("SELECT sku FROM items") == [("AB-123",)]
    store.close()
    assert Store(tmp_path / "s.sqlite").query("SELECT COUNT(*) FROM items") == [(1,)]


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO items VALUES ('AB-123', 'Widget', 1, 'EUR', 0)")
        raise RuntimeError("boom")
    assert store.query("SELECT COUNT(*) FROM items") == [(0,)]


def test_close_is_idempotent() -> None:
    store = Store()
    store.close()
    store.close()
