"""The ledger's records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .errors import ValidationError
from .money import Money

SKU = re.compile(r"^[A-Z]{2,4}-[0-9]{3,6}$")


def check_sku(sku: str) -> str:
    if not SKU.match(sku):
        raise ValidationError(f"SKU {sku!r} does not look like ABC-123")
    return sku


def check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError(f"quantity must be a positive integer, not {quantity!r}")
    return quantity


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    unit_price: Money
    reorder_level: int = 0

    def __post_init__(self) -> None:
        check_sku(self.sku)
        if not self.name.strip():
            raise ValidationError("an item needs a name")
        if self.unit_price.cents < 0:
            raise ValidationError("a price cannot be negative")
        if self.reorder_level < 0:
            raise ValidationError("a reorder level cannot be negative")


class Kind(StrEnum):
    RECEIVE = "receive"
    SHIP = "ship"
    ADJUST = "adjust"


@dataclass(frozen=True)
class Movement:
    sku: str
    kind: Kind
    quantity: int
    location: str = "main"
    reference: str = ""

    @property
    def delta(self) -> int:
        """The change in stock: shipments take away, receipts and adjustments add."""
        return -self.quantity if self.kind is Kind.SHIP else self.quantity
