"""The health probe and the churn writer that chaos experiments and durability tests use."""

from pathlib import Path

import pytest

from ledger import Inventory, Store
from ledger.health import CHURN_SKU, churn, consistent, main


def test_churn_reports_each_round_and_keeps_the_ledger_consistent(db_path: Path) -> None:
    heard: list[str] = []
    churn(str(db_path), 3, heard.append)
    churn(str(db_path), 1, heard.append)
    assert heard == ["committed 1", "committed 2", "committed 3", "committed 1"]
    inventory = Inventory(Store(db_path))
    assert inventory.stock(CHURN_SKU, "main") == 4 and inventory.stock(CHURN_SKU, "shop") == 4
    assert consistent(str(db_path))


def test_a_stock_level_that_disagrees_with_its_movements_is_inconsistent(db_path: Path) -> None:
    churn(str(db_path), 1, lambda line: None)
    store = Store(db_path)
    with store.transaction() as db:
        db.execute("UPDATE stock SET quantity = quantity + 5 WHERE location = 'shop'")
    assert not consistent(str(db_path))


@pytest.mark.parametrize(("args", "code", "printed"), [([], 0, "consistent"), (["--churn", "2"], 0, "committed 2")])
def test_command_line(db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int,
                      printed: str) -> None:
    assert main(["--db", str(db_path), *args]) == code
    assert printed in capsys.readouterr().out


def test_command_line_exits_1_when_inconsistent(db_path: Path) -> None:
    churn(str(db_path), 1, lambda line: None)
    with Store(db_path).transaction() as db:
        db.execute("UPDATE stock SET quantity = 0 WHERE location = 'shop'")
    assert main(["--db", str(db_path)]) == 1
