"""Money as integer cents, so that sums never drift."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from .errors import ValidationError

_AMOUNT = re.compile(r"^\s*(?P<sign>-)?(?P<currency>[A-Z]{3})?\s*(?P<number>[0-9][0-9,]*(\.[0-9]+)?)\s*$")


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str = "EUR"

    @classmethod
    def parse(cls, text: str, currency: str = "EUR") -> Money:
        """Parse `12.50`, `EUR 1,200.00` or `-3`; rounds half to even at the cent."""
        match = _AMOUNT.match(text)
        if not match:
            raise ValidationError(f"not an amount: {text!r}")
        try:
            value = Decimal(match["number"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits valid decimals
            raise ValidationError(f"not an amount: {text!r}") from None
        cents = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        return cls(-cents if match["sign"] else cents, match["currency"] or currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.cents * quantity, self.currency)

    def allocate(self, parts: int) -> list[Money]:
        """Split into `parts` amounts that differ by at most one cent and add up exactly."""
        if parts <= 0:
            raise ValidationError("allocate needs at least one part")
        base, extra = divmod(self.cents, parts)
        return [Money(base + (1 if i < extra else 0), self.currency) for i in range(parts)]

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValidationError(f"cannot mix {self.currency} and {other.currency}")

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        units, cents = divmod(abs(self.cents), 100)
        return f"{sign}{self.currency} {units:,}.{cents:02d}"
