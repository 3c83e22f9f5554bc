import pytest

from ledger import Item, Money, Movement, ValidationError
from ledger.models import Kind, check_quantity, check_sku


@pytest.mark.parametrize("sku", ["AB-123", "ABCD-123456", "BOLT-100"])
def test_valid_skus(sku: str) -> None:
    assert check_sku(sku) == sku


@pytest.mark.parametrize("sku", ["", "A-123", "ab-123", "ABCDE-123", "AB-12", "AB-1234567", "AB123", "AB-12a"])
def test_invalid_skus(sku: str) -> None:
    with pytest.raises(ValidationError):
        check_sku(sku)


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "3", True, None])
def test_invalid_quantities(quantity) -> None:
    with pytest.raises(ValidationError):
        check_quantity(quantity)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"unit_price": Money(-1)}, "negative"),
        ({"reorder_level": -2}, "reorder level"),
    ],
)
def test_item_validation(kwargs: dict, message: str) -> None:
    fields = {"sku": "AB-123", "name": "Widget", "unit_price": Money(100), **kwargs}
    with pytest.raises(ValidationError, match=message):
        Item(**fields)


@pytest.mark.parametrize(("kind", "delta"), [(Kind.RECEIVE, 5), (Kind.SHIP, -5), (Kind.ADJUST, 5)])
def test_movement_delta(kind: Kind, delta: int) -> None:
    assert Movement("AB-123", kind, 5).delta == delta
