"""In-process fault injection for pytest, no Kubernetes needed: the `qa_faults` fixture.

A dependency that fails, is slow or hangs (`fail`, `delay`, `hang` on any function or method); a
service that answers errors, answers slowly, never answers or refuses connections (`http`,
`blackhole`, `refused`); a full disk (`disk_full` for Python file writes, `sqlite_full` for a SQLite
connection, `file_size_limit` for a whole subprocess); a process killed mid-work (`start` … `kill`).
Everything is undone when the test ends. See docs/chaos.md for examples.

This module is the `qa_faults` pytest plugin and the `Faults` it hands out; the processes it starts
and the HTTP services it fakes live beside it (processes.py, services.py).
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
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .processes import ManagedProcess
from .services import FaultyHttp

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
