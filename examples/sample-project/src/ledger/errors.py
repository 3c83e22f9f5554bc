"""What can go wrong in the ledger, as exceptions callers can tell apart."""


class LedgerError(Exception):
    """Base class of every ledger error."""


class ValidationError(LedgerError):
    """Input that can never be valid (bad SKU, negative quantity, malformed amount)."""


class UnknownItem(LedgerError):
    def __init__(self, sku: str) -> None:
        super().__init__(f"unknown item {sku!r}")
        self.sku = sku


class InsufficientStock(LedgerError):
    def __init__(self, sku: str, wanted: int, available: int) -> None:
        super().__init__(f"cannot take {wanted} of {sku!r}: only {available} in stock")
        self.sku, self.wanted, self.available = sku, wanted, available
