"""terminal.py and the progress plugin: what a tier's pytest counts, and the bar that shows it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from qa_actions.terminal import (
    PROGRESS_ENV,
    ProgressCounter,
    Terminal,
    open_terminal,
    read_progress,
    render_text,
    tier_output,
)
from qa_actions.testing import progress

TESTS = "import pytest\n\n" + "".join(f"def test_{i}():\n    pass\n\n\n" for i in range(5)) + \
        "@pytest.mark.skip\ndef test_skipped():\n    pass\n"


def test_the_plugin_reads_the_variable_the_runner_sets() -> None:
    assert progress.PROGRESS_ENV == PROGRESS_ENV  # the plugin cannot import terminal.py (testing stands alone)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_pytest_counts_collected_and_done_tests(tmp_path: Path, workers: list[str]) -> None:
    (tmp_path / "test_some.py").write_text(TESTS)
    counts = tmp_path / "progress"
    env = {**os.environ, PROGRESS_ENV: str(counts)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           *workers, str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout
    assert read_progress(counts) == (6, 6)


def test_no_file_yet_is_no_count(tmp_path: Path) -> None:
    assert read_progress(tmp_path / "missing") == (None, 0)
    (tmp_path / "odd").write_text("total\ntotal x\ndone\ntotal 4\n")
    assert read_progress(tmp_path / "odd") == (4, 1)


def test_the_counter_reads_on_from_its_last_read(tmp_path: Path) -> None:
    counts = tmp_path / "progress"
    counts.write_text("total 3\ndone\ndo")  # the last line is still being written
    counter = ProgressCounter(counts)
    assert counter.read() == (3, 1)
    with counts.open("a") as handle:
        handle.write("ne\ndone\n")
    assert counter.read() == (3, 3) and counter.offset == counts.stat().st_size


def test_a_live_terminal_shows_the_tests_done(tmp_path: Path) -> None:
    out = io.StringIO()
    terminal = Terminal(Console(file=out, force_terminal=True, width=80, _environ={}), live=True, in_actions=False)
    counts = tmp_path / "progress"
    counts.write_text("total 3\ndone\ndone\n")
    with tier_output(terminal, "unit", echo=True, progress_file=counts):
        time.sleep(0.6)
    assert "2/3" in out.getvalue() and "tier" in out.getvalue()


def test_piped_output_is_plain_and_as_wide_as_columns() -> None:
    out = io.StringIO()
    terminal = open_terminal(out, environ={"COLUMNS": "40"})
    assert not terminal.live and not terminal.in_actions and terminal.console.width == 40
    assert open_terminal(out, environ={}).console.width == 160
    assert render_text([Text("a" * 50 + " [bold]x[/]")], terminal.console) == "a" * 40 + "\n" + "a" * 10 + \
        " [bold]x[/]\n"


def test_in_actions_a_tier_is_folded_without_commands(tmp_path: Path) -> None:
    out = io.StringIO()
    terminal = open_terminal(out, environ={"GITHUB_ACTIONS": "true"})
    with tier_output(terminal, "unit", echo=True, progress_file=None):
        out.write("::warning::from a test\n")
    lines = out.getvalue().splitlines()
    token = lines[1].removeprefix("::stop-commands::")
    assert lines[0] == "::group::tier unit" and token and lines[-2:] == [f"::{token}::", "::endgroup::"]
    quiet = io.StringIO()
    with tier_output(open_terminal(quiet, environ={"GITHUB_ACTIONS": "true"}), "unit", echo=False, progress_file=None):
        pass
    assert quiet.getvalue() == ""  # -q: no output to fold
