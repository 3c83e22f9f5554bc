"""Run a tool as a subprocess: stream its output live, keep a log and a tail, enforce a time limit.

Every line is scrubbed of secrets before it is logged, kept or echoed (scrub.py).
"""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..scrub import LineScrubber

TAIL_LINES = 40
KILL_GRACE_S = 5.0

_ERROR_LINE = re.compile(r"error:|^E\s|^INTERNALERROR|^ERROR|\sERROR\]|\sCRITICAL\]", re.IGNORECASE)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class ProcessOutcome:
    exit_code: int | None
    timed_out: bool
    duration_s: float
    tail: list[str]

    def tail_text(self, lines: int = 15) -> str:
        return "\n".join(self.tail[-lines:])


def run_streaming(
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    timeout_s: float | None,
    echo: bool,
    while_running: Callable[[], None] | None = None,
) -> ProcessOutcome:
    """Run `command`, echoing its output when `echo`, logging it to `log_path`; kill it after `timeout_s`.

    `while_running` is called once the process has started, for work that can overlap with it.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace", bufsize=1, start_new_session=True,
        )
        reader = threading.Thread(target=_pump, args=(process, log, tail, echo), daemon=True)
        reader.start()
        expired = threading.Event()
        # a timer instead of wait(timeout=...), which polls with sleeps and adds up to 50 ms to every run
        timer = threading.Timer(timeout_s, _expire, args=(process, expired)) if timeout_s else None
        if timer:
            timer.start()
        if while_running:
            while_running()
        process.wait()
        if timer:
            timer.cancel()
        reader.join(timeout=KILL_GRACE_S)
        timed_out = expired.is_set()
    return ProcessOutcome(
        exit_code=None if timed_out else process.returncode,
        timed_out=timed_out,
        duration_s=time.monotonic() - started,
        tail=list(tail),
    )


def _pump(process: subprocess.Popen[str], log: object, tail: collections.deque[str], echo: bool) -> None:
    assert process.stdout is not None
    scrubber = LineScrubber()
    for raw in process.stdout:
        line = scrubber.line(raw)
        log.write(line)  # type: ignore[attr-defined]
        tail.append(line.rstrip("\n"))
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()


def last_meaningful_line(tail: list[str]) -> str:
    """The line of a tool's output most likely to explain why it failed, without terminal colours."""
    lines = [_ANSI.sub("", line).strip() for line in tail]
    for text in reversed(lines):
        if _ERROR_LINE.search(text) and "usage:" not in text:
            return text.removeprefix("E ").strip()
    meaningful = [text for text in lines if text and not set(text) <= set("=-_ ")]
    return meaningful[-1] if meaningful else "no output"


def _expire(process: subprocess.Popen[str], expired: threading.Event) -> None:
    expired.set()
    stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started with `start_new_session` and everything it started (workers, servers)."""
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
