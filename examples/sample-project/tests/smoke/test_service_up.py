"""Core features work end to end: the service starts, answers, takes stock in and out."""

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Inventory, Store
from ledger.api import serve_in_background
from ledger.importer import import_items


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    inventory = Inventory(Store(tmp_path_factory.mktemp("smoke") / "ledger.sqlite"))
    report = import_items(inventory, Path(__file__).parents[1] / "data" / "development" / "items.csv")
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


def test_items_are_listed(api: str) -> None:
    assert len(get(f"{api}/items")) == 5


def test_stock_moves(api: str) -> None:
    request = urllib.request.Request(f"{api}/items/HING-500/ship", data=b'{"quantity": 2}', method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["stock"] == 10
