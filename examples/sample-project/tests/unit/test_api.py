"""The API's routing and error mapping, on an in-memory store and an ephemeral loopback port."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from ledger import Inventory
from ledger.api import main, serve_in_background


@pytest.fixture
def api(inventory: Inventory) -> Iterator[str]:
    server, url = serve_in_background(inventory)
    yield url
    server.shutdown()
    server.server_close()


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "key"),
    [
        ("GET", "/health", None, 200, "status"),
        ("GET", "/items/BOLT-100", None, 200, "sku"),
        ("GET", "/items/BOLT-100/receive", None, 404, "error"),
        ("GET", "/items/NOPE-1", None, 400, "error"),
        ("POST", "/items/BOLT-100/receive", b'{"quantity": 2}', 200, "stock"),
        ("POST", "/items/BOLT-100/ship", b'{"quantity": 2}', 409, "error"),
        ("POST", "/items/BOLT-100/ship", b"not json", 400, "error"),
        ("POST", "/items", b'{"sku": "AB-123", "name": "W", "price": "1"}', 201, "sku"),
        ("POST", "/items", b'{"sku": "AB-123", "name": "W", "price": "x"}', 400, "error"),
        ("POST", "/health", b"{}", 404, "error"),
    ],
)
def test_routes(api: str, method: str, path: str, body: bytes | None, status: int, key: str) -> None:
    code, payload = request(f"{api}{path}", method, body)
    assert code == status
    assert key in payload


def test_body_size_limit(api: str) -> None:
    code, payload = request(f"{api}/items/BOLT-100/receive", "POST", b"{}", {"Content-Length": str(10**6)})
    assert code == 400 and "too large" in payload["error"]


def test_main_rejects_bad_arguments(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--port", "not-a-number"])
    assert "invalid int value" in capsys.readouterr().err
