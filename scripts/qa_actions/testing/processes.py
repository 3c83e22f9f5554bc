"""A process a test starts, reads line by line and kills at the worst moment (`qa_faults.start`)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

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
