"""The service a load tier runs against: started from the configured command when there is one,
ready when it answers over HTTP, and always stopped afterwards.

Placeholders in `host`, `start` and `ready`: `{port}` (a free loopback port picked for this run),
`{python}` (the project's interpreter), `{project}` (the project folder) and `{tmp}` (a scratch folder
removed after the run).
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..config import TierConfig
from ..project.process import last_meaningful_line, stop_group

POLL_S = 0.1


class TargetError(Exception):
    """The target could not be started or never became ready; the tier cannot run."""


@dataclass(frozen=True)
class Target:
    host: str | None
    ready_url: str | None
    command: list[str] | None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolve_target(tier: TierConfig, project: Path, python: str, tmp: Path) -> Target:
    """The tier's host, readiness URL and start command with every placeholder filled in."""
    start = shlex.split(tier.start) if isinstance(tier.start, str) else tier.start
    texts = [tier.host or "", tier.ready or "", *(start or [])]
    values = {"{port}": str(free_port()) if any("{port}" in t for t in texts) else "{port}",
              "{python}": python, "{project}": str(project.resolve()), "{tmp}": str(tmp)}

    def fill(text: str) -> str:
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    if values["{port}"] != "{port}" and not start:
        raise TargetError("{port} only means something with a `start` command that listens on it")
    host = fill(tier.host) if tier.host else None
    ready = fill(tier.ready) if tier.ready else None
    if ready and "://" not in ready:
        if not host:
            raise TargetError(f"`ready` = {ready!r} is a path, so the tier needs a `host` to resolve it against")
        ready = host.rstrip("/") + "/" + ready.lstrip("/")
    elif ready is None and start and host:
        ready = host
    return Target(host, ready, [fill(part) for part in start] if start else None)


@contextmanager
def running(target: Target, cwd: Path, env: dict[str, str], log_path: Path, ready_timeout_s: float) -> Iterator[None]:
    """Start the target (if it has a command), wait until it answers, and stop it whatever happens."""
    if target.command is None:
        if target.ready_url:
            wait_ready(target.ready_url, None, log_path, ready_timeout_s)
        yield
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8", errors="replace") as log:
        try:
            process = subprocess.Popen(target.command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            raise TargetError(f"cannot start the target `{shlex.join(target.command)}`: {exc}") from None
        try:
            if target.ready_url:
                wait_ready(target.ready_url, process, log_path, ready_timeout_s)
            yield
        finally:
            stop_group(process)


def wait_ready(url: str, process: subprocess.Popen | None, log_path: Path, timeout_s: float) -> None:
    """Poll `url` until it answers with a status under 500; fail early when the target process dies."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout_s
    while True:
        if process is not None and process.poll() is not None:
            raise TargetError(f"the target exited with {process.returncode} before it was ready: {_log_tail(log_path)}")
        try:
            with opener.open(url, timeout=1):
                return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except (OSError, ValueError):
            pass
        if time.monotonic() >= deadline:
            raise TargetError(f"the target did not answer {url} within ready-timeout = {timeout_s:g} s")
        time.sleep(POLL_S)


def _log_tail(log_path: Path) -> str:
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
    except OSError:
        return "no output"
    return last_meaningful_line(lines)
