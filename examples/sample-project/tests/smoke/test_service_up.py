"""Core features work end to end against the active environment's data (`qa run --env NAME`).

The `qa_env` and `qa_data` fixtures come from qa-actions' pytest plugin: `qa_data` is
tests/data/<env>/. Production is read-only, so the test that moves stock is skipped there.
"""

import csv
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Inventory, Store
from ledger.api import serve_in_background
from ledger.importer import import_items


@pytest.fixture(scope="module")
def items(qa_data: Path) -> list[dict[str, str]]:
    with (qa_data / "items.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def api(qa_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    inventory = Inventory(Store(tmp_path_factory.mktemp("smoke") / "ledger.sqlite"))
    report = import_items(inventory, qa_data / "items.csv")
    assert report.ok, report.errors
    server, url = serve_in_background(inventory)
    yield url
    server.shutdown()
    server.server_close()


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_health(api: str) -> None:
    assert get(f"{api}/health") == {"status": "ok"}


def test_items_are_listed(api: str, items: list[dict[str, str]]) -> None:
    assert sorted(i["sku"] for i in get(f"{api}/items")) == sorted(i["sku"] for i in items)


@pytest.mark.writes_data
def test_stock_moves(api: str, items: list[dict[str, str]]) -> None:
    item = max(items, key=lambda i: int(i["stock"]))
    request = urllib.request.Request(f"{api}/items/{item['sku']}/ship", data=b'{"quantity": 2}', method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["stock"] == int(item["stock"]) - 2
