"""ledger: a small stock ledger with a SQLite store and an HTTP API."""

from .errors import InsufficientStock, LedgerError, UnknownItem, ValidationError
from .models import Item, Movement
from .money import Money
from .service import Inventory
from .store import Store

__all__ = [
           "InsufficientStock",
           "Inventory",
           "Item",
           "LedgerError",
           "Money",
           "Movement",
           "Store",
           "UnknownItem",
           "ValidationError",
]
