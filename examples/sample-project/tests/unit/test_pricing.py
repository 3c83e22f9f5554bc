import asyncio

import pytest

from ledger import Inventory, LedgerError, Money
from ledger.pricing import fetch_with_retry, refresh_prices


@pytest.mark.asyncio
async def test_refresh_updates_every_price(inventory: Inventory) -> None:
    async def feed(sku: str) -> Money:
        return Money(99)

    report = await refresh_prices(inventory, feed)
    assert sorted(report.updated) == ["BOLT-100", "NUT-200"]
    assert inventory.item("BOLT-100").unit_price == Money(99)


@pytest.mark.asyncio
async def test_retry_recovers_from_one_connection_error(mocker) -> None:
    feed = mocker.AsyncMock(side_effect=[ConnectionError("reset"), Money(5)])
    assert await fetch_with_retry(feed, "AB-123", backoff_s=0) == Money(5)
    assert feed.await_count == 2


@pytest.mark.asyncio
async def test_retry_gives_up(mocker) -> None:
    feed = mocker.AsyncMock(side_effect=ConnectionError("down"))
    with pytest.raises(LedgerError, match="after 3 attempts"):
        await fetch_with_retry(feed, "AB-123", backoff_s=0)


@pytest.mark.asyncio
async def test_failed_item_keeps_its_price(inventory: Inventory) -> None:
    async def feed(sku: str) -> Money:
        if sku == "NUT-200":
            await asyncio.sleep(1)
        return Money(42)

    report = await refresh_prices(inventory, feed, attempts=2, timeout_s=0.01, backoff_s=0)
    assert report.updated == ["BOLT-100"]
    assert "NUT-200" in report.failed
    assert inventory.item("NUT-200").unit_price == Money(10)
