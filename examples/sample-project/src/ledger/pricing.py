"""Refresh prices from a supplier feed: async, with a time limit and retries per item."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .errors import LedgerError
from .money import Money
from .service import Inventory

PriceFeed = Callable[[str], Awaitable[Money]]


@dataclass
class RefreshReport:
    updated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


async def fetch_with_retry(feed: PriceFeed, sku: str, attempts: int = 3, timeout_s: float = 1.0,
                           backoff_s: float = 0.01) -> Money:
    """One price, retried on timeouts and connection errors with a growing pause."""
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            return await asyncio.wait_for(feed(sku), timeout_s)
        except (TimeoutError, ConnectionError) as exc:
            last = exc
            await asyncio.sleep(backoff_s * (2**attempt))
    raise LedgerError(f"price feed failed for {sku} after {attempts} attempts: {last!r}")


async def refresh_prices(inventory: Inventory, feed: PriceFeed, **retry: float) -> RefreshReport:
    """Fetch every item's price concurrently; an item whose feed fails keeps its old price."""
    skus = [item.sku for item in inventory.items()]
    results = await asyncio.gather(*(fetch_with_retry(feed, sku, **retry) for sku in skus), return_exceptions=True)
    report = RefreshReport()
    for sku, result in zip(skus, results, strict=True):
        if isinstance(result, Money):
            inventory.set_price(sku, result)
            report.updated.append(sku)
        else:
            report.failed[sku] = str(result)
    return report
