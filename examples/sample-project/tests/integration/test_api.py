"""The HTTP API against a real server on a loopback port, backed by a SQLite file."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Inventory, Store
from ledger.api import serve_in_background


@pytest.fixture
def api(db_path: Path) -> Iterator[str]:
    server, url = serve_in_background(Inventory(Store(db_path)))
    yield url
    server.shutdown()
    server.server_close()


def call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_create_receive_ship_and_read(api: str) -> None:
    assert call(f"{api}/items", "POST", {"sku": "AB-123", "name": "Widget", "price": "2.50"})[0] == 201
    assert call(f"{api}/items/AB-123/receive", "POST", {"quantity": 10}) == (200, {"sku": "AB-123", "stock": 10})
    assert call(f"{api}/items/AB-123/ship", "POST", {"quantity": 3}) == (200, {"sku": "AB-123", "stock": 7})
    status, item = call(f"{api}/items/AB-123")
    assert status == 200 and item == {"sku": "AB-123", "name": "Widget", "price": "EUR 2.50", "stock": 7}
    assert call(f"{api}/items")[1] == [item]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/items/ZZ-999", None, 404),
        ("GET", "/nowhere", None, 404),
        ("POST", "/items/ZZ-999/receive", {"quantity": 1}, 404),
        ("POST", "/items", {"sku": "bad", "name": "x", "price": "1"}, 400),
        ("POST", "/items/AB-123/receive", {"quantity": -1}, 400),
        ("POST", "/items/AB-123/ship", {"quantity": 99}, 409),
        ("POST", "/items/AB-123", {}, 404),
    ],
)
def test_errors_are_json_with_the_right_status(api: str, method: str, path: str, body: dict | None,
                                               status: int) -> None:
    call(f"{api}/items", "POST", {"sku": "AB-123", "name": "Widget", "price": "2.50"})
    code, payload = call(f"{api}{path}", method, body)
    assert code == status
    assert "error" in payload


def test_rejects_non_object_body(api: str) -> None:
    request = urllib.request.Request(f"{api}/items", data=b"[1, 2]", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
