"""A tiny JSON HTTP API over the inventory (standard library only), for smoke and load tests."""

from __future__ import annotations

import argparse
import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .errors import InsufficientStock, LedgerError, UnknownItem
from .models import Item
from .money import Money
from .service import Inventory
from .store import Store

_ITEM = re.compile(r"^/items/(?P<sku>[A-Z0-9-]+)(?P<action>/receive|/ship)?$")
MAX_BODY = 64 * 1024


def make_server(inventory: Inventory, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet under load
            pass

        def do_GET(self) -> None:
            if self.path == "/health":
                return self._send(HTTPStatus.OK, {"status": "ok"})
            if self.path == "/items":
                return self._send(HTTPStatus.OK, [_item_json(inventory, i) for i in inventory.items()])
            match = _ITEM.match(self.path)
            if not match or match["action"]:
                return self._send(HTTPStatus.NOT_FOUND, {"error": "no such resource"})
            self._guarded(lambda: (HTTPStatus.OK, _item_json(inventory, inventory.item(match["sku"]))))

        def do_POST(self) -> None:
            match = _ITEM.match(self.path)
            if self.path == "/items":
                return self._guarded(lambda: self._create(inventory))
            if not match or not match["action"]:
                return self._send(HTTPStatus.NOT_FOUND, {"error": "no such resource"})
            action = inventory.receive if match["action"] == "/receive" else inventory.ship

            def move() -> tuple[HTTPStatus, Any]:
                quantity = self._body().get("quantity")
                return HTTPStatus.OK, {"sku": match["sku"], "stock": action(match["sku"], quantity)}

            self._guarded(move)

        def _create(self, inventory: Inventory) -> tuple[HTTPStatus, Any]:
            body = self._body()
            item = Item(str(body.get("sku", "")), str(body.get("name", "")), Money.parse(str(body.get("price", ""))),
                        int(body.get("reorder_level", 0)))
            inventory.add_item(item)
            return HTTPStatus.CREATED, _item_json(inventory, item)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise LedgerError("request body too large")
            data = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(data, dict):
                raise LedgerError("expected a JSON object")
            return data

        def _guarded(self, handler: Any) -> None:
            try:
                status, payload = handler()
            except UnknownItem as exc:
                status, payload = HTTPStatus.NOT_FOUND, {"error": str(exc)}
            except InsufficientStock as exc:
                status, payload = HTTPStatus.CONFLICT, {"error": str(exc)}
            except (LedgerError, ValueError) as exc:
                status, payload = HTTPStatus.BAD_REQUEST, {"error": str(exc)}
            self._send(status, payload)

        def _send(self, status: HTTPStatus, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return ThreadingHTTPServer((host, port), Handler)


def _item_json(inventory: Inventory, item: Item) -> dict[str, Any]:
    return {"sku": item.sku, "name": item.name, "price": str(item.unit_price), "stock": inventory.stock(item.sku)}


def serve_in_background(inventory: Inventory) -> tuple[ThreadingHTTPServer, str]:
    """Start the API on a free loopback port; returns the server and its base URL."""
    server = make_server(inventory)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the ledger API.")
    parser.add_argument("--db", default=":memory:", help="SQLite file (default: in memory)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    server = make_server(Inventory(Store(args.db)), args.host, args.port)
    print(f"ledger API on http://{args.host}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
