"""HTTP services that misbehave on purpose: a loopback server answering the way the test says (`qa_faults.http`)."""

from __future__ import annotations

import socket
import struct
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def _quiet_server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A loopback server on a free port. http.server is imported here, not at the top: every pytest
    run loads this plugin, few tests start a server."""
    from http.server import ThreadingHTTPServer

    class QuietServer(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            """Clients that gave up (timeouts, resets) are what the faults are for, not errors to print."""

    return QuietServer(("127.0.0.1", 0), handler)


class FaultyHttp:
    """A loopback HTTP server that answers every request the way the test last said."""

    def __init__(self, release: threading.Event) -> None:
        self.requests: list[str] = []
        self._status, self._body, self._delay_s = 200, b'{"status": "ok"}', 0.0
        self._failures_left, self._failure_status = 0, 503
        self._mode = "answer"
        self._release = release
        self._lock = threading.Lock()
        self._server = _quiet_server(self._handler())
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def respond(self, status: int = 200, body: bytes | str = b"", *, delay: float = 0.0) -> FaultyHttp:
        """Answer `status` with `body`, after `delay` seconds (a slow dependency when > 0)."""
        with self._lock:
            self._mode, self._status, self._delay_s = "answer", status, delay
            self._body = body.encode() if isinstance(body, str) else body
        return self

    def fail(self, times: int, status: int = 503) -> FaultyHttp:
        """Answer the next `times` requests with `status`, then as set by `respond` (a flaky dependency)."""
        with self._lock:
            self._failures_left, self._failure_status = times, status
        return self

    def hang(self) -> FaultyHttp:
        """Read each request and never answer (until the test ends): clients need their own timeout."""
        with self._lock:
            self._mode = "hang"
        return self

    def reset(self) -> FaultyHttp:
        """Close each connection without answering: clients see 'connection reset' or an empty reply."""
        with self._lock:
            self._mode = "reset"
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, path: str) -> tuple[str, int, bytes, float]:
        with self._lock:
            self.requests.append(path)
            if self._failures_left > 0 and self._mode == "answer":
                self._failures_left -= 1
                return "answer", self._failure_status, b'{"error": "injected failure"}', 0.0
            return self._mode, self._status, self._body, self._delay_s

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        from http.server import BaseHTTPRequestHandler

        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                mode, status, body, delay_s = server._next(self.path)
                if mode == "hang":
                    server._release.wait()
                    return
                if mode == "reset":
                    self.close_connection = True
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                if delay_s:
                    server._release.wait(delay_s)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        return Handler
