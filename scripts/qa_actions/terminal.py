"""The console qa prints to: colour and live progress on a terminal, plain text anywhere else, and in
GitHub Actions each tier's output folded in a group and kept from issuing workflow commands.

rich decides colour as https://no-color.org and https://force-color.org ask (`NO_COLOR`,
`FORCE_COLOR`); the live progress needs a real interactive terminal outside Actions, whatever
`FORCE_COLOR` says, so that a log never gets cursor movements. Plain text is as wide as `COLUMNS`
says, PLAIN_WIDTH without it, with no trailing spaces: logs and tests read it line by line.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .github_env import command_guard, read_github_env, untrusted
from .progress import every

PLAIN_WIDTH = 160
POLL_S = 0.2
PROGRESS_ENV = "QA_PROGRESS_FILE"  # read by qa_actions.testing.progress in the tier's pytest
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)

if TYPE_CHECKING:  # rich is imported where it is used: `qa tier` reads PROGRESS_ENV before pytest starts
    from rich.console import Console, RenderableType


@dataclass
class Terminal:
    """Where the output goes and what it can show."""

    console: Console
    live: bool  # an interactive terminal outside Actions: progress bars
    in_actions: bool

    @property
    def stream(self) -> TextIO:
        return self.console.file


def open_terminal(stream: TextIO | None = None, environ: Mapping[str, str] = os.environ) -> Terminal:
    """A console on `stream` (stdout by default)."""
    from rich.console import Console

    stream = stream or sys.stdout
    tty = _isatty(stream)
    in_actions = read_github_env(environ, payload=False).in_actions
    columns = environ.get("COLUMNS", "")
    width = None if tty else int(columns) if columns.isdigit() and int(columns) > 20 else PLAIN_WIDTH
    console = Console(file=stream, width=width, highlight=False, emoji=False, _environ=dict(environ))
    return Terminal(console, live=tty and console.is_interactive and not in_actions, in_actions=in_actions)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def render_text(renderables: Iterable[RenderableType], console: Console | None = None) -> str:
    """The renderables as the console would print them; plain text (`console` None: PLAIN_WIDTH wide,
    no colour) has no trailing spaces."""
    from rich.console import Console

    console = console or Console(width=PLAIN_WIDTH, color_system=None, force_terminal=False, highlight=False,
                                 emoji=False, _environ={})
    with console.capture() as captured:
        for renderable in renderables:
            console.print(renderable)
    text = captured.get()
    return text if console.color_system else _TRAILING.sub("", text)


def show(renderables: Iterable[RenderableType], terminal: Terminal | None = None) -> None:
    """Print renderables made from results: in Actions no line of them is a workflow command."""
    terminal = terminal or open_terminal()
    terminal.stream.write(untrusted(render_text(renderables, terminal.console)))
    terminal.stream.flush()


@contextmanager
def tier_output(terminal: Terminal, name: str, echo: bool, progress_file: Path | None) -> Iterator[None]:
    """Around one tier's run: in Actions its output in `::group::tier NAME`, with no workflow command
    obeyed inside (the output is the tests'); on a terminal a progress bar of its tests, counted from
    `progress_file` (lines `total N` and `done`, qa_actions.testing.progress writes them)."""
    if terminal.in_actions and echo:
        start, stop = command_guard()
        _write(terminal.stream, f"::group::tier {name}\n{start}\n")
        try:
            yield
        finally:
            _write(terminal.stream, f"\n{stop}\n::endgroup::\n")
    elif terminal.live and progress_file is not None:
        from rich.markup import escape
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn("tier [bold]{task.fields[tier]}[/]"), BarColumn(),
                      MofNCompleteColumn(), TextColumn("tests"), TimeElapsedColumn(),
                      console=terminal.console, transient=True) as progress:
            task = progress.add_task("", total=None, tier=escape(name))  # the label is markup

            counter = ProgressCounter(progress_file)

            def poll() -> None:
                total, finished = counter.read()
                progress.update(task, total=total, completed=min(finished, total or finished))

            with every(POLL_S, poll):
                yield
    else:
        yield


class ProgressCounter:
    """(tests collected, tests done) from a progress file, reading on from where the last read ended:
    the bar polls it five times a second and a big run's file grows by a line a test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.total: int | None = None
        self.done = 0

    def read(self) -> tuple[int | None, int]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except OSError:
            return self.total, self.done
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits for the next read
        self.offset += len(complete)
        for line in complete.decode("utf-8", errors="replace").splitlines():
            word, _, count = line.partition(" ")
            if word == "total" and count.isdigit():
                self.total = int(count)
            self.done += line == "done"
        return self.total, self.done


def read_progress(path: Path) -> tuple[int | None, int]:
    """(tests collected, tests done) from a progress file; (None, 0) before pytest wrote any."""
    return ProgressCounter(path).read()


def _write(stream: TextIO, text: str) -> None:
    stream.write(text)
    stream.flush()
