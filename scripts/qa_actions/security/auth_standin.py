"""A loopback stand-in for safety's auth server, so `safety check --db DIR` runs without a network.

Every safety command fetches its auth server's OpenID configuration and key set at start-up, even
`check` against a local database, which needs no account. Offline that request fails and safety
stops. With a local database qa answers those two requests itself on 127.0.0.1: an empty key set,
so no token could ever validate; nothing is authenticated, nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DISCOVERY = "/.well-known/openid-configuration"
JWKS = "/jwks"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        host, port = self.server.server_address[:2]
        base = f"http://{host}:{port}"
        path = self.path.split("?", 1)[0]
        if path == DISCOVERY:
            payload = {"issuer": base, "jwks_uri": base + JWKS, "authorization_endpoint": base + "/authorize",
                       "token_endpoint": base + "/token"}
        elif path == JWKS:
            payload = {"keys": []}
        else:
            self.send_error(404)
            return
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the scan's output is safety's, not ours."""


@contextmanager
def offline_auth_server() -> Iterator[str]:
    """Serve the stand-in on a free loopback port for the duration of the block; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
