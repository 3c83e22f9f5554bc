"""In-process fault injection for pytest, no Kubernetes needed: the `qa_faults` fixture.

A dependency that fails, is slow or hangs (`fail`, `delay`, `hang` on any function or method); a
service that answers errors, answers slowly, never answers or refuses connections (`http`,
`blackhole`, `refused`); a full disk (`disk_full` for Python file writes, `sqlite_full` for a SQLite
connection, `file_size_limit` for a whole subprocess); a process killed mid-work (`start` … `kill`).
Everything is undone when the test ends. See docs/chaos.md for examples.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import functools
import importlib
import inspect
import io
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Target = str | tuple[object, str]
_WRITE_MODES = frozenset("wax+")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@dataclass
class Calls:
    """What a patched callable received: one (args, kwargs) pair per call."""

    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.calls)


class Faults:
    """The `qa_faults` fixture. Each method injects one fault for the rest of the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._release = threading.Event()
        self._cleanups = contextlib.ExitStack()

    # -- dependencies that misbehave -----------------------------------------------------------------
    def fail(self, target: Target, error: BaseException | type[BaseException], *, times: int | None = None) -> Calls:
        """Calls to `target` raise `error`; with `times`, only the first `times` calls do, later ones go through."""

        def fault(calls: Calls) -> bool:
            if times is None or calls.count <= times:
                raise error
            return False

        return self._patch(target, fault)

    def delay(self, target: Target, seconds: float) -> Calls:
        """Calls to `target` take `seconds` longer, then go through (a slow dependency)."""
        return self._patch(target, lambda calls: False, delay_s=seconds)

    def hang(self, target: Target, *, up_to: float = 30.0) -> Calls:
        """Calls to `target` never answer: they block (or await) for `up_to` seconds, then raise TimeoutError.

        A caller with its own timeout sees a hang; hung threads are released when the test ends.
        """
        return self._patch(target, lambda calls: _raise(TimeoutError(f"{_name(target)} hung (injected)")),
                           delay_s=up_to)

    def _patch(self, target: Target, fault: Callable[[Calls], bool], delay_s: float = 0.0) -> Calls:
        owner, name, original = _resolve(target)
        calls = Calls()
        release = self._release
        if inspect.iscoroutinefunction(original):
            @functools.wraps(original)
            async def patched_async(*args: Any, **kwargs: Any) -> Any:
                import asyncio

                calls.calls.append((args, kwargs))
                if delay_s:
                    await asyncio.sleep(delay_s)
                fault(calls)
                return await original(*args, **kwargs)

            self._monkeypatch.setattr(owner, name, patched_async)
        else:
            @functools.wraps(original)
            def patched(*args: Any, **kwargs: Any) -> Any:
                calls.calls.append((args, kwargs))
                if delay_s:
                    release.wait(delay_s)
                fault(calls)
                return original(*args, **kwargs)

            self._monkeypatch.setattr(owner, name, patched)
        return calls

    # -- services that misbehave ---------------------------------------------------------------------
    def http(self) -> FaultyHttp:
        """A real HTTP server on 127.0.0.1 whose answers the test sets: errors, slowness, hangs, resets."""
        server = FaultyHttp(self._release)
        self._cleanups.callback(server.close)
        return server

    def refused(self) -> str:
        """A loopback URL where nothing listens: connecting fails at once with 'connection refused'."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def blackhole(self) -> str:
        """A loopback URL that accepts connections and never answers: only a client timeout ends the wait."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self._cleanups.callback(sock.close)
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    # -- a full disk -------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def disk_full(self, directory: str | os.PathLike[str]) -> Iterator[None]:
        """Inside the block, opening a file under `directory` for writing fails with ENOSPC.

        Covers Python's file APIs (open, pathlib, os.open); C libraries write past it: use
        `sqlite_full` for SQLite, or `start(..., file_size_limit=...)` for a whole process.
        """
        root = Path(directory).resolve()

        def full(path: Any) -> OSError:
            return OSError(errno.ENOSPC, "No space left on device (injected)", str(path))

        def inside(path: Any) -> bool:
            if not isinstance(path, str | bytes | os.PathLike):
                return False  # a file descriptor
            try:
                return Path(os.fsdecode(path)).resolve().is_relative_to(root)
            except (OSError, ValueError):
                return False

        real_open, real_os_open = builtins.open, os.open

        def guarded_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if _WRITE_MODES & set(mode) and inside(file):
                raise full(file)
            return real_open(file, mode, *args, **kwargs)

        def guarded_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & _WRITE_FLAGS and inside(path):
                raise full(path)
            return real_os_open(path, flags, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(builtins, "open", guarded_open)
            patch.setattr(io, "open", guarded_open)
            patch.setattr(os, "open", guarded_os_open)
            yield

    def sqlite_full(self, connection: Any) -> None:
        """The SQLite database behind `connection` cannot grow any more: writes that need a new page fail
        with 'database or disk is full' (SQLite's own SQLITE_FULL), until the test ends."""
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        limit = connection.execute("PRAGMA max_page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {int(pages)}")

        def restore() -> None:
            with contextlib.suppress(Exception):
                connection.execute(f"PRAGMA max_page_count = {int(limit)}")

        self._cleanups.callback(restore)

    # -- processes ----------------------------------------------------------------------------------------
    def start(self, command: list[str], *, file_size_limit: int | None = None, **popen: Any) -> ManagedProcess:
        """Start `command` (stdout and stderr captured line by line); it is killed when the test ends.

        `file_size_limit` (bytes) makes the kernel refuse to grow any file of that process past the
        limit (EFBIG), as a full disk would.
        """
        process = ManagedProcess(command, file_size_limit=file_size_limit, **popen)
        self._cleanups.callback(process.kill)
        return process

    def close(self) -> None:
        self._release.set()
        self._cleanups.close()


class ManagedProcess:
    """A subprocess whose output lines a test can wait for, and which it can kill at the worst moment."""

    def __init__(self, command: list[str], *, file_size_limit: int | None = None, **popen: Any) -> None:
        def limit() -> None:
            import resource  # POSIX only, so imported where it is needed

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

        self.lines: list[str] = []
        self.unfinished = ""
        self._ended = False
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
            errors="replace", bufsize=1, start_new_session=True,
            preexec_fn=limit if file_size_limit is not None else None, **popen,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                if line.endswith("\n"):
                    self.lines.append(line[:-1])
                else:  # cut short by a kill: not a line the process finished saying
                    self.unfinished = line
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, pattern: str, *, count: int = 1, timeout: float = 30.0) -> list[str]:
        """Wait until `count` output lines match the regular expression `pattern`; returns them."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [line for line in self.lines if regex.search(line)]
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._ended:
                    break
                self._changed.wait(min(remaining, 0.5))
        if self._ended:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        why = f"the process ended with exit code {self.process.poll()}" if self._ended else f"after {timeout:g} s"
        tail = "\n".join(self.lines[-10:])
        raise AssertionError(f"{len(found)} of {count} lines matching {pattern!r} ({why}); last output:\n{tail}")

    def kill(self, sig: int = signal.SIGKILL) -> int | None:
        """Send `sig` (default SIGKILL: no cleanup, no flush) to the process and everything it started."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            code = self.process.wait()
        self._reader.join(timeout=5)  # every line it printed before it died is in `lines`
        return code

    @property
    def returncode(self) -> int | None:
        return self.process.poll()


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


def _resolve(target: Target) -> tuple[object, str, Any]:
    """(owner, attribute name, current value) of `"package.module.attr"` or `(object, "attr")`."""
    if isinstance(target, tuple):
        owner, name = target
        return owner, name, getattr(owner, name)
    parts = target.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:-1]:
            owner = getattr(owner, attribute)
        return owner, parts[-1], getattr(owner, parts[-1])
    raise ValueError(f"cannot import anything of {target!r}: name it as 'package.module.attribute'")


def _name(target: Target) -> str:
    return target if isinstance(target, str) else f"{type(target[0]).__name__}.{target[1]}"


def _raise(error: BaseException) -> bool:
    raise error


@pytest.fixture
def qa_faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    """Inject faults into this test's dependencies; all of them are undone when it ends."""
    faults = Faults(monkeypatch)
    try:
        yield faults
    finally:
        faults.close()
