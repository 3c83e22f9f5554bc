import pytest

from ledger import InsufficientStock, Inventory, Item, Money, UnknownItem, ValidationError
from ledger.models import Kind


def test_receive_and_ship(inventory: Inventory) -> None:
    assert inventory.receive("BOLT-100", 10) == 10
    assert inventory.ship("BOLT-100", 4) == 6
    assert inventory.stock("BOLT-100") == 6
    assert [m.kind for m in inventory.history("BOLT-100")] == [Kind.RECEIVE, Kind.SHIP]


def test_cannot_ship_more_than_stock(inventory: Inventory) -> None:
    inventory.receive("BOLT-100", 3)
    with pytest.raises(InsufficientStock) as caught:
        inventory.ship("BOLT-100", 4)
    assert (caught.value.wanted, caught.value.available) == (4, 3)
    assert inventory.stock("BOLT-100") == 3


def test_unknown_items(inventory: Inventory) -> None:
    with pytest.raises(UnknownItem):
        inventory.receive("ZZ-999", 1)
    with pytest.raises(UnknownItem):
        inventory.item("ZZ-999")
    with pytest.raises(UnknownItem):
        inventory.set_price("ZZ-999", Money(1))


def test_duplicate_item(inventory: Inventory) -> None:
    with pytest.raises(ValidationError, match="already exists"):
        inventory.add_item(Item("BOLT-100", "again", Money(1)))


def test_stock_per_location_and_transfer(inventory: Inventory) -> None:
    inventory.receive("NUT-200", 20, location="main")
    assert inventory.transfer("NUT-200", 5, "main", "shop") == (15, 5)
    assert inventory.stock("NUT-200", "main") == 15
    assert inventory.stock("NUT-200", "shop") == 5
    assert inventory.stock("NUT-200") == 20


def test_transfer_needs_two_locations(inventory: Inventory) -> None:
    with pytest.raises(ValidationError):
        inventory.transfer("NUT-200", 1, "main", "main")


def test_valuation(inventory: Inventory) -> None:
    inventory.receive("BOLT-100", 4)
    inventory.receive("NUT-200", 10)
    assert inventory.valuation() == Money(4 * 25 + 10 * 10)


def test_low_stock(inventory: Inventory) -> None:
    inventory.receive("BOLT-100", 50)
    assert [i.sku for i in inventory.low_stock()] == ["BOLT-100"]
    inventory.receive("BOLT-100", 1)
    assert inventory.low_stock() == []


def test_set_price(inventory: Inventory) -> None:
    inventory.set_price("NUT-200", Money(12))
    assert inventory.item("NUT-200").unit_price == Money(12)
    with pytest.raises(ValidationError):
        inventory.set_price("NUT-200", Money(-1))


def test_ledger_stays_consistent(inventory: Inventory) -> None:
    inventory.receive("BOLT-100", 9)
    inventory.ship("BOLT-100", 2)
    inventory.transfer("BOLT-100", 3, "main", "van")
    assert inventory.consistent()
    assert [line.quantity for line in inventory.stock_lines()] == [4, 3]


def test_stock_lines_in_each_order(inventory: Inventory) -> None:
    inventory.receive("BOLT-100", 2, location="van")
    inventory.receive("NUT-200", 7, location="main")
    assert [(s.sku, s.location) for s in inventory.stock_lines()] == [("BOLT-100", "van"), ("NUT-200", "main")]
    assert [s.location for s in inventory.stock_lines("location")] == ["main", "van"]
    assert [s.quantity for s in inventory.stock_lines("quantity")] == [7, 2]
    with pytest.raises(ValidationError, match="cannot order stock by 'price; DROP TABLE stock'"):
        inventory.stock_lines("price; DROP TABLE stock")
