"""Progress lines for long runs: what is running, and a heartbeat with the elapsed time."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .text import duration

HEARTBEAT_S = 30.0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def step(label: str, heartbeat_s: float = HEARTBEAT_S) -> Iterator[None]:
    """Announce `label`, then repeat it with the elapsed time every `heartbeat_s` until it ends."""
    say(f"▶ {label}")
    started = time.monotonic()
    with every(heartbeat_s, lambda: say(f"… {label}: still running ({duration(time.monotonic() - started)})")):
        yield


@contextmanager
def every(interval_s: float, action: Callable[[], None]) -> Iterator[None]:
    """Call `action` every `interval_s` on a side thread while the block runs (heartbeats, progress bars)."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(interval_s):
            action()

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
